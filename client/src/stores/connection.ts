import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { ServerStatus } from '../../../protocol';

/**
 * connecting: first connect in progress; live: synced and frames flow; reconnecting: the socket dropped and
 * socket.io retries; resyncing: a gap or new epoch was seen and a fresh snapshot is on its way; offline: gave up
 * or the browser is offline.
 */
export type ConnectionPhase = 'connecting' | 'live' | 'reconnecting' | 'resyncing' | 'offline';

/** The world a session's socket is on (the demo replay has its own, DESIGN §9.8), its scope and token, if any. */
export interface ConnectionSession {
  world: 'live' | 'demo';
  /** The area the session subscribed to. */
  scope: string;
  token: () => string | undefined;
}

/** No frame or status for this long while subscribed: the screen says its data may be stale. */
export const STALE_AFTER_MS = 5_000;

export const useConnectionStore = defineStore('connection', () => {
  const phase = ref<ConnectionPhase>('connecting');
  const status = shallowRef<ServerStatus | null>(null);
  const subscribed = ref(false);
  /** Wall-clock time (ms) the last frame or status arrived; undefined before the first. */
  const lastFrameAt = ref<number | undefined>(undefined);
  /** Server clock time of the last frame (virtual in demo mode). */
  const serverTime = ref<number | undefined>(undefined);
  /** Wall-clock "now", advanced by the caller's ticker so `stale` re-evaluates without frames. */
  const now = ref(0);
  const resyncCount = ref(0);
  const lastError = ref<string | undefined>(undefined);
  /** What this session's HTTP requests need: the world its socket shows and the token it connected with. */
  const session = shallowRef<ConnectionSession | undefined>(undefined);

  const stale = computed(
    () =>
      subscribed.value &&
      (phase.value === 'live' || phase.value === 'resyncing') &&
      (lastFrameAt.value === undefined || now.value - lastFrameAt.value > STALE_AFTER_MS),
  );

  function setPhase(next: ConnectionPhase) {
    phase.value = next;
    if (next === 'resyncing') resyncCount.value += 1;
  }

  function setStatus(next: ServerStatus, at: number) {
    status.value = next;
    lastFrameAt.value = at;
  }

  function markFrame(at: number, frameTime: number) {
    lastFrameAt.value = at;
    serverTime.value = frameTime;
  }

  function setSubscribed(value: boolean) {
    subscribed.value = value;
  }

  function tick(at: number) {
    now.value = at;
  }

  function setError(message: string | undefined) {
    lastError.value = message;
  }

  function setSession(next: ConnectionSession | undefined) {
    session.value = next;
  }

  return {
    phase,
    status,
    subscribed,
    lastFrameAt,
    serverTime,
    now,
    resyncCount,
    lastError,
    session,
    stale,
    setPhase,
    setStatus,
    markFrame,
    setSubscribed,
    tick,
    setError,
    setSession,
  };
});
