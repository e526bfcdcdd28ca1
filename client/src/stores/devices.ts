import { defineStore } from 'pinia';
import { computed, markRaw, ref, shallowRef } from 'vue';
import type { DeviceView } from '../../../protocol';

/**
 * Device views by id, in a plain Map (up to 100,000 devices: deep reactivity would cost more than the
 * render). `version` moves on every change; `list` is a new array per version, which deck.gl needs anyway
 * since it compares data by reference.
 */
export const useDevicesStore = defineStore('devices', () => {
  const byId = shallowRef(markRaw(new Map<string, DeviceView>()));
  const version = ref(0);

  function reset(devices: readonly DeviceView[]) {
    byId.value = markRaw(new Map(devices.map((d) => [d.id, d])));
    version.value += 1;
  }

  function upsert(devices: readonly DeviceView[] | undefined) {
    if (!devices?.length) return;
    for (const d of devices) byId.value.set(d.id, d);
    version.value += 1;
  }

  function clear() {
    reset([]);
  }

  const list = computed<readonly DeviceView[]>(() => {
    void version.value;
    return markRaw(Array.from(byId.value.values()));
  });

  return { byId, version, list, reset, upsert, clear };
});
