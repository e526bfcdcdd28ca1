/**
 * The client side of the load benchmark: `procs` child processes (client-proc.ts), each holding a share of
 * the sockets, so the clients get their own cores' worth of scheduling and never share the generator's loop.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ClientAssignment, ClientProcReport, FromClientProc, ToClientProc } from './messages';
import { roundRobin } from './plan';

const ENTRY = fileURLToPath(new URL('./client-proc.ts', import.meta.url));

export interface ClientFleet {
  readonly procs: number;
  /** Connects and subscribes every client; rejects when any client failed (with the first reason). */
  ready(timeoutMs: number): Promise<void>;
  broadcast(m: ToClientProc): void;
  reports(timeoutMs: number): Promise<ClientProcReport[]>;
  close(): Promise<void>;
}

const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

export function startClientFleet(
  clients: ClientAssignment[],
  procs: number,
  opts: { concurrency: number; subscribeTimeoutMs: number },
): ClientFleet {
  const shares = roundRobin(clients, procs).filter((s) => s.length > 0);
  const children = shares.map((share, i) => {
    const child = spawn(process.execPath, ['--import', 'tsx', ENTRY], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    live.add(child);
    child.once('exit', () => live.delete(child));
    child.send({
      type: 'start',
      clients: share,
      concurrency: opts.concurrency,
      timeoutMs: opts.subscribeTimeoutMs,
    } satisfies ToClientProc);
    return { child, index: i };
  });

  /** The next message of `type` from every child, or a rejection on a fatal message, an early exit or the timeout. */
  function collect<T extends FromClientProc['type']>(
    type: T,
    timeoutMs: number,
  ): Promise<Extract<FromClientProc, { type: T }>[]> {
    return Promise.all(
      children.map(
        ({ child, index }) =>
          new Promise<Extract<FromClientProc, { type: T }>>((resolve, reject) => {
            const timer = setTimeout(
              () => finish(new Error(`client process ${index}: no "${type}" within ${timeoutMs} ms`)),
              timeoutMs,
            );
            const onMessage = (m: FromClientProc) => {
              if (m.type === type) finish(undefined, m as Extract<FromClientProc, { type: T }>);
              else if (m.type === 'fatal') finish(new Error(`client process ${index} failed: ${m.message}`));
            };
            const onExit = (code: number | null) =>
              finish(new Error(`client process ${index} exited (${code}) before "${type}"`));
            function finish(err?: Error, m?: Extract<FromClientProc, { type: T }>) {
              clearTimeout(timer);
              child.off('message', onMessage);
              child.off('exit', onExit);
              if (err) reject(err);
              else resolve(m!);
            }
            child.on('message', onMessage);
            child.once('exit', onExit);
          }),
      ),
    );
  }

  return {
    procs: children.length,
    async ready(timeoutMs) {
      const answers = await collect('ready', timeoutMs);
      const failed = answers.reduce((n, a) => n + a.failed, 0);
      if (failed > 0) {
        const reason = answers.find((a) => a.firstError)?.firstError;
        throw new Error(`${failed} of ${clients.length} clients could not connect and subscribe; first: ${reason}`);
      }
    },
    broadcast(m) {
      for (const { child } of children) if (child.connected) child.send(m);
    },
    reports(timeoutMs) {
      const p = collect('report', timeoutMs);
      this.broadcast({ type: 'report' });
      return p;
    },
    async close() {
      this.broadcast({ type: 'close' });
      await Promise.all(
        children.map(
          ({ child }) =>
            new Promise<void>((resolve) => {
              if (child.exitCode !== null || child.signalCode !== null) return resolve();
              const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
              child.once('exit', () => {
                clearTimeout(killer);
                resolve();
              });
            }),
        ),
      );
    },
  };
}
