import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createStickyProxy } from '../../cluster/sticky-proxy';
import { CliError, EXIT, parseCommandArgs, parseInteger, type Command } from '../cli-kit';
import { withMallocEnv } from '../../malloc-env';

const help = `
Usage: gridpulse cluster [--nodes 2|3] [--port 8080] [--redis <url>] [--pg <url>]

Runs a GridPulse cluster on this machine (DESIGN §7): 2–3 server nodes sharing the local Redis (Socket.IO Redis
Streams adapter, node liveness, ingest partitioned by street over Redis Streams) and, with --pg, PostgreSQL for
users, alerts, actions and audit — behind a small sticky load balancer on --port. Open the printed URL as usual;
kill a node (its pid is printed) and its screens reconnect to another.

Options:
  --nodes <n>       server nodes, 2 or 3 (default 2); node i listens on port + i
  --port <port>     the load balancer's port (default 8080)
  --redis <url>     Redis (default redis://127.0.0.1:6379)
  --pg <url>        PostgreSQL for the shared stores (default: none — each node keeps users and alerts in its own
                    SQLite, fine for trying it, not for production)
  -h, --help        this help

The nodes' data lives in DATA_DIR/node-<i> (default ./.data/node-<i>); the simulated feeds run on node 1 only
(GRIDPULSE_SIMULATE as usual); a shared token secret is kept in DATA_DIR/cluster-jwt-secret.
`;

const MAIN = fileURLToPath(new URL('../../main.ts', import.meta.url));

export const command: Command = {
  name: 'cluster',
  summary: 'run 2–3 nodes on Redis (and PostgreSQL) behind a sticky load balancer',
  help,
  async run(argv) {
    const args = parseCommandArgs(command, argv, {
      nodes: { type: 'string' },
      port: { type: 'string' },
      redis: { type: 'string' },
      pg: { type: 'string' },
    });
    if (!args) return EXIT.ok;
    const nodes = parseInteger(args.values.nodes ?? '2', '--nodes', 2, 3);
    const port = parseInteger(args.values.port ?? '8080', '--port', 1, 65535 - 3);
    const redis = args.values.redis ?? 'redis://127.0.0.1:6379';
    const dataDir = resolve(process.env.DATA_DIR ?? './.data');
    mkdirSync(dataDir, { recursive: true });
    const secretFile = join(dataDir, 'cluster-jwt-secret');
    if (!existsSync(secretFile)) writeFileSync(secretFile, randomBytes(32).toString('base64url'), { mode: 0o600 });
    const secret = process.env.GRIDPULSE_JWT_SECRET ?? readFileSync(secretFile, 'utf8').trim();

    const children: ChildProcess[] = [];
    const targets = [];
    for (let i = 1; i <= nodes; i++) {
      const env = {
        ...withMallocEnv(process.env),
        PORT: String(port + i),
        HOST: '127.0.0.1',
        DATA_DIR: join(dataDir, `node-${i}`),
        GRIDPULSE_NODE_ID: `n${i}`,
        GRIDPULSE_REDIS_URL: redis,
        GRIDPULSE_JWT_SECRET: secret,
        ...(args.values.pg ? { GRIDPULSE_PG_URL: args.values.pg } : {}),
        ...(i > 1 ? { GRIDPULSE_SIMULATE: 'off' } : {}),
      };
      const child = spawn(process.execPath, ['--import', 'tsx', MAIN], { env, stdio: ['ignore', 'pipe', 'inherit'] });
      child.stdout!.on('data', (chunk: Buffer) => process.stdout.write(chunk.toString().replace(/^(?=.)/gm, `[n${i}] `)));
      child.on('exit', (code, signal) => process.stdout.write(`[n${i}] exited (${signal ?? code}); the others carry on\n`));
      children.push(child);
      targets.push({ id: `n${i}`, host: '127.0.0.1', port: port + i });
    }
    const proxy = createStickyProxy({ targets, log: (line) => process.stdout.write(`[lb] ${line}\n`) });
    await new Promise<void>((done, fail) => {
      proxy.once('error', (err: NodeJS.ErrnoException) => fail(new CliError(`cluster: cannot listen on ${port}: ${err.message}`, EXIT.failed)));
      proxy.listen(port, done);
    });
    process.stdout.write(
      [
        `GridPulse cluster: ${nodes} nodes behind http://localhost:${port}  (Redis ${redis}${args.values.pg ? `, PostgreSQL ${args.values.pg}` : ''})`,
        ...children.map((c, i) => `  node n${i + 1}  pid ${c.pid}  http://127.0.0.1:${port + i + 1}`),
        `  try: kill -9 <pid of a node> — its screens reconnect through the balancer to another node`,
        '',
      ].join('\n'),
    );
    return new Promise<number>((done) => {
      const stop = () => {
        for (const c of children) c.kill('SIGTERM');
        proxy.close();
        done(EXIT.ok);
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
  },
};
