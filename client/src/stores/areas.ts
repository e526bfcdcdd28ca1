import { defineStore } from 'pinia';
import { computed, markRaw, ref, shallowRef } from 'vue';
import { CODE_LENGTH } from '../../../protocol/area';
import type { AreaStats, FeedCounts } from '../../../protocol';

/** Total of the three feeds. */
export function totalEvents(counts: FeedCounts): number {
  return counts.device + counts.case + counts.opinion;
}

/**
 * Live stats per area. The map of areas is not deeply reactive (thousands of grids at 4 frames/s): readers
 * depend on `version`, which moves on every apply.
 */
export const useAreasStore = defineStore('areas', () => {
  const summary = shallowRef<AreaStats | null>(null);
  const byCode = shallowRef(markRaw(new Map<string, AreaStats>()));
  const version = ref(0);

  function reset(nextSummary: AreaStats, areas: readonly AreaStats[]) {
    summary.value = nextSummary;
    byCode.value = markRaw(new Map(areas.map((a) => [a.code, a])));
    version.value += 1;
  }

  /** Takes the stats a delta brought, already patched (live-sync applies the field-level patches). */
  function applyChanges(nextSummary: AreaStats | undefined, areas: readonly AreaStats[] | undefined) {
    if (nextSummary) summary.value = nextSummary;
    if (areas?.length) {
      for (const a of areas) byCode.value.set(a.code, a);
      version.value += 1;
    }
  }

  function clear() {
    summary.value = null;
    byCode.value = markRaw(new Map());
    version.value += 1;
  }

  function atCodeLength(len: number): AreaStats[] {
    void version.value;
    const out: AreaStats[] = [];
    for (const a of byCode.value.values()) if (a.code.length === len) out.push(a);
    return out;
  }

  /** Stats of the grids (15-digit codes), read through `version`. */
  const grids = computed(() => atCodeLength(CODE_LENGTH.grid));
  /** Stats of the communities (12-digit codes). */
  const communities = computed(() => atCodeLength(CODE_LENGTH.community));

  /** The `n` grids with most events in the last 5 minutes, ties broken by code for a stable order. */
  function topGrids(n: number): AreaStats[] {
    return [...grids.value]
      .sort((a, b) => totalEvents(b.events5m) - totalEvents(a.events5m) || a.code.localeCompare(b.code))
      .slice(0, n);
  }

  return { summary, byCode, version, grids, communities, reset, applyChanges, clear, topGrids };
});
