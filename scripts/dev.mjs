#!/usr/bin/env node
// `npm run dev`: the server with reload (node --watch) and simulated feeds on SERVER_PORT (8080),
// plus Vite with HMR on VITE_PORT (5173) proxying the API and sockets to it.
import { spawn } from 'node:child_process';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const serverPort = process.env.SERVER_PORT ?? process.env.PORT ?? '8080';
const env = { ...process.env, PORT: serverPort, SERVER_PORT: serverPort };

const children = [
  spawn(process.execPath, ['--watch', '--import', 'tsx', join(root, 'server/main.ts')], { cwd: root, stdio: 'inherit', env }),
  spawn(process.execPath, [join(root, 'node_modules/vite/bin/vite.js')], { cwd: root, stdio: 'inherit', env }),
];
process.stdout.write(`GridPulse dev: open http://localhost:${process.env.VITE_PORT ?? 5173}/wall (HMR); server on :${serverPort}\n`);
const stop = () => {
  for (const child of children) child.kill('SIGTERM');
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
for (const child of children) child.on('exit', () => { stop(); process.exitCode = child.exitCode ?? 0; });
