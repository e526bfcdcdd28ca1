import { defineStore } from 'pinia';
import { computed, markRaw, ref, shallowRef } from 'vue';
import type { CaseView } from '../../../protocol';

/**
 * Cases on the map (layer `cases`): open cases and cases closed in the last 24 h, by id, in a plain Map;
 * `version` moves on every change and `list` is a new array per version (deck.gl compares data by reference).
 */
export const useCasesStore = defineStore('cases', () => {
  const byId = shallowRef(markRaw(new Map<string, CaseView>()));
  const version = ref(0);

  function reset(cases: readonly CaseView[]) {
    byId.value = markRaw(new Map(cases.map((c) => [c.id, c])));
    version.value += 1;
  }

  /** Upserts, then removals (a case that left the layer); a no-op for empty changes. */
  function applyChanges(upserts: readonly CaseView[] | undefined, removed: readonly string[] | undefined) {
    if (!upserts?.length && !removed?.length) return;
    for (const c of upserts ?? []) byId.value.set(c.id, c);
    for (const id of removed ?? []) byId.value.delete(id);
    version.value += 1;
  }

  function clear() {
    reset([]);
  }

  const list = computed<readonly CaseView[]>(() => {
    void version.value;
    return markRaw(Array.from(byId.value.values()));
  });

  return { byId, version, list, reset, applyChanges, clear };
});
