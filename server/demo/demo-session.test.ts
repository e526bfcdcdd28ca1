import { afterEach, describe, expect, it } from 'vitest';
import type { DemoStatus, IngestEvent, RecordingHeader, RecordingInfo } from '../../protocol';
import type { Area, District } from '../../geo/district.types';
import type { GridPulseNamespace } from '../hub/types';
import { ManualClock } from '../pipeline/clock';
import { openDatabase } from '../store/database';
import { createWorld, uncountedPipeline, type World } from '../world';
import { DemoSession, heartbeatTimeouts, type RecordingSource } from './demo-session';

const GRIDS = ['330106007001001', '330106007001002'] as const;

/** Street → community → two grids; geometry does not matter here (events carry their grid). */
function district(): District {
  const geometry: Area['geometry'] = {
    type: 'Polygon',
    coordinates: [
      [
        [120, 30],
        [120.01, 30],
        [120.01, 30.01],
        [120, 30],
      ],
    ],
  };
  const area = (code: string, level: Area['level'], parent?: string): Area => ({
    code,
    level,
    name: code,
    parent,
    geometry,
    center: [120.005, 30.002],
  });
  return {
    version: 1,
    code: '330106007',
    name: 'test',
    bbox: [120, 30, 120.01, 30.01],
    center: [120.005, 30.005],
    areas: [
      area('330106007', 'street'),
      area('330106007001', 'community', '330106007'),
      ...GRIDS.map((g) => area(g, 'grid', '330106007001')),
    ],
    buildings: [],
    roads: [],
    pois: [],
    water: [],
  };
}

const START = Date.UTC(2026, 5, 10, 0, 0, 0);
const STEP_S = 10;
/** One hour: a new device heartbeats every 10 s, so "devices seen" = events replayed = elapsed s / 10. */
const COUNT = 360;
const END = START + COUNT * STEP_S * 1000;

const events: IngestEvent[] = Array.from({ length: COUNT }, (_, i) => ({
  v: 1,
  id: `hb-${i}`,
  source: 'test',
  time: START + i * STEP_S * 1000,
  grid: GRIDS[i % GRIDS.length],
  kind: 'device.heartbeat',
  deviceId: `D${i}`,
  deviceType: 'camera',
}));
const header: RecordingHeader = {
  format: 'gridpulse-recording',
  version: 1,
  start: START,
  end: END,
  district: '330106007',
  createdBy: 'test',
  events: COUNT,
  heartbeatS: { camera: 3600 },
};
const info: RecordingInfo = {
  id: 'hour',
  origin: 'data',
  start: START,
  end: END,
  events: COUNT,
  district: '330106007',
  scenarios: [],
};

/** A namespace that sends nowhere: the session's hub has no clients in these tests. */
const nowhere = { to: () => nowhere, except: () => nowhere, emit: () => true };
const silentNamespace = {
  ...nowhere,
  local: nowhere,
  sockets: new Map(),
  adapter: { rooms: new Map() },
} as unknown as GridPulseNamespace;

interface Rig {
  real: ManualClock;
  session: DemoSession;
  statuses: DemoStatus[];
  worlds: World[];
  opened: number;
  disposed: number;
}

let rig: Rig | undefined;

async function* replayed(): AsyncGenerator<IngestEvent> {
  yield* events;
}

function setup(source: () => AsyncIterable<IngestEvent> = replayed): Rig {
  const real = new ManualClock(1_000_000);
  const r: Rig = {
    real,
    session: undefined as unknown as DemoSession,
    statuses: [],
    worlds: [],
    opened: 0,
    disposed: 0,
  };
  const recordings: RecordingSource = {
    list: async () => [info],
    open: async (id) => {
      if (id !== 'hour') throw new Error('unknown');
      r.opened++;
      return {
        header,
        events: source(),
      };
    },
  };
  r.session = new DemoSession({
    realClock: real,
    recordings,
    districtCode: '330106007',
    createWorld: ({ clock, heartbeatTimeoutMs }) => {
      const db = openDatabase(':memory:');
      const world = createWorld({
        clock,
        district: district(),
        gridAt: () => undefined,
        db,
        nsp: silentNamespace,
        counters: uncountedPipeline,
        analyze: () => ({ sentiment: 0, keywords: [] }),
        historyMs: 3_600_000,
        isolated: true,
        heartbeatTimeoutMs,
      });
      return {
        ...world,
        dispose: () => {
          r.disposed++;
          db.close();
        },
      };
    },
    onStatus: (s) => r.statuses.push(s),
    onWorld: (w) => r.worlds.push(w),
  });
  rig = r;
  return r;
}

afterEach(async () => {
  await rig?.session.close();
  rig = undefined;
});

const seen = (s: DemoSession) => s.world.aggregator.stats('*')!.devices.total;

/** Moves real time on by `ms` and lets the session take one step. */
async function after(r: Rig, ms: number): Promise<void> {
  r.real.advance(ms);
  await r.session.step();
}

describe('DemoSession', () => {
  it('is idle with an empty isolated world until a recording is loaded', async () => {
    const { session } = setup();
    expect(session.status()).toMatchObject({ state: 'idle', recording: null });
    expect(session.world.isolated).toBe(true);
    await expect(session.play()).rejects.toMatchObject({ code: 'conflict' });
    await expect(session.load('nope')).rejects.toMatchObject({ code: 'not_found' });
  });

  it('loads paused at the start, in a new world', async () => {
    const r = setup();
    const idle = r.session.world.epoch;
    const s = await r.session.load('hour');
    expect(s).toMatchObject({ state: 'paused', start: START, end: END, virtualTime: START, speed: 1, loop: false });
    expect(s.recording?.id).toBe('hour');
    expect(s.epoch).not.toBe(idle);
    expect(r.worlds).toHaveLength(1);
    await after(r, 60_000);
    expect(seen(r.session)).toBe(0);
  });

  it('plays at speed on the real clock, and pause stops it', async () => {
    const r = setup();
    await r.session.load('hour');
    await r.session.setSpeed(60);
    await r.session.play();
    await after(r, 10_000); // 10 s real × 60 = 10 virtual minutes = 60 heartbeats
    expect(r.session.status().virtualTime).toBe(START + 600_000);
    expect(seen(r.session)).toBe(60);
    await r.session.pause();
    await after(r, 60_000);
    expect(seen(r.session)).toBe(60);
    expect(r.session.status()).toMatchObject({ state: 'paused', virtualTime: START + 600_000 });
    await r.session.play();
    await r.session.setSpeed(600);
    await after(r, 1_000); // + 10 virtual minutes
    expect(seen(r.session)).toBe(120);
  });

  it('refuses a speed outside 1..600', async () => {
    const r = setup();
    await expect(r.session.setSpeed(0.5)).rejects.toMatchObject({ code: 'invalid_payload' });
    await expect(r.session.setSpeed(601)).rejects.toMatchObject({ code: 'invalid_payload' });
  });

  it('seeks forward in the same world and backwards into a new one', async () => {
    const r = setup();
    await r.session.load('hour');
    const first = r.session.world.epoch;
    let s = await r.session.seek(START + 30 * 60_000);
    expect(s.epoch).toBe(first);
    expect(s.virtualTime).toBe(START + 30 * 60_000);
    expect(seen(r.session)).toBe(180);
    s = await r.session.seek(START + 5 * 60_000);
    expect(s.epoch).not.toBe(first);
    expect(r.worlds.at(-1)?.epoch).toBe(s.epoch);
    expect(seen(r.session)).toBe(30);
    expect(r.opened).toBe(2);
    // The replaced world's store was released.
    expect(r.disposed).toBeGreaterThanOrEqual(2);
    // Out-of-range seeks clamp to the recording.
    s = await r.session.seek(START - 1e9);
    expect(s.virtualTime).toBe(START);
    expect(seen(r.session)).toBe(0);
  });

  it('a fast-forward leaves the same state as playing through', async () => {
    const played = setup();
    await played.session.load('hour');
    await played.session.setSpeed(600);
    await played.session.play();
    while (played.session.status().state === 'playing') await after(played, 250);
    const viaPlay = played.session.world.aggregator.stats('*')!;
    await played.session.close();

    const r = setup();
    await r.session.load('hour');
    await r.session.seek(END);
    const stats = r.session.world.aggregator.stats('*')!;
    expect(stats).toEqual(viaPlay);
    expect(stats.devices.total).toBe(COUNT);
    // Camera timeout from the header: 3600 s × 2.5 = 2.5 h, so none is offline after an hour.
    expect(stats.devices.offline).toBe(0);
    expect(heartbeatTimeouts(header)?.camera).toBe(9_000_000);
    // Only the last 5 minutes are in the 5-minute window.
    expect(stats.events5m.device).toBeGreaterThanOrEqual(29);
    expect(stats.events5m.device).toBeLessThanOrEqual(30);
  });

  it('ends at the end of the recording, and play starts it again', async () => {
    const r = setup();
    await r.session.load('hour');
    await r.session.setSpeed(600);
    await r.session.play();
    await after(r, 7_000); // 70 virtual minutes > 60
    expect(r.session.status()).toMatchObject({ state: 'ended', virtualTime: END });
    expect(seen(r.session)).toBe(COUNT);
    const ended = r.session.world.epoch;
    const s = await r.session.play();
    expect(s).toMatchObject({ state: 'playing', virtualTime: START });
    expect(s.epoch).not.toBe(ended);
    expect(seen(r.session)).toBe(0);
  });

  it('loops: at the end a new world starts from the beginning and keeps playing', async () => {
    const r = setup();
    await r.session.load('hour');
    await r.session.setLoop(true);
    await r.session.setSpeed(600);
    await r.session.play();
    const before = r.worlds.length;
    await after(r, 6_000); // exactly the end
    expect(r.worlds.length).toBe(before + 1);
    expect(r.session.status()).toMatchObject({ state: 'playing', virtualTime: START, loop: true });
    await after(r, 1_000);
    expect(seen(r.session)).toBe(60);
  });

  it('reports status on every change and at least once a second while running', async () => {
    const r = setup();
    await r.session.load('hour');
    await r.session.play();
    const n = r.statuses.length;
    await after(r, 250);
    await after(r, 250);
    await after(r, 600);
    expect(r.statuses.length).toBe(n + 1);
    expect(r.statuses.at(-1)?.virtualTime).toBe(START + 1_100);
  });

  it('stops with the reason when the recording breaks part-way', async () => {
    const r = setup(async function* () {
      yield* events.slice(0, 10);
      throw new Error('corrupt or truncated gzip data');
    });
    await r.session.load('hour');
    await r.session.setSpeed(600);
    await r.session.play();
    await after(r, 2_000);
    expect(r.session.status()).toMatchObject({ state: 'ended', error: 'corrupt or truncated gzip data' });
    expect(seen(r.session)).toBe(10);
  });
});
