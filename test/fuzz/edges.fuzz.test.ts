/**
 * Bad input at scale against the real server in its own process (DESIGN §9.5, issue #8): ≥ 100,000 random
 * socket frames, ≥ 10,000 schema-invalid payloads over the socket and over HTTP, `__proto__` keys, deep nesting,
 * huge arrays, oversized and malformed frames, floods past the rate limits. The server must answer every
 * request it knows, never crash, keep its memory bounded, and count every refusal by reason.
 * `FUZZ_FRAMES` overrides the frame count (default 100,000).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import fc from 'fast-check';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIVE_REQUESTS } from '../../protocol';
import { login } from '../helpers/auth';
import { startApp, connectClient } from '../helpers/start-app';

const FRAMES = Number(process.env.FUZZ_FRAMES ?? 100_000);
const SOCKETS = 4;
const BATCH = 400;
const root = new URL('../../', import.meta.url).pathname;

let server: ChildProcess;
let url = '';

async function startServer(): Promise<void> {
  server = spawn(process.execPath, ['--import', 'tsx', 'test/fuzz/fuzz-server.ts'], {
    cwd: root,
    env: { ...process.env, FUZZ_REQUEST_POINTS: '1000000' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: server.stdout! }).once('line', resolve);
    server.once('exit', (code) => reject(new Error(`fuzz server exited with ${code}`)));
  });
  url = `http://127.0.0.1:${(JSON.parse(line) as { port: number }).port}`;
}

function rssMb(): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${server.pid}/status`, 'utf8'));
  return Number(m![1]) / 1024;
}

/** Sum of `gridpulse_rejected_total` by reason. */
async function rejections(): Promise<Record<string, number>> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const out: Record<string, number> = {};
  for (const m of text.matchAll(/^gridpulse_rejected_total\{reason="([^"]+)"\} (\d+)/gm)) out[m[1]!] = Number(m[2]);
  return out;
}

type Any = Socket;
function open(token?: string): Promise<Any> {
  const s = connect(url, { transports: ['websocket'], reconnection: false, forceNew: true, auth: token ? { token } : {} });
  return new Promise((resolve, reject) => {
    s.once('connect', () => resolve(s));
    s.once('connect_error', reject);
  });
}

/** Random payloads: anything fast-check makes, plus the shapes that break naive servers. */
function payloads(seed: number, n: number): unknown[] {
  const nasty = fc.oneof(
    fc.anything({ maxDepth: 4, withObjectString: true, withNullPrototype: true, withBigInt: false }),
    fc.constantFrom(
      JSON.parse('{"__proto__": {"polluted": true}, "scope": "*"}') as unknown,
      JSON.parse('{"constructor": {"prototype": {"polluted": true}}, "opId": "abcdefgh1", "alertId": "x"}') as unknown,
      { scope: '*', layers: Array.from({ length: 3000 }, () => 'areas') },
      { scope: 'x'.repeat(20_000) },
      { opId: 12345678, alertId: ['a'], note: { deep: true } },
      { alertId: 'a', opId: 'abcdefgh', note: 'n'.repeat(3000) },
      Number.NaN,
      Array.from({ length: 5000 }, (_, i) => i),
      nestedArrays(80),
    ),
    fc.record({ scope: fc.oneof(fc.string(), fc.integer(), fc.constant('*')), layers: fc.array(fc.string(), { maxLength: 8 }) }),
    fc.record({ opId: fc.string(), alertId: fc.oneof(fc.string(), fc.integer()), note: fc.oneof(fc.string(), fc.double()) }),
  );
  return fc.sample(nasty, { seed, numRuns: n });
}

function nestedArrays(depth: number): unknown {
  let v: unknown = [];
  for (let i = 0; i < depth; i++) v = [v];
  return v;
}

function deeplyNested(depth: number): unknown {
  let v: unknown = 'x';
  for (let i = 0; i < depth; i++) v = { a: v };
  return v;
}

beforeAll(startServer, 120_000);
afterAll(() => {
  server?.kill('SIGKILL');
});

describe('fuzzing the socket and HTTP edges', { timeout: 600_000 }, () => {
  it(`answers ${FRAMES.toLocaleString('en')} random frames, crashes never, and keeps memory bounded`, async () => {
    const { token } = await login(url, 'fuzz', 'fuzz-password');
    const sockets = await Promise.all(Array.from({ length: SOCKETS }, (_, i) => open(i % 2 ? token : undefined)));
    const events = [...LIVE_REQUESTS, 'scope:subscribe', 'alert:ack', 'nope', 'constructor', '__proto__', 'toString', ''];
    const before = await rejections();
    let sent = 0;
    let answered = 0;
    let schemaInvalid = 0;
    const errorCodes = new Map<string, number>();
    let rssAfterWarmup = 0;
    const warmup = Math.min(FRAMES / 5, 20_000);
    for (let round = 0; sent < FRAMES; round++) {
      const values = payloads(round + 1, BATCH);
      await Promise.all(
        values.map((payload, i) => {
          const socket = sockets[i % SOCKETS]!;
          const event = events[(round * BATCH + i) % events.length]!;
          const value = i % 97 === 0 ? deeplyNested(300) : payload;
          sent++;
          return socket
            .timeout(30_000)
            .emitWithAck(event, value)
            .then((r: { ok: boolean; error?: { code: string } }) => {
              answered++;
              if (!r.ok) {
                errorCodes.set(r.error!.code, (errorCodes.get(r.error!.code) ?? 0) + 1);
                if (r.error!.code === 'invalid_payload' && LIVE_REQUESTS.includes(event as never)) schemaInvalid++;
              }
            });
        }),
      );
      if (rssAfterWarmup === 0 && sent >= warmup) rssAfterWarmup = rssMb();
    }
    const rssEnd = rssMb();
    for (const s of sockets) s.disconnect();

    const after = await rejections();
    const delta = (reason: string) => (after[reason] ?? 0) - (before[reason] ?? 0);
    console.log(
      `fuzz: ${sent} frames, ${answered} answered, ${schemaInvalid} schema-invalid refused; codes ${JSON.stringify(Object.fromEntries(errorCodes))}; ` +
        `RSS ${rssAfterWarmup.toFixed(0)} MB after ${warmup} frames → ${rssEnd.toFixed(0)} MB after ${sent}; rejected ${JSON.stringify(after)}`,
    );
    expect(answered).toBe(sent);
    expect(schemaInvalid).toBeGreaterThanOrEqual(Math.min(10_000, FRAMES / 10));
    expect(delta('invalid_payload') + delta('unknown_event') + delta('forbidden') + delta('not_found')).toBeGreaterThanOrEqual(schemaInvalid);
    expect(delta('unknown_event')).toBeGreaterThan(0);
    // Bounded: what the first fifth of the frames warmed up is all the memory the rest may use, give or take.
    expect(rssEnd - rssAfterWarmup).toBeLessThan(64);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
  });

  it('closes connections that send oversized or malformed frames, counts them, and stays up', async () => {
    const before = await rejections();
    for (let i = 0; i < 20; i++) {
      const s = await open();
      const closed = new Promise<string>((resolve) => s.once('disconnect', resolve));
      if (i % 2 === 0) s.emit('scope:subscribe', { scope: '*', layers: ['x'.repeat(200_000)] });
      else s.io.engine.send(i % 4 === 1 ? '42[not json' : '4'.repeat(10) + '{{{');
      expect(await closed).toMatch(/transport (error|close)|io server disconnect|parse error/);
    }
    const after = await rejections();
    const delta = (reason: string) => (after[reason] ?? 0) - (before[reason] ?? 0);
    expect(delta('socket_frame_refused')).toBe(10);
    expect(delta('socket_malformed_frame')).toBe(10);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
  });

  it('refuses ≥ 10,000 schema-invalid events over HTTP line by line, and bodies that are too big', async () => {
    const before = await rejections();
    const bad = payloads(99, 10_000).map((p, i) => (i % 3 === 0 ? { kind: 'device.heartbeat', id: `x${i}`, time: p, deviceId: p } : p));
    let refusedLines = 0;
    for (let i = 0; i < bad.length; i += 100) {
      // A body that starts with "[" is one JSON array (DESIGN §6): lead with an object line to stay NDJSON.
      const body = ['{"kind":"nope"}', ...bad.slice(i, i + 100).map((p) => JSON.stringify(p) ?? 'undefined')].join('\n');
      const res = await fetch(`${url}/api/ingest`, { method: 'POST', headers: { authorization: 'Bearer fuzz-ingest-token', 'content-type': 'application/x-ndjson' }, body });
      const json = (await res.json()) as { rejected?: number; errors?: { line: number }[]; error?: { code: string } };
      expect(res.status).toBe(400);
      refusedLines += json.rejected ?? 0;
      expect(json.errors?.[0]?.line).toBeGreaterThanOrEqual(1);
    }
    expect(refusedLines).toBe(10_100);
    const huge = await fetch(`${url}/api/ingest`, { method: 'POST', headers: { authorization: 'Bearer fuzz-ingest-token', 'content-type': 'application/x-ndjson' }, body: 'x'.repeat(1100 * 1024) });
    expect(huge.status).toBe(413);
    for (const [path, body] of [
      ['/api/login', '{"name": {"__proto__": 1}}'],
      ['/api/login', '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[['],
      ['/api/login', 'not json'],
      ['/api/alerts/nope/ack', '{"opId": 5}'],
    ] as const) {
      const res = await fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      expect(res.status, `${path} ${body.slice(0, 20)}`).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(((await res.json()) as { error: { code: string; message: string } }).error.message.length).toBeGreaterThan(0);
    }
    const after = await rejections();
    expect((after.payload_too_large ?? 0) - (before.payload_too_large ?? 0)).toBe(1);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
  });
});

describe('floods past the rate limits (default budgets)', () => {
  it('answers rate_limited, counts it, and cuts off a socket that keeps flooding', async () => {
    // The default budget (100 per 5 s) over a minute, so a slow machine cannot refill it mid-test.
    const app = await startApp({ config: { requestLimit: { points: 100, windowSeconds: 60 } } });
    try {
      const socket = await connectClient(app.url);
      const results = await Promise.all(
        Array.from({ length: 300 }, () => socket.timeout(10_000).emitWithAck('scope:subscribe', { scope: '*', layers: ['areas'] }) as Promise<{ ok: boolean; error?: { code: string; retryAfterMs?: number } }>),
      );
      const limited = results.filter((r) => !r.ok && r.error?.code === 'rate_limited');
      expect(results.filter((r) => r.ok)).toHaveLength(100);
      expect(limited).toHaveLength(200);
      expect(limited[0]!.error!.retryAfterMs).toBeGreaterThan(0);
      const closed = new Promise<string>((resolve) => socket.once('disconnect', resolve));
      for (let i = 0; i < 600; i++) (socket as unknown as Socket).emit('scope:subscribe', { scope: '*', layers: ['areas'] });
      expect(await closed).toBe('io server disconnect');
      const metrics = await (await fetch(`${app.url}/metrics`)).text();
      expect(Number(/gridpulse_rejected_total\{reason="rate_limited"\} (\d+)/.exec(metrics)?.[1])).toBeGreaterThanOrEqual(500); // 200 refused above, then 300 more strikes before the cut-off
    } finally {
      await app.close();
    }
  });
});
