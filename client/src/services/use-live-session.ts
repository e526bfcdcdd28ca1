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
import { createSocketTransport, type SocketOptions } from './socket';

export interface LiveSessionOptions {
  /** The JWT: a wall's `?token=…`, or a function asked on every (re)connect (a login that refreshes). */
  token?: SocketOptions['token'];
  /** The demo replay instead of the live world (the /demo page). */
  demo?: boolean;
  /**
   * A jurisdiction (a leader's tablet): the session subscribes to this area code only, which is all the server
   * would send that user anyway (DESIGN §3.6); it stays on the live world, and when the view unmounts it
   * forgets everything it received, because another user may sign in on the same device next.
   * Without it: the whole deployment, following the server into its demo replay when the server announces one.
   */
  scope?: string;
}

/**
 * A view's live session: loads the district, connects, subscribes (the whole deployment, or `scope`) and keeps
 * the stores in sync until the view unmounts.
 */
export function useLiveSession(options: LiveSessionOptions = {}) {
  const stores = {
    connection: useConnectionStore(),
    areas: useAreasStore(),
    devices: useDevicesStore(),
    series: useSeriesStore(),
    insights: useInsightsStore(),
    cases: useCasesStore(),
  };
  const district = useDistrictStore();
  const scoped = options.scope !== undefined;
  const token = () => (typeof options.token === 'function' ? options.token() : options.token);
  let sync: LiveSync | undefined;
  // The demo replay lives on its own namespace: asked for (`?demo=1`, the /demo page), or announced by a
  // server started with `--demo`, which every whole-deployment page then follows.
  let namespace = !scoped && (options.demo || demoRequested(window.location.search)) ? DEMO_NAMESPACE : '/';
  const connect = () => {
    stores.connection.setSession({
      world: namespace === DEMO_NAMESPACE ? 'demo' : 'live',
      scope: options.scope ?? '*',
      token,
    });
    sync = startLiveSync({
      transport: createSocketTransport({ token: options.token, namespace }),
      stores,
      scope: options.scope,
    });
  };
  const follow = (mode: 'live' | 'demo' | undefined) => {
    if (scoped || mode !== 'demo' || namespace === DEMO_NAMESPACE || !sync) return;
    namespace = DEMO_NAMESPACE;
    sync.stop();
    connect();
  };
  const stopFollowing = watch(() => stores.connection.status?.mode, follow);

  onMounted(() => {
    if (!district.district) {
      fetchDistrict(token()).then(district.set, (err: unknown) => district.setError(String(err)));
    }
    // The socket sends status on connect too; this only fills the title bar a little earlier.
    if (!scoped)
      fetchStatus(token()).then(
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
    if (scoped) {
      stores.areas.clear();
      stores.devices.clear();
      stores.cases.clear();
      stores.series.clear();
      stores.insights.clear();
    }
    stores.connection.setSession(undefined);
    stores.connection.setSubscribed(false);
    stores.connection.setPhase('connecting');
  });
}
