import { storeToRefs } from 'pinia';
import { computed, type ComputedRef } from 'vue';
import { useConnectionStore } from '../../stores/connection';

/**
 * Whether what a panel shows is not live: frames stopped (stale), or the feed is connecting, reconnecting,
 * resyncing or offline. The values then on screen are from before the gap, so panels dim them and say so.
 */
export function useDataFreshness(): ComputedRef<boolean> {
  const { phase, stale } = storeToRefs(useConnectionStore());
  return computed(() => phase.value !== 'live' || stale.value);
}
