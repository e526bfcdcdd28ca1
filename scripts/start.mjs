#!/usr/bin/env node
// `npm start`: build the client when it is missing or older than its sources, then run the server.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildClientIfStale } from './build-client.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const status = buildClientIfStale();
if (status !== 0) process.exit(status);

// glibc's malloc with a fixed mmap threshold (server/malloc-env.ts says why); a value in the environment wins.
const server = spawn(process.execPath, ['--import', 'tsx', join(root, 'server/main.ts'), ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: { MALLOC_MMAP_THRESHOLD_: '131072', ...process.env },
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal));
server.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
