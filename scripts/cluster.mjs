#!/usr/bin/env node
// `npm run cluster`: build the client when it is missing or stale, then `gridpulse cluster` (2–3 nodes + balancer).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildClientIfStale } from './build-client.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const status = buildClientIfStale();
if (status !== 0) process.exit(status);

const cluster = spawn(process.execPath, [join(root, 'bin/gridpulse.mjs'), 'cluster', ...process.argv.slice(2)], { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => cluster.kill(signal));
cluster.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
