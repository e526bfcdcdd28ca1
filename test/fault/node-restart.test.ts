/**
 * A node holding 24 h of history is SIGKILLed and started again on the same data directory (issue #8, DESIGN
 * §7): it restores its last aggregate snapshot, replays the event log after it, and shows the same 24 h trends,
 * open cases by category, opinion volume and device totals as before the kill.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io as connect } from 'socket.io-client';
import { afterAll, describe, expect, it } from 'vitest';
import type { AckResult, SnapshotFrame } from '../../protocol';

const root = new URL('../../', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'gp-restart-'));
const INGEST = 'restart-ingest-token';
const GRIDS = ['330106007001001', '330106007002001', '330106007003001', '330106007005002'];
const CATEGORIES = ['0101', '0201', '0302', '0405'];
const H = 3_600_000;
let child: ChildProcess | undefined;
afterAll(() => {
  child?.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

function start(): Promise<string> {
  child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: root,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dir, GRIDPULSE_SIMULATE: 'off', GRIDPULSE_INGEST_TOKEN: INGEST, GRIDPULSE_SNAPSHOT_SECONDS: '2', GRIDPULSE_ADMIN_PASSWORD: 'admin-pass-1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  return new Promise((resolve, reject) => {
    child!.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /wall\s+(http:\/\/localhost:\d+)\/wall/.exec(out);
      if (m) resolve(m[1]!);
    });
    child!.once('exit', (code) => reject(new Error(`server exited (${code}): ${out.slice(-1500)}`)));
  });
}

/** 24 h of a small street: devices reporting, cases reported (a third closed later), posts. Event time order. */
function history(now: number) {
  const events: { time: number; [k: string]: unknown }[] = [];
  for (let i = 0; i < 600; i++) {
    const t = now - 24 * H + Math.floor((i / 600) * 24 * H);
    const grid = GRIDS[i % GRIDS.length]!;
    events.push({ kind: 'case.updated', id: `c${i}-r`, source: '12345', time: t, caseId: `C${i}`, status: 'reported', category: CATEGORIES[i % 4], channel: 'hotline', urgency: 'normal', grid });
    if (i % 3 === 0) events.push({ kind: 'case.updated', id: `c${i}-c`, source: '12345', time: t + 2 * H, caseId: `C${i}`, status: 'closed', category: CATEGORIES[i % 4], channel: 'hotline', urgency: 'normal', grid });
    events.push({ kind: 'opinion.post', id: `p${i}`, source: 'weibo', time: t + 60_000, channel: 'weibo', text: i % 2 ? '小区电梯又坏了，物业不管' : '社区志愿者服务很好', grid });
    events.push({ kind: 'device.heartbeat', id: `h${i}`, source: 'dev', time: t, deviceId: `d${i % 300}`, deviceType: 'water', grid });
  }
  return events.filter((e) => e.time <= now).sort((a, b) => a.time - b.time);
}

async function post(url: string, events: object[]): Promise<void> {
  for (let i = 0; i < events.length; i += 500) {
    const res = await fetch(`${url}/api/ingest`, {
      method: 'POST',
      headers: { authorization: `Bearer ${INGEST}`, 'content-type': 'application/x-ndjson' },
      body: events.slice(i, i + 500).map((e) => JSON.stringify(e)).join('\n'),
    });
    expect(res.status).toBe(200);
  }
}

async function snapshot(url: string): Promise<SnapshotFrame> {
  const socket = connect(url, { transports: ['websocket'], forceNew: true });
  try {
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('connect_error', reject));
    const ack = (await socket.timeout(20_000).emitWithAck('scope:subscribe', { scope: '*', layers: ['areas', 'series', 'insights'] })) as AckResult<SnapshotFrame>;
    if (!ack.ok) throw new Error(ack.error.message);
    return ack.data;
  } finally {
    socket.disconnect();
  }
}

/** What must survive: hourly buckets by their absolute start, category counts, device totals, per-area case load. */
function durable(s: SnapshotFrame) {
  const hours = (w: { start: number; stepMs: number; points: unknown[] }) => new Map(w.points.map((p, i) => [w.start + i * w.stepMs, p]));
  const i = s.state.insights;
  return {
    devices: s.state.summary.devices,
    cases: new Map(s.state.areas.map((a) => [a.code, { open: a.cases.open }])),
    openByCategory: i.openByCategory,
    cases24h: hours(i.cases24h),
    posts24h: new Map([...hours(i.opinion24h)].map(([t, p]) => [t, (p as { posts: number }).posts])),
  };
}

describe('restarting a node that holds 24 h of history', { timeout: 240_000 }, () => {
  it('rebuilds the same aggregates from its snapshot and event log after SIGKILL', async () => {
    let url = await start();
    const now = Date.now();
    const events = history(now);
    await post(url, events.slice(0, -40));
    await new Promise((r) => setTimeout(r, 3_000)); // at least one snapshot (every 2 s here)
    await post(url, events.slice(-40)); // these live only in the log after that snapshot
    await new Promise((r) => setTimeout(r, 1_000)); // the log is flushed every tick
    const before = durable(await snapshot(url));
    expect(before.devices.total).toBe(300);
    expect([...before.cases24h.values()].reduce((n: number, p) => n + (p as { new: number }).new, 0)).toBeGreaterThan(500);

    child!.kill('SIGKILL');
    await new Promise((r) => child!.once('exit', r));
    url = await start();
    const after = durable(await snapshot(url));
    expect(after.devices).toEqual(before.devices);
    expect(after.openByCategory).toEqual(before.openByCategory);
    expect(after.cases).toEqual(before.cases);
    // Hour buckets present in both (the 24 h window may have slid by one hour between the two snapshots).
    for (const [t, p] of before.cases24h) if (after.cases24h.has(t) && t > now - 23 * H) expect(after.cases24h.get(t), new Date(t).toISOString()).toEqual(p);
    for (const [t, p] of before.posts24h) if (after.posts24h.has(t) && t > now - 23 * H) expect(after.posts24h.get(t)).toBe(p);
  });
});
