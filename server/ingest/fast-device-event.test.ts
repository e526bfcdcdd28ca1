import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEVICE_TYPES, ingestEventSchema } from '../../protocol';
import { fastDeviceEvent } from './fast-device-event';

const T0 = 1_800_000_000_000;

/** Event times on and across the schema's bounds (2000-01-01, 2100-01-01), past 2^53, fractional, in seconds. */
const TIME_EDGES = [
  946_684_800_000,
  946_684_799_999,
  4_102_444_800_000,
  4_102_444_799_999,
  2 ** 53,
  T0 + 0.5,
  1_800_000_000,
];

/** Values that sit on or across every edge the schema checks, plus the wrong types. */
const oddValue = fc.oneof(
  fc.constantFrom(undefined, null, true, false, 0, -0, 1, 2, -1, 0.5, 1e300, -181, 181, -91, 91, 180, -180, 90, -90),
  fc.constantFrom(...TIME_EDGES),
  fc.constantFrom(
    '',
    'x',
    '330106007001001',
    '33010600700100',
    '33010600700100a',
    '2026-11-28T10:00:00+08:00',
    'bin',
    'device.heartbeat',
  ),
  fc.string({ maxLength: 70 }),
  fc.string({ minLength: 120, maxLength: 140 }),
  fc.double(),
  fc.array(fc.integer(), { maxLength: 2 }),
  fc.dictionary(fc.string({ maxLength: 40 }), fc.oneof(fc.double(), fc.string(), fc.boolean()), { maxKeys: 3 }),
);

const validDevice = fc.record(
  {
    v: fc.constant(1),
    id: fc.string({ minLength: 1, maxLength: 128 }),
    source: fc.string({ minLength: 1, maxLength: 64 }),
    time: fc.integer({ min: 946_684_800_000, max: 4_102_444_799_999 }),
    lon: fc.double({ min: -180, max: 180, noNaN: true }),
    lat: fc.double({ min: -90, max: 90, noNaN: true }),
    grid: fc.stringMatching(/^\d{15}$/),
    kind: fc.constantFrom('device.heartbeat', 'device.telemetry'),
    deviceId: fc.string({ minLength: 1, maxLength: 128 }),
    deviceType: fc.constantFrom(...DEVICE_TYPES),
    metrics: fc.dictionary(fc.string({ maxLength: 34 }), fc.double({ noNaN: true, noDefaultInfinity: true }), {
      maxKeys: 4,
    }),
    fault: fc.boolean(),
  },
  { requiredKeys: ['id', 'source', 'time', 'kind', 'deviceId', 'deviceType'] },
);

/** Per field: the values on and just past each edge the schema checks (lengths, ranges, formats, types). */
const EDGES: Record<string, unknown[]> = {
  v: [0, 1, 2, '1', null],
  id: ['', 'a', 'x'.repeat(128), 'x'.repeat(129), 5],
  source: ['', 's', 'x'.repeat(64), 'x'.repeat(65)],
  time: [...TIME_EDGES, -1, '2026-11-28T10:00:00+08:00', 'yesterday'],
  lon: [-180, 180, -180.000001, 180.000001, '120'],
  lat: [-90, 90, -90.000001, 90.000001, '30'],
  grid: ['330106007001001', '33010600700100', '3301060070010011', '33010600700100a', 330106007001001, ''],
  kind: ['device.heartbeat', 'device.telemetry', 'case.updated', 'opinion.post', 'device', ''],
  deviceId: ['', 'd', 'x'.repeat(128), 'x'.repeat(129)],
  deviceType: [...DEVICE_TYPES, 'nope', '', 'BIN'],
  metrics: [
    {},
    { ['k'.repeat(32)]: 1 },
    { ['k'.repeat(33)]: 1 },
    { a: '1' },
    { a: null },
    { a: true },
    { a: 1e308, b: -0 },
    [],
    null,
    'x',
  ],
  fault: [true, false, 0, 'true', null],
  extra: [1],
  caseId: ['c1'],
  ['__proto__']: [{ polluted: true }],
};

/** A valid-looking event with up to three fields replaced, removed or added — most of them no longer valid. */
const edit = fc.constantFrom(...Object.getOwnPropertyNames(EDGES)).chain((key) =>
  fc.tuple(
    fc.constant(key),
    fc.oneof({ arbitrary: fc.constantFrom(...EDGES[key]!), weight: 3 }, { arbitrary: oddValue, weight: 1 }),
    fc.integer({ min: 0, max: 4 }).map((n) => n === 0), // remove the field one time in five
  ),
);
const mutated = fc.tuple(validDevice, fc.array(edit, { maxLength: 3 })).map(([event, edits]) => {
  // Through JSON, as the wire delivers it: `__proto__` becomes an own key, undefined disappears.
  const raw = JSON.parse(JSON.stringify(event)) as Record<string, unknown>;
  for (const [key, value, remove] of edits) {
    if (remove) delete raw[key];
    else Object.defineProperty(raw, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return JSON.parse(JSON.stringify(raw)) as unknown;
});

describe('fastDeviceEvent', () => {
  it('accepts only what the schema accepts, and outputs exactly what it outputs (same keys, same order)', () => {
    let fast = 0;
    fc.assert(
      fc.property(
        fc.oneof(
          validDevice.map((e) => JSON.parse(JSON.stringify(e)) as unknown),
          mutated,
        ),
        (item) => {
          const got = fastDeviceEvent(item);
          if (got === undefined) return;
          fast++;
          const parsed = ingestEventSchema.safeParse(item);
          expect(parsed.success).toBe(true);
          expect(JSON.stringify(got)).toBe(JSON.stringify(parsed.data));
        },
      ),
      { numRuns: 20_000 },
    );
    // The property is not vacuous: the fast path took a good share of the inputs.
    expect(fast).toBeGreaterThan(4_000);
  });

  it('takes the common shapes the feeds send, and leaves the rest to the schema', () => {
    const heartbeat = {
      kind: 'device.heartbeat',
      id: 'h1',
      source: 'sim',
      time: T0,
      deviceId: 'd1',
      deviceType: 'smoke',
    };
    const telemetry = {
      ...heartbeat,
      kind: 'device.telemetry',
      id: 't1',
      deviceType: 'bin',
      metrics: { fill: 0.82 },
      lon: 120.1,
      lat: 30.2,
    };
    expect(fastDeviceEvent(heartbeat)).toEqual({ v: 1, ...heartbeat });
    expect(fastDeviceEvent(telemetry)).toMatchObject({ metrics: { fill: 0.82 } });
    expect(fastDeviceEvent({ ...heartbeat, metrics: {} })).toBeUndefined(); // not a heartbeat field: zod says so
    expect(fastDeviceEvent({ ...telemetry, time: '2026-11-28T10:00:00+08:00' })).toBeUndefined(); // ISO: zod converts
    expect(
      fastDeviceEvent(
        JSON.parse(
          '{"kind":"device.telemetry","id":"x","source":"s","time":1800000000000,"deviceId":"d","deviceType":"bin","metrics":{"__proto__":1}}',
        ),
      ),
    ).toBeUndefined();
    expect(fastDeviceEvent({ ...telemetry, kind: 'case.updated' })).toBeUndefined();
    expect(fastDeviceEvent([heartbeat])).toBeUndefined();
  });
});
