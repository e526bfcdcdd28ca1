import { Worker } from 'node:worker_threads';

export interface LivenessBeaconOptions {
  /** Redis URL (the worker has a connection of its own). */
  url: string;
  /** The node's liveness key and what it holds. */
  key: string;
  value: string;
  ttlMs: number;
  /** How often the worker renews the key. */
  everyMs: number;
  /**
   * How long the main thread may go without `touch()` before the worker stops renewing: a stall shorter than this
   * keeps the node's partitions, a hang longer than this loses them (after ttl more).
   */
  graceMs: number;
}

/**
 * Renews a node's liveness key from a worker thread, so ownership does not flap while the node's event loop is
 * busy for a few seconds (the load benchmark saw 6 s TTLs expire under a load average of 10–16), yet a process
 * that dies drops out within ttl and a main thread that hangs drops out within grace + ttl. The main thread says
 * it is alive with `touch()` (through shared memory: no message, no event loop needed on the worker's side).
 */
export class LivenessBeacon {
  private readonly alive = new Float64Array(new SharedArrayBuffer(8));
  private readonly worker: Worker;

  constructor(opts: LivenessBeaconOptions) {
    this.touch();
    this.worker = new Worker(new URL('./liveness-worker.mjs', import.meta.url), {
      workerData: { ...opts, alive: this.alive.buffer },
    });
    // The worker must never keep a process alive that is otherwise done.
    this.worker.unref();
  }

  /** The main thread is alive now (process time on the origin both threads share, not the domain clock). */
  touch(): void {
    this.alive[0] = performance.timeOrigin + performance.now();
  }

  setValue(value: string): void {
    this.worker.postMessage({ type: 'value', value });
  }

  /** Stops renewing (the key then lapses, or the caller deletes it). */
  async stop(): Promise<void> {
    const exited = new Promise((r) => this.worker.once('exit', r));
    this.worker.postMessage({ type: 'stop' });
    await Promise.race([exited, new Promise((r) => setTimeout(r, 1000))]);
    await this.worker.terminate();
  }
}
