import { onBeforeUnmount, onMounted } from 'vue';
import { useAreasStore } from '../stores/areas';
import { useConnectionStore } from '../stores/connection';
import { useDevicesStore } from '../stores/devices';
import { useDistrictStore } from '../stores/district';
import { useSeriesStore } from '../stores/series';
import { fetchDistrict, fetchStatus } from './api';
import { startLiveSync, type LiveSync } from './live-sync';
import { createSocketTransport } from './socket';

/**
 * A view's live session: loads the district, connects, subscribes to the whole deployment and keeps the
 * stores in sync until the view unmounts.
 */
export function useLiveSession(options: { token?: string } = {}) {
  const stores = {
    connection: useConnectionStore(),
    areas: useAreasStore(),
    devices: useDevicesStore(),
    series: useSeriesStore(),
  };
  const district = useDistrictStore();
  let sync: LiveSync | undefined;

  onMounted(() => {
    if (!district.district) {
      fetchDistrict(options.token).then(district.set, (err: unknown) => district.setError(String(err)));
    }
    // The socket sends status on connect too; this only fills the title bar a little earlier.
    fetchStatus(options.token).then(
      (s) => stores.connection.status ?? stores.connection.setStatus(s, Date.now()),
      () => undefined,
    );
    sync = startLiveSync({ transport: createSocketTransport({ token: options.token }), stores });
  });

  onBeforeUnmount(() => {
    sync?.stop();
    stores.connection.setSubscribed(false);
    stores.connection.setPhase('connecting');
  });
}
