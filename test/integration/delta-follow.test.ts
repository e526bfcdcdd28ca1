/**
 * Field-level deltas (issue #8, DESIGN §5): clients that follow a subscription's deltas — patched summary and
 * areas, series and insights tails, device and case upserts — for many ticks of random ingest, with the clock
 * moving windows forward and clients joining and resyncing into rooms mid-way, end holding exactly what a fresh
 * snapshot taken at the same point holds. Real server on port 0, real socket.io clients.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Layer, ScopeState } from '../../protocol';
import type { ManualClock } from '../../server/pipeline/clock';
import { COMMUNITY_A, GRIDS, pointInGrid } from '../fixtures/tiny-district';
import {
  connectClient,
  followScope,
  ingest,
  ndjson,
  startApp,
  type RunningApp,
  type TestSocket,
} from '../helpers/start-app';

const TYPES = ['access', 'parking', 'water', 'power', 'bin', 'smoke', 'wearable', 'camera'] as const;
const METRIC: Record<(typeof TYPES)[number], string> = {
  access: 'opened',
  parking: 'occupied',
  water: 'flow_m3',
  power: 'kwh',
  bin: 'fill',
  smoke: 'smoke',
  wearable: 'sos',
  camera: 'fps',
};
const TEXTS = ['小区停车位太少，晚上停车难', '电梯坏了三天没人修', '社区志愿者服务很好', '垃圾桶满了没人清理'];
const STATUSES = ['reported', 'assigned', 'in_progress', 'resolved', 'closed', 'reopened'] as const;

/** A random batch of events around `now`, seeded: devices (some faulting), cases moving through states, posts. */
function batch(rand: Rng, now: number, n: number, k: number): object[] {
  const out: object[] = [];
  for (let i = 0; i < n; i++) {
    const id = `e${k}-${i}`;
    const time = now - rand.nextInt(0, 50_000);
    const roll = rand.nextInt(0, 99);
    if (roll < 70) {
      const type = TYPES[rand.nextInt(0, TYPES.length - 1)]!;
      const d = rand.nextInt(0, 24);
      const deviceId = `dev-${type}-${d}`;
      // A device and a case stay in their grid (one that moves out of a scope is another matter).
      const where = pointInGrid(d % GRIDS.length);
      if (roll < 25)
        out.push({ kind: 'device.heartbeat', id, source: 't', time, deviceId, deviceType: type, ...where });
      else {
        const fault = rand.nextInt(0, 9) === 0 ? rand.nextInt(0, 1) === 0 : undefined;
        out.push({
          kind: 'device.telemetry',
          id,
          source: 't',
          time,
          deviceId,
          deviceType: type,
          ...where,
          metrics: { [METRIC[type]]: rand.nextInt(0, 100) / 100 },
          ...(fault === undefined ? {} : { fault }),
        });
      }
    } else if (roll < 88) {
      const c = rand.nextInt(0, 14);
      const caseId = `C-${c}`;
      const where = pointInGrid(c % GRIDS.length);
      out.push({
        kind: 'case.updated',
        id,
        source: '12345',
        time,
        caseId,
        status: STATUSES[rand.nextInt(0, STATUSES.length - 1)],
        category: ['0101', '0201', '0302'][rand.nextInt(0, 2)],
        channel: 'hotline',
        urgency: 'normal',
        title: `案件 ${caseId} 联系 13812345678`,
        ...where,
      });
    } else {
      const where = pointInGrid(rand.nextInt(0, GRIDS.length - 1));
      out.push({
        kind: 'opinion.post',
        id,
        source: 'weibo',
        time,
        channel: 'social',
        text: TEXTS[rand.nextInt(0, TEXTS.length - 1)]!,
        ...where,
      });
    }
  }
  return out;
}

/**
 * The parts of a state a subscription keeps current, in a comparable order (the server lists devices and cases in
 * its own order; a client upserts). The snapshot carries series and insights whatever the layers; deltas carry
 * them only with their layer.
 */
function canonical(s: ScopeState, layers: readonly Layer[]) {
  const byCode = (a: { code: string }, b: { code: string }) => a.code.localeCompare(b.code);
  const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id);
  return {
    summary: s.summary,
    areas: [...s.areas].sort(byCode),
    series: layers.includes('series') ? s.series : undefined,
    insights: layers.includes('insights') ? s.insights : undefined,
    // A device's lastSeen alone is not a change the device layer sends (DeviceTracker marks a device on status,
    // place or fault), so the layer is compared without it.
    devices: [...s.devices].sort(byId).map(({ lastSeen: _seen, ...d }) => d),
    cases: [...s.cases].sort(byId),
  };
}

const SUBSCRIPTIONS: { scope: string; layers: Layer[] }[] = [
  { scope: '*', layers: ['areas', 'series', 'insights'] }, // a wall
  { scope: COMMUNITY_A, layers: ['areas', 'devices', 'cases', 'series', 'insights'] }, // a leader's tablet
  { scope: GRIDS[2], layers: ['devices', 'cases', 'series'] }, // a grid screen
];

describe('clients following field-level deltas', () => {
  let app: RunningApp;
  const sockets: TestSocket[] = [];
  beforeAll(async () => {
    // Areas every 4 ticks: the ticks in between accumulate area changes.
    app = await startApp({ config: { tickMs: 50, areasEveryMs: 200 } });
  });
  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await app.close();
  });

  it('end deep-equal to a fresh snapshot after many ticks of random ingest', { timeout: 60_000 }, async () => {
    const clock = app.clock as ManualClock;
    const rand = seeded(20261129);
    const followers = [];
    for (const sub of SUBSCRIPTIONS) {
      const socket = await connectClient(app.url);
      sockets.push(socket);
      const f = followScope(socket, sub.scope, sub.layers);
      await f.subscribe();
      followers.push({ ...sub, f, socket });
    }
    let joined = 0;
    const join = async () => {
      const sub = SUBSCRIPTIONS[joined++ % SUBSCRIPTIONS.length]!;
      const socket = await connectClient(app.url);
      sockets.push(socket);
      const f = followScope(socket, sub.scope, sub.layers);
      await f.subscribe();
      followers.push({ ...sub, f, socket });
    };
    for (let k = 0; k < 60; k++) {
      // Clients join rooms that already run (one resyncs on its own socket), racing the ingest, between ticks
      // and between area sends: their snapshots are newer than what the room was sent last.
      const joining = k % 7 === 3 || k >= 52 ? join() : k === 40 ? followers[0]!.f.subscribe() : undefined;
      const res = await ingest(app.url, ndjson(batch(rand, clock.now(), rand.nextInt(1, 40), k)));
      expect(res.status).toBe(200);
      await joining;
      // Time moves: minutes roll over (series and insight windows shift), devices time out, cases go overdue.
      if (rand.nextInt(0, 2) === 0) clock.advance(rand.nextInt(1, 12) * 15_000);
      await new Promise((r) => setTimeout(r, rand.nextInt(0, 120)));
    }
    // Ingest stops and the clock stands: after an areas beat every follower holds the last state.
    await new Promise((r) => setTimeout(r, 600));
    expect(followers.length).toBeGreaterThanOrEqual(18);
    for (const { scope, layers, f } of followers) {
      expect(f.errors, `${scope} ${layers.join(',')}`).toEqual([]);
      const fresh = await connectClient(app.url);
      sockets.push(fresh);
      const snap = await followScope(fresh, scope, layers).subscribe();
      expect(canonical(f.state, layers), `${scope} ${layers.join(',')}`).toEqual(canonical(snap.state, layers));
    }
    // The deltas really were partial: some area patch left fields out, and some series came as a short tail.
    const frames = followers.flatMap((x) => x.f.frames);
    expect(frames.some((fr) => (fr.changes.areas ?? []).some((a) => !('live' in a)))).toBe(true);
    expect(
      frames.some((fr) => fr.changes.series && fr.changes.series.from > 0 && fr.changes.series.points.length < 10),
    ).toBe(true);
  });
});

interface Rng {
  /** An integer in [min, max]. */
  nextInt(min: number, max: number): number;
}

/** mulberry32: the same run every time. */
function seeded(seed: number): Rng {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { nextInt: (min, max) => min + Math.floor(next() * (max - min + 1)) };
}
