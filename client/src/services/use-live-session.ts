import { onBeforeUnmount, onMounted, watch } from 'vue';
import { DEMO_NAMESPACE } from '../../../protocol';
import { useAreasStore } from '../stores/areas';
import { useCasesStore } from '../stores/cases';
import { useConnectionStore } from '../stores/connection';
import { useDevicesStore } from '../stores/devices';
import { useDistrictStore } from '../stores/district';
import { useInsightsStore } from '../stores/insights';
import { useSeriesStore } from '../stores/series';
import { fetchDistrict, fetchStatus } from './api';
import { demoRequested } from './demo-mode';
import { startLiveSync, type LiveSync } from './live-sync';
import { createSocketTransport } from './socket';

/**
 * A view's live session: loads the district, connects, subscribes to the whole deployment and keeps the
 * stores in sync until the view unmounts.
 */
export function useLiveSession(options: { token?: string; demo?: boolean } = {}) {
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
  // The demo replay lives on its own namespace: asked for (`?demo=1`, the /demo page), or announced by a
  // server started with `--demo`, which every page then follows.
  let namespace = options.demo || demoRequested(window.location.search) ? DEMO_NAMESPACE : '/';
  const connect = () => {
    stores.connection.setSession({
      world: namespace === DEMO_NAMESPACE ? 'demo' : 'live',
      scope: '*',
      token: () => options.token,
    });
    sync = startLiveSync({ transport: createSocketTransport({ token: options.token, namespace }), stores });
  };
  const follow = (mode: 'live' | 'demo' | undefined) => {
    if (mode !== 'demo' || namespace === DEMO_NAMESPACE || !sync) return;
    namespace = DEMO_NAMESPACE;
    sync.stop();
    connect();
  };
  const stopFollowing = watch(() => stores.connection.status?.mode, follow);

  onMounted(() => {
    if (!district.district) {
      fetchDistrict(options.token).then(district.set, (err: unknown) => district.setError(String(err)));
    }
    // The socket sends status on connect too; this only fills the title bar a little earlier.
    fetchStatus(options.token).then(
      (s) => {
        if (!stores.connection.status) stores.connection.setStatus(s, Date.now());
        follow(s.mode);
      },
      () => undefined,
    );
    connect();
  });

  onBeforeUnmount(() => {
    stopFollowing();
    sync?.stop();
    stores.connection.setSubscribed(false);
    stores.connection.setPhase('connecting');
  });
}
