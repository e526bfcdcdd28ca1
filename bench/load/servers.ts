/**
 * GridPulse server nodes as child processes (`node --import tsx server/main.ts`), each on port 0 with its own
 * temp data dir, and what /proc says about them. Every node started here is killed on exit, failure included.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withMallocEnv } from '../../server/malloc-env';
import { cpuTicksOf, rssMbOf } from './stats';

export interface ServerNode {
  name: string;
  url: string;
  pid: number;
  /** utime + stime so far, clock ticks. */
  cpuTicks(): number;
  rssMb(): number;
  /** The /metrics text. */
  metrics(): Promise<string>;
  stop(): Promise<void>;
}

export const TICKS_PER_SECOND = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

const live = new Map<ChildProcess, string>();
// A last resort: whatever happens to this process (an error, Ctrl-C), its servers and their data go with it.
process.on('exit', () => {
  for (const [child, dataDir] of live) {
    child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  }
});

export interface StartNodeOptions {
  name: string;
  env: Record<string, string>;
  startTimeoutMs: number;
  /** Extra node flags before the script (e.g. --cpu-prof). */
  nodeArgs?: readonly string[];
  /** Where the server's output goes besides being scanned for its URL (stderr of the benchmark). */
  log: (line: string) => void;
}

export async function startNode(opts: StartNodeOptions): Promise<ServerNode> {
  const dataDir = mkdtempSync(join(tmpdir(), `gp-bench-load-${opts.name}-`));
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), '--import', 'tsx', 'server/main.ts'], {
    env: {
      ...withMallocEnv(process.env),
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      GRIDPULSE_SIMULATE: 'off',
      GRIDPULSE_ANONYMOUS: 'on',
      ...opts.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.set(child, dataDir);
  const prefix = `[${opts.name}] `;
  let tail = '';
  const relay = (b: Buffer) => {
    const text = b.toString();
    tail = (tail + text).slice(-4000);
    for (const line of text.split('\n')) if (line.trim()) opts.log(prefix + line);
  };
  child.stderr!.on('data', relay);
  let exited = false;
  const exitedPromise = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      resolve();
    }),
  );
  const cleanup = () => {
    live.delete(child);
    rmSync(dataDir, { recursive: true, force: true });
  };
  let url: string;
  try {
    url = await new Promise<string>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(
        () =>
          reject(new Error(`${opts.name}: no "wall http://…" line within ${opts.startTimeoutMs} ms; output:\n${tail}`)),
        opts.startTimeoutMs,
      );
      child.stdout!.on('data', (b: Buffer) => {
        relay(b);
        if (out.length > 100_000) return;
        out += b.toString();
        const m = /wall\s+(http:\/\/\S+)\/wall/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!.replace('localhost', '127.0.0.1'));
        }
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`${opts.name} exited (${signal ?? code}) before listening; output:\n${tail}`));
      });
    });
  } catch (err) {
    child.kill('SIGKILL');
    cleanup();
    throw err;
  }
  const pid = child.pid!;
  return {
    name: opts.name,
    url,
    pid,
    cpuTicks: () => cpuTicksOf(readFileSync(`/proc/${pid}/stat`, 'utf8')),
    rssMb: () => rssMbOf(readFileSync(`/proc/${pid}/status`, 'utf8')),
    async metrics() {
      const res = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(30_000) });
      return res.text();
    },
    async stop() {
      if (!exited) {
        child.kill('SIGTERM');
        const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exitedPromise;
        clearTimeout(killer);
      }
      cleanup();
    },
  };
}
