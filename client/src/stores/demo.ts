import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import type { AckResult, DemoStatus, RecordingInfo } from '../../../protocol';
import { fetchStatus } from '../services/api';
import { createDemoSocket, type DemoSocket } from '../services/socket';

const ACK_TIMEOUT_MS = 15_000;

/**
 * Demo mode (DESIGN §1 presenter): the replay's status and the presenter's controls over `/demo`, and whether
 * the server as a whole replays a demo (`npm start -- --demo <file>`), which puts the DEMO mark on every page.
 */
export const useDemoStore = defineStore('demo', () => {
  const status = shallowRef<DemoStatus | null>(null);
  const recordings = shallowRef<RecordingInfo[]>([]);
  const connected = ref(false);
  /** The last refused or failed control, said to the presenter. */
  const error = ref<string | undefined>(undefined);
  /** A control is on its way. */
  const pending = ref(false);
  /** The server's mode as reported over HTTP when the app loaded. */
  const serverMode = ref<'live' | 'demo' | undefined>(undefined);

  let socket: DemoSocket | undefined;
  let users = 0;

  /** Asks the server once whether it replays a demo for every page. */
  function detectServerMode(token?: string): void {
    fetchStatus(token).then(
      (s) => (serverMode.value = s.mode),
      () => undefined,
    );
  }

  /** Opens the control socket (counted: the last `disconnect` closes it). */
  function connect(): void {
    users += 1;
    if (socket) return;
    const s = createDemoSocket();
    socket = s;
    s.on('connect', () => {
      connected.value = true;
      void refreshList();
    });
    s.on('disconnect', () => (connected.value = false));
    s.on('demo:status', (next) => (status.value = next));
    s.connect();
  }

  function disconnect(): void {
    users = Math.max(0, users - 1);
    if (users > 0 || !socket) return;
    socket.disconnect();
    socket.removeAllListeners();
    socket = undefined;
    connected.value = false;
  }

  async function request<T>(send: (s: DemoSocket) => Promise<AckResult<T>>): Promise<T | undefined> {
    if (!socket) return undefined;
    pending.value = true;
    try {
      const ack = await send(socket);
      if (!ack.ok) {
        error.value = `${ack.error.code}: ${ack.error.message}`;
        return undefined;
      }
      error.value = undefined;
      return ack.data;
    } catch (err) {
      error.value = err instanceof Error ? err.message : String(err);
      return undefined;
    } finally {
      pending.value = false;
    }
  }

  async function control(send: (s: DemoSocket) => Promise<AckResult<DemoStatus>>): Promise<void> {
    const next = await request<DemoStatus>(send);
    if (next) status.value = next;
  }

  async function refreshList(): Promise<void> {
    const list = await request<RecordingInfo[]>((s) => s.timeout(ACK_TIMEOUT_MS).emitWithAck('demo:list', {}));
    if (list) recordings.value = list;
  }

  const load = (recordingId: string) =>
    control((s) => s.timeout(ACK_TIMEOUT_MS).emitWithAck('demo:load', { recordingId }));
  const play = () => control((s) => s.timeout(ACK_TIMEOUT_MS).emitWithAck('demo:play', {}));
  const pause = () => control((s) => s.timeout(ACK_TIMEOUT_MS).emitWithAck('demo:pause', {}));
  const setSpeed = (speed: number) => control((s) => s.timeout(ACK_TIMEOUT_MS).emitWithAck('demo:speed', { speed }));
  const seek = (time: number) =>
    control((s) => s.timeout(ACK_TIMEOUT_MS).emitWithAck('demo:seek', { time: Math.round(time) }));
  const setLoop = (on: boolean) => control((s) => s.timeout(ACK_TIMEOUT_MS).emitWithAck('demo:loop', { on }));

  return {
    status,
    recordings,
    connected,
    error,
    pending,
    serverMode,
    detectServerMode,
    connect,
    disconnect,
    refreshList,
    load,
    play,
    pause,
    setSpeed,
    seek,
    setLoop,
  };
});
