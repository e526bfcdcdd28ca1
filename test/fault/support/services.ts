/**
 * Private instances of the real services for fault tests that restart them: a Redis, a Mosquitto and a
 * PostgreSQL of the test's own on free ports, so restarting one never disturbs the shared ones other tests use.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { portOpen } from '../../helpers/services';

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

async function waitPort(port: number, open: boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if ((await portOpen(port)) === open) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} did not ${open ? 'start' : 'stop'} on ${port}`);
}

export interface PrivateService {
  port: number;
  url: string;
  /** Kills it hard (SIGKILL) and waits until the port is closed. */
  kill(): Promise<void>;
  /** Starts it again on the same port (and data directory). */
  start(): Promise<void>;
  dispose(): Promise<void>;
}

function managed(port: number, url: string, what: string, launch: () => ChildProcess, cleanup: () => void): PrivateService {
  let child: ChildProcess | undefined;
  const svc: PrivateService = {
    port,
    url,
    async start() {
      child = launch();
      await waitPort(port, true, what);
    },
    async kill() {
      child?.kill('SIGKILL');
      child = undefined;
      await waitPort(port, false, what);
    },
    async dispose() {
      child?.kill('SIGKILL');
      cleanup();
    },
  };
  return svc;
}

/** Redis with an append-only file fsync'd on every write: streams and groups survive a SIGKILL, as configured in production. */
export async function privateRedis(): Promise<PrivateService> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'gp-redis-'));
  const svc = managed(
    port,
    `redis://127.0.0.1:${port}`,
    'redis-server',
    () => spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'yes', '--appendfsync', 'always', '--dir', dir], { stdio: 'ignore' }),
    () => rmSync(dir, { recursive: true, force: true }),
  );
  await svc.start();
  return svc;
}

export async function privateMosquitto(): Promise<PrivateService> {
  const port = await freePort();
  const svc = managed(port, `mqtt://127.0.0.1:${port}`, 'mosquitto', () => spawn('mosquitto', ['-p', String(port)], { stdio: 'ignore' }), () => undefined);
  await svc.start();
  return svc;
}

const PG_BIN = '/usr/lib/postgresql/15/bin';

/** A PostgreSQL cluster of its own (initdb as the postgres user, trust auth), killed with `pg_ctl stop -m immediate`. */
export async function privatePostgres(): Promise<PrivateService> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'gp-pg-'));
  chownSync(dir, 101, 104);
  const asPostgres = (cmd: string, args: string[]) => (process.getuid?.() === 0 ? spawnSync('runuser', ['-u', 'postgres', '--', cmd, ...args], { encoding: 'utf8' }) : spawnSync(cmd, args, { encoding: 'utf8' }));
  const init = asPostgres(join(PG_BIN, 'initdb'), ['-D', join(dir, 'data'), '-A', 'trust', '-U', 'postgres', '--no-sync']);
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr}`);
  const svc: PrivateService = {
    port,
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async start() {
      const r = asPostgres(join(PG_BIN, 'pg_ctl'), ['-D', join(dir, 'data'), '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1`, '-l', join(dir, 'log'), '-w', 'start']);
      if (r.status !== 0) throw new Error(`pg_ctl start failed: ${r.stderr}${r.stdout}`);
      await waitPort(port, true, 'postgres');
    },
    async kill() {
      asPostgres(join(PG_BIN, 'pg_ctl'), ['-D', join(dir, 'data'), '-m', 'immediate', '-w', 'stop']);
      await waitPort(port, false, 'postgres');
    },
    async dispose() {
      asPostgres(join(PG_BIN, 'pg_ctl'), ['-D', join(dir, 'data'), '-m', 'immediate', '-w', 'stop']);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await svc.start();
  return svc;
}
