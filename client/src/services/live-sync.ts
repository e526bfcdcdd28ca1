import {
  FramePatchError,
  applyAreaChanges,
  applyEventSeries,
  applyInsights,
  type AckResult,
  type DeltaFrame,
  type Layer,
  type ScopeChanges,
  type ServerStatus,
  type SnapshotFrame,
  type SubscribeRequest,
} from '../../../protocol';
import type { useAreasStore } from '../stores/areas';
import type { useCasesStore } from '../stores/cases';
import type { useConnectionStore } from '../stores/connection';
import type { useDevicesStore } from '../stores/devices';
import type { useInsightsStore } from '../stores/insights';
import type { useSeriesStore } from '../stores/series';
import { createFrameSequencer } from './frame-sequencer';

/**
 * What live sync needs from the wire. `services/socket.ts` implements it over Socket.IO; tests use a fake.
 * Every `on*` returns an unsubscribe function.
 */
export interface LiveTransport {
  /** Fires on the first connect and on every reconnect (the server forgets subscriptions in between). */
  onConnect(fn: () => void): () => void;
  onDisconnect(fn: (reason: string) => void): () => void;
  /** A connect attempt failed (socket.io keeps retrying). */
  onConnectError(fn: (message: string) => void): () => void;
  onStatus(fn: (status: ServerStatus) => void): () => void;
  onDelta(fn: (frame: DeltaFrame) => void): () => void;
  subscribe(req: SubscribeRequest): Promise<AckResult<SnapshotFrame>>;
  connect(): void;
  close(): void;
}

export interface LiveSyncStores {
  connection: ReturnType<typeof useConnectionStore>;
  areas: ReturnType<typeof useAreasStore>;
  devices: ReturnType<typeof useDevicesStore>;
  series: ReturnType<typeof useSeriesStore>;
  insights: ReturnType<typeof useInsightsStore>;
  /** Cases on the map (layer `cases`); optional so views without the map need not hold it. */
  cases?: ReturnType<typeof useCasesStore>;
}

export interface LiveSyncOptions {
  transport: LiveTransport;
  stores: LiveSyncStores;
  scope?: string;
  layers?: Layer[];
  /** Wall clock, injectable for tests. */
  now?: () => number;
  /** After this many failed connects in a row the screen says "offline" (socket.io keeps retrying). */
  offlineAfterFailures?: number;
  /** Retry delay after a failed subscribe, doubled per failure up to 10 s. */
  retryBaseMs?: number;
}

export interface LiveSync {
  /** Drop the current state's ordering and ask for a fresh snapshot. */
  resync(): void;
  stop(): void;
}

const MAX_RETRY_MS = 10_000;
const TICK_MS = 1_000;

/**
 * Wires transport → sequencer → stores (DESIGN §5): a snapshot on every (re)connect, deltas applied only in
 * order, a visible "resyncing" state and a fresh snapshot on any gap or new epoch.
 */
export function startLiveSync(options: LiveSyncOptions): LiveSync {
  const { transport, stores } = options;
  const scope = options.scope ?? '*';
  const layers = options.layers ?? ['areas', 'devices', 'cases', 'series', 'insights'];
  const now = options.now ?? (() => Date.now());
  const offlineAfter = options.offlineAfterFailures ?? 3;
  const retryBaseMs = options.retryBaseMs ?? 1_000;
  const { connection } = stores;
  const sequencer = createFrameSequencer();

  let connected = false;
  let everConnected = false;
  let failures = 0;
  let subscribeFailures = 0;
  let request = 0;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;

  function applySnapshot(frame: SnapshotFrame) {
    const { state } = frame;
    stores.areas.reset(state.summary, state.areas);
    stores.devices.reset(state.devices);
    stores.series.set(state.series);
    stores.insights.set(state.insights);
    stores.cases?.reset(state.cases);
    connection.markFrame(now(), frame.time);
  }

  /** The patched parts of a delta, all computed before any store changes (a patch that does not fit throws). */
  function patched(changes: ScopeChanges) {
    const summary = stores.areas.summary;
    const series = stores.series.series;
    const insights = stores.insights.insights;
    const missing = (what: string) => new FramePatchError('nothing held to patch', what);
    if ((changes.summary || changes.areas) && !summary) throw missing('summary');
    if (changes.series && !series) throw missing('series');
    if (changes.insights && !insights) throw missing('insights');
    const areas = summary ? applyAreaChanges(summary, stores.areas.byCode, changes) : undefined;
    return {
      summary: changes.summary ? areas?.summary : undefined,
      areas: areas?.areas,
      series: changes.series ? applyEventSeries(series!, changes.series) : undefined,
      insights: changes.insights ? applyInsights(insights!, changes.insights) : undefined,
    };
  }

  /** Applies a delta in order; false when a patch does not fit what the stores hold (the caller resyncs). */
  function applyDelta(frame: DeltaFrame): boolean {
    const { changes } = frame;
    let next: ReturnType<typeof patched>;
    try {
      next = patched(changes);
    } catch (err) {
      if (err instanceof FramePatchError) return false;
      throw err;
    }
    stores.areas.applyChanges(next.summary, next.areas);
    stores.devices.upsert(changes.devices);
    stores.series.set(next.series);
    stores.insights.set(next.insights);
    stores.cases?.applyChanges(changes.cases, changes.removedCases);
    connection.markFrame(now(), frame.time);
    return true;
  }

  function scheduleRetry() {
    clearTimeout(retryTimer);
    const delay = Math.min(MAX_RETRY_MS, retryBaseMs * 2 ** Math.min(subscribeFailures - 1, 10));
    retryTimer = setTimeout(() => subscribe(), delay);
  }

  function subscribe() {
    if (!connected) return;
    clearTimeout(retryTimer);
    const mine = ++request;
    sequencer.expectSnapshot();
    transport.subscribe({ scope, layers }).then(
      (ack) => {
        // A newer request (resync, reconnect) superseded this one: its snapshot would be out of order.
        if (mine !== request || !connected) return;
        if (!ack.ok) {
          subscribeFailures += 1;
          connection.setError(`${ack.error.code}: ${ack.error.message}`);
          scheduleRetry();
          return;
        }
        subscribeFailures = 0;
        connection.setError(undefined);
        const { then, resync: again } = sequencer.acceptSnapshot(ack.data);
        applySnapshot(ack.data);
        const fits = then.every((d) => applyDelta(d));
        connection.setSubscribed(true);
        if (again || !fits) resync();
        else connection.setPhase('live');
      },
      (err: unknown) => {
        if (mine !== request || !connected) return;
        subscribeFailures += 1;
        connection.setError(err instanceof Error ? err.message : String(err));
        scheduleRetry();
      },
    );
  }

  function resync() {
    connection.setPhase('resyncing');
    subscribe();
  }

  const offs = [
    transport.onConnect(() => {
      connected = true;
      everConnected = true;
      failures = 0;
      subscribeFailures = 0;
      sequencer.reset();
      if (connection.phase !== 'connecting') connection.setPhase('resyncing');
      subscribe();
    }),
    transport.onDisconnect(() => {
      connected = false;
      request += 1;
      sequencer.reset();
      clearTimeout(retryTimer);
      connection.setSubscribed(false);
      connection.setPhase('reconnecting');
    }),
    transport.onConnectError((message) => {
      failures += 1;
      connection.setError(message);
      if (failures >= offlineAfter) connection.setPhase('offline');
      else connection.setPhase(everConnected ? 'reconnecting' : 'connecting');
    }),
    transport.onStatus((status) => {
      connection.setStatus(status, now());
      // The server rebuilt its state: our ordering no longer holds, whatever seq says.
      if (sequencer.phase === 'synced' && sequencer.epoch !== status.epoch) resync();
    }),
    transport.onDelta((frame) => {
      if (frame.scope !== scope) return;
      const decision = sequencer.acceptDelta(frame);
      // A patch that does not fit what this screen holds is never guessed at: a fresh snapshot replaces it all.
      if (decision.action === 'apply') {
        if (!decision.frames.every((d) => applyDelta(d))) resync();
      } else if (decision.action === 'resync') resync();
    }),
  ];

  connection.tick(now());
  const ticker = setInterval(() => connection.tick(now()), TICK_MS);
  transport.connect();

  return {
    resync,
    stop() {
      clearInterval(ticker);
      clearTimeout(retryTimer);
      request += 1;
      for (const off of offs) off();
      transport.close();
    },
  };
}
