import { onBeforeUnmount, onMounted, ref } from 'vue';
import { createAlertTransport, createSocket, onSocketCreated, type GridPulseSocket } from '../../services/socket';
import { useAlertsStore } from '../../stores/alerts';

/** A handshake refused for the token (expired, revoked, unknown user) rather than for the network. */
export function isAuthRefusal(message: string): boolean {
  return /unauthori[sz]ed|forbidden|token|jwt|expired/i.test(message);
}

/**
 * Keeps the alerts store on the page's live socket: the one the live session opens on the root namespace
 * (the wall and the tablet), re-attached whenever that session opens a new one. Call before the live session
 * mounts (in setup).
 */
export function useAlertsOnLiveSocket() {
  const alerts = useAlertsStore();
  const stop = onSocketCreated((socket, namespace) => {
    // Demo worlds raise no alerts (DESIGN §9.8): on /demo the queue is empty.
    if (namespace === '/') alerts.attach(createAlertTransport(socket));
    else alerts.detach();
  });
  onBeforeUnmount(() => {
    stop();
    alerts.detach();
  });
}

/**
 * The duty console's own socket: no map frames, only the alert queue, details and actions, with the login's
 * token on every (re)connect. `onRefused` is told when the server turns the token away.
 */
export function useAlertSocket(options: { token: () => string | undefined; onRefused?: () => void }) {
  const alerts = useAlertsStore();
  const phase = ref<'connecting' | 'live' | 'reconnecting' | 'offline'>('connecting');
  let socket: GridPulseSocket | undefined;
  let failures = 0;

  onMounted(() => {
    const s = createSocket({ token: options.token });
    socket = s;
    s.on('connect', () => {
      failures = 0;
      phase.value = 'live';
    });
    s.on('disconnect', (reason) => {
      phase.value = 'reconnecting';
      // The server closed the connection (a restart, a token it no longer accepts): socket.io does not retry that by itself.
      if (reason === 'io server disconnect') setTimeout(() => socket === s && s.connect(), 1_000);
    });
    s.on('connect_error', (err) => {
      failures += 1;
      if (isAuthRefusal(err.message)) options.onRefused?.();
      phase.value = failures >= 3 ? 'offline' : 'reconnecting';
    });
    alerts.attach(createAlertTransport(s));
    s.connect();
  });

  onBeforeUnmount(() => {
    alerts.detach();
    socket?.disconnect();
    socket?.removeAllListeners();
    socket = undefined;
  });

  return { phase };
}
