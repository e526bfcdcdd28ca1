import { setImmediate as yieldToLoop } from 'node:timers/promises';
import {
  DEMO_MAX_SPEED,
  DEMO_MIN_SPEED,
  DEVICE_TYPES,
  type DemoState,
  type DemoStatus,
  type DeviceType,
  type IngestEvent,
  type RecordingHeader,
  type RecordingInfo,
} from '../../protocol';
import { DEFAULT_HEARTBEAT_TIMEOUT_MS } from '../aggregate/device-tracker';
import { ManualClock, ScaledClock, type Clock } from '../pipeline/clock';
import type { World } from '../world';
import { ReplayCursor } from './replay-cursor';

/** The recordings a server can replay (main.ts builds it from files; tests from a generated one). */
export interface RecordingSource {
  list(): Promise<RecordingInfo[]>;
  /** Opens one by id for reading from its start; rejects for an unknown id. */
  open(id: string): Promise<{ header: RecordingHeader; events: AsyncIterable<IngestEvent>; close?(): void }>;
}

/** A recording source with nothing in it. */
export const noRecordings: RecordingSource = {
  list: async () => [],
  open: async (id) => {
    throw new DemoError('not_found', `no recording ${id}`);
  },
};

export interface DemoWorldOptions {
  /** The world's clock: the session sets it to the replay position. */
  clock: Clock;
  heartbeatTimeoutMs?: Readonly<Record<DeviceType, number>>;
}

export interface DemoSessionDeps {
  /** Real time underneath the virtual clock (tests drive a ManualClock). */
  realClock: Clock;
  recordings: RecordingSource;
  /** Code of the district the server shows: a recording of another district is refused. */
  districtCode?: string;
  /** Builds a fresh isolated world (own store, own epoch) on the demo namespace. */
  createWorld(opts: DemoWorldOptions): World & { dispose(): void };
  /** Called with the status on every change and at least once a second while the session runs. */
  onStatus?(status: DemoStatus): void;
  /**
   * Called when a new world is ready (load, loop, backwards seek, replay after the end), after any
   * fast-forward: clients must resync to its epoch.
   */
  onWorld?(world: World): void;
  /** Real ms between steps when started (default 250, one hub tick). */
  stepMs?: number;
}

export class DemoError extends Error {
  constructor(
    readonly code: 'not_found' | 'conflict' | 'invalid_payload',
    message: string,
  ) {
    super(message);
  }
}

/** Virtual ms per ingest batch: events are at most this far behind the world's clock, well inside lateness. */
const BATCH_SPAN_MS = 5_000;
const MAX_BATCH = 5_000;
/** Events one playing step may ingest: a recording denser than the speed allows plays slower, never blocks. */
const MAX_EVENTS_PER_STEP = 50_000;
/** A device silent for this many of its recorded heartbeat intervals is offline. */
const HEARTBEAT_GRACE = 2.5;
const STATUS_EVERY_MS = 1_000;

interface Loaded {
  info: RecordingInfo;
  header: RecordingHeader;
}

/**
 * The demo controller (DESIGN §1 presenter, §9.8): replays one recording through a world of its own, on a
 * virtual clock (play, pause, speed 1×–600×, seek, loop). Events are streamed from the recording (never held
 * whole in memory); seeking backwards rebuilds the world from the start under a new epoch. Operations are
 * serialised: a control waits for a running step or fast-forward to finish.
 */
export class DemoSession {
  private readonly scaled: ScaledClock;
  private readonly worldClock = new ManualClock(0);
  private worldValue: World & { dispose(): void };
  private loaded: Loaded | undefined;
  private cursor: ReplayCursor | undefined;
  private closeRecording: (() => void) | undefined;
  private state: DemoState = 'idle';
  private loop = false;
  private queue: Promise<unknown> = Promise.resolve();
  private busy = false;
  private timer: NodeJS.Timeout | undefined;
  private lastStatusAt = -Infinity;
  private error: string | null = null;

  constructor(private readonly deps: DemoSessionDeps) {
    const now = deps.realClock.now();
    this.scaled = new ScaledClock(deps.realClock, now, 1);
    this.scaled.pause();
    this.worldClock.set(now);
    this.worldValue = deps.createWorld({ clock: this.worldClock });
  }

  /** The current demo world (replaced on load, loop and backwards seek). */
  get world(): World {
    return this.worldValue;
  }

  status(): DemoStatus {
    return {
      recording: this.loaded?.info ?? null,
      state: this.state,
      speed: this.scaled.speed,
      loop: this.loop,
      virtualTime: this.worldClock.now(),
      start: this.loaded?.header.start ?? 0,
      end: this.loaded?.header.end ?? 0,
      epoch: this.worldValue.epoch,
      error: this.error,
    };
  }

  list(): Promise<RecordingInfo[]> {
    return this.deps.recordings.list();
  }

  /** Loads a recording: a fresh world at its start, paused. */
  load(recordingId: string): Promise<DemoStatus> {
    return this.serial(async () => {
      const info = (await this.deps.recordings.list()).find((r) => r.id === recordingId);
      if (!info) throw new DemoError('not_found', `no recording with id ${recordingId}`);
      const district = this.deps.districtCode;
      if (district !== undefined && !district.startsWith(info.district) && !info.district.startsWith(district))
        throw new DemoError(
          'conflict',
          `recording ${recordingId} is of district ${info.district}; this server shows ${district}`,
        );
      const opened = await this.deps.recordings.open(recordingId);
      this.loaded = { info, header: opened.header };
      this.error = null;
      this.rebuild(opened);
      this.deps.onWorld?.(this.worldValue);
      this.scaled.pause();
      this.scaled.seek(opened.header.start);
      this.state = 'paused';
      return this.changed();
    });
  }

  play(): Promise<DemoStatus> {
    return this.serial(async () => {
      const loaded = this.requireLoaded();
      if (this.state === 'ended') {
        await this.restart(loaded);
        this.deps.onWorld?.(this.worldValue);
      }
      this.scaled.seek(this.worldClock.now());
      this.scaled.resume();
      this.state = 'playing';
      return this.changed();
    });
  }

  pause(): Promise<DemoStatus> {
    return this.serial(async () => {
      this.requireLoaded();
      if (this.state === 'playing') {
        // Stop where the world is, not where the virtual clock ran ahead to since the last step.
        this.scaled.pause();
        this.scaled.seek(this.worldClock.now());
        this.state = 'paused';
      }
      return this.changed();
    });
  }

  setSpeed(speed: number): Promise<DemoStatus> {
    return this.serial(async () => {
      if (!(speed >= DEMO_MIN_SPEED && speed <= DEMO_MAX_SPEED))
        throw new DemoError('invalid_payload', `speed must be within ${DEMO_MIN_SPEED}..${DEMO_MAX_SPEED}`);
      this.scaled.setSpeed(speed);
      return this.changed();
    });
  }

  setLoop(on: boolean): Promise<DemoStatus> {
    return this.serial(async () => {
      this.loop = on;
      return this.changed();
    });
  }

  /**
   * Goes to `time` (clamped to the recording). Forwards: the world fast-forwards and its clients get one delta
   * with everything that changed. Backwards: a new world (new epoch) is built from the start and fast-forwarded
   * without frames; clients resync to it.
   */
  seek(time: number): Promise<DemoStatus> {
    return this.serial(async () => {
      const loaded = this.requireLoaded();
      const { start, end } = loaded.header;
      const target = Math.min(end, Math.max(start, Math.round(time)));
      if (target < this.worldClock.now()) {
        await this.restart(loaded);
        await this.advanceTo(target, Infinity);
        // Nobody is subscribed to the new world yet, so this sends nothing unless a client came in mid-way.
        this.worldValue.tick();
        this.deps.onWorld?.(this.worldValue);
      } else {
        await this.advanceTo(target, Infinity);
        this.worldValue.tick();
      }
      this.scaled.seek(target);
      if (this.state === 'ended' && target < end) this.state = 'paused';
      else if (target >= end && !this.loop) this.end();
      return this.changed();
    });
  }

  /**
   * One step: bring the world to the virtual clock, tick its hub, handle the end of the recording, and report
   * status when due. Skipped while another operation runs.
   */
  async step(): Promise<void> {
    if (this.busy) return;
    await this.serial(async () => {
      const loaded = this.loaded;
      if (loaded && this.state === 'playing') {
        const target = Math.min(loaded.header.end, this.scaled.now());
        try {
          await this.advanceTo(target, MAX_EVENTS_PER_STEP);
        } catch (err) {
          // A recording broken part-way: show what was replayed, stop there and say why.
          this.worldValue.tick();
          this.error = err instanceof Error ? err.message : String(err);
          this.end();
          this.changed();
          return;
        }
        this.worldValue.tick();
        if (this.worldClock.now() >= loaded.header.end) {
          if (this.loop) {
            await this.restart(loaded);
            this.deps.onWorld?.(this.worldValue);
            this.scaled.seek(loaded.header.start);
            this.changed();
          } else {
            this.end();
            this.changed();
          }
        }
      } else {
        this.worldValue.tick();
      }
      if (this.deps.realClock.now() - this.lastStatusAt >= STATUS_EVERY_MS) this.changed();
    });
  }

  /** Steps every `stepMs` of real time until `stop`. */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.step().catch(() => undefined), this.deps.stepMs ?? 250);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Stops stepping and releases the recording and the world's store. */
  async close(): Promise<void> {
    this.stop();
    await this.queue.catch(() => undefined);
    this.releaseRecording();
    this.worldValue.dispose();
  }

  private requireLoaded(): Loaded {
    if (!this.loaded) throw new DemoError('conflict', 'no recording loaded (demo:load first)');
    return this.loaded;
  }

  private end(): void {
    this.scaled.pause();
    this.scaled.seek(this.worldClock.now());
    this.state = 'ended';
  }

  /** Reopens the recording and builds a fresh world at its start. */
  private async restart(loaded: Loaded): Promise<void> {
    const opened = await this.deps.recordings.open(loaded.info.id);
    this.rebuild(opened);
  }

  private rebuild(opened: Awaited<ReturnType<RecordingSource['open']>>): void {
    this.releaseRecording();
    this.worldValue.dispose();
    this.cursor = new ReplayCursor(opened.events);
    this.closeRecording = opened.close;
    this.worldClock.set(opened.header.start);
    this.worldValue = this.deps.createWorld({
      clock: this.worldClock,
      heartbeatTimeoutMs: heartbeatTimeouts(opened.header),
    });
  }

  private releaseRecording(): void {
    this.cursor?.close();
    this.closeRecording?.();
    this.cursor = undefined;
    this.closeRecording = undefined;
  }

  /**
   * Feeds the world every event before `target`, a batch at a time with the world's clock at the batch's end,
   * so a fast-forward ages windows and devices exactly as playing through would. Stops early after
   * `maxEvents` (the world clock then stays at the last batch).
   */
  private async advanceTo(target: number, maxEvents: number): Promise<void> {
    const cursor = this.cursor;
    if (!cursor) return;
    let fed = 0;
    for (let next = await cursor.peek(); next !== undefined && next.time < target; next = await cursor.peek()) {
      if (fed >= maxEvents) return;
      const batchEnd = Math.min(target, Math.max(this.worldClock.now(), next.time) + BATCH_SPAN_MS);
      const batch = await cursor.take(batchEnd, MAX_BATCH);
      this.worldClock.set(Math.max(this.worldClock.now(), batchEnd));
      this.worldValue.pipeline.ingest(batch);
      fed += batch.length;
      // A long fast-forward yields between batches so sockets and HTTP stay served.
      if (fed % (4 * MAX_BATCH) < batch.length) await yieldToLoop();
    }
    if (cursor.failed !== undefined) throw cursor.failed;
    this.worldClock.set(Math.max(this.worldClock.now(), target));
  }

  private changed(): DemoStatus {
    const status = this.status();
    this.lastStatusAt = this.deps.realClock.now();
    this.deps.onStatus?.(status);
    return status;
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(async () => {
      this.busy = true;
      try {
        return await fn();
      } finally {
        this.busy = false;
      }
    });
    this.queue = run.catch(() => undefined);
    return run;
  }
}

/** Offline timeouts for a replay: the recorded heartbeat interval with some grace, never below the defaults. */
export function heartbeatTimeouts(header: RecordingHeader): Record<DeviceType, number> | undefined {
  const recorded = header.heartbeatS;
  if (!recorded) return undefined;
  const out = { ...DEFAULT_HEARTBEAT_TIMEOUT_MS };
  for (const type of DEVICE_TYPES) {
    const s = recorded[type];
    if (s !== undefined) out[type] = Math.max(out[type], Math.ceil(s * 1000 * HEARTBEAT_GRACE));
  }
  return out;
}
