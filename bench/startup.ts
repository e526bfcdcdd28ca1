/**
 * Cold `npm start` → first live frame: starts scripts/start.mjs on a fresh data dir and a free port, connects
 * a socket.io client as the wall does, and times until the first delta frame arrives.
 * `--rebuild` removes dist/client first, so the figure includes the client build of a first start.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { io } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../protocol';
import type { Socket } from 'socket.io-client';

const rebuild = process.argv.includes('--rebuild');

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

async function main() {
  if (rebuild) rmSync('dist/client', { recursive: true, force: true });
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'gp-startup-'));
  const t0 = performance.now();
  const child = spawn(process.execPath, ['scripts/start.mjs'], {
    env: { ...process.env, PORT: String(port), DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let listening = 0;
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (b: Buffer) => {
      if (!listening && b.toString().includes('GridPulse is running')) {
        listening = performance.now() - t0;
        resolve();
      }
    });
    child.on('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(`http://127.0.0.1:${port}`, { transports: ['websocket'] });
  const firstFrame = await new Promise<number>((resolve) => {
    socket.on('connect', () => socket.emit('scope:subscribe', { scope: '*', layers: ['areas', 'devices', 'series'] }, () => undefined));
    socket.once('scope:changed', () => resolve(performance.now() - t0));
  });
  socket.close();
  child.kill('SIGTERM');
  rmSync(dataDir, { recursive: true, force: true });
  const tag = rebuild ? 'with_build' : 'built';
  console.log(JSON.stringify({ metric: `startup.listening_ms.${tag}`, value: Math.round(listening), unit: 'ms' }));
  console.log(JSON.stringify({ metric: `startup.first_frame_ms.${tag}`, value: Math.round(firstFrame), unit: 'ms' }));
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
