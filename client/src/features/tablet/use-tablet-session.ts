import { onBeforeUnmount, onMounted } from 'vue';
import { fetchDistrict } from '../../services/api';
import { startLiveSync, type LiveSync } from '../../services/live-sync';
import { createSocketTransport } from '../../services/socket';
import { useAreasStore } from '../../stores/areas';
import { useCasesStore } from '../../stores/cases';
import { useConnectionStore } from '../../stores/connection';
import { useDevicesStore } from '../../stores/devices';
import { useDistrictStore } from '../../stores/district';
import { useInsightsStore } from '../../stores/insights';
import { useSeriesStore } from '../../stores/series';

/**
 * The tablet's live session: like the wall's, but subscribed to the leader's own jurisdiction (`scope`), which is
 * all the server would send them anyway (DESIGN §3.6). The token is asked for on every (re)connect.
 */
export function useTabletSession(options: { scope: string; token: () => string | undefined }) {
  const stores = {
    connection: useConnectionStore(),
    areas: useAreasStore(),
    devices: useDevicesStore(),
    series: useSeriesStore(),
    insights: useInsightsStore(),
    cases: useCasesStore(),
  };
  const district = useDistrictStore();
  let sync: LiveSync | undefined;

  onMounted(() => {
    if (!district.district)
      fetchDistrict(options.token()).then(district.set, (err: unknown) => district.setError(String(err)));
    stores.connection.setSession({ world: 'live', scope: options.scope, token: options.token });
    sync = startLiveSync({
      transport: createSocketTransport({ token: options.token }),
      stores,
      scope: options.scope,
    });
  });

  onBeforeUnmount(() => {
    sync?.stop();
    // Another user may sign in on this tablet next: nothing of this jurisdiction stays in memory.
    stores.areas.clear();
    stores.devices.clear();
    stores.cases.clear();
    stores.series.clear();
    stores.insights.clear();
    stores.connection.setSubscribed(false);
    stores.connection.setPhase('connecting');
  });
}
