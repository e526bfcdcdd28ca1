import { defineStore } from 'pinia';
import { shallowRef } from 'vue';
import type { EventSeries } from '../../../protocol';

/** Events per minute for the last hour, per feed; replaced by every frame that carries it (a delta's tail already applied). */
export const useSeriesStore = defineStore('series', () => {
  const series = shallowRef<EventSeries | null>(null);

  function set(next: EventSeries | undefined) {
    if (next) series.value = next;
  }

  function clear() {
    series.value = null;
  }

  return { series, set, clear };
});
