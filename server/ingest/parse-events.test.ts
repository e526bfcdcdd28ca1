import { describe, expect, it } from 'vitest';
import { parseEventBatch } from './parse-events';

const ok = { kind: 'opinion.post', id: 'p1', source: 'forum', time: '2026-11-28T10:00:00+08:00', channel: 'forum', text: '电梯又坏了', lon: 120.1, lat: 30.2 };

describe('parseEventBatch', () => {
  it('keeps valid NDJSON lines and reports each bad one with line, field and reason', () => {
    const text = [JSON.stringify(ok), '', '{oops', JSON.stringify({ ...ok, id: 'p2', time: 'yesterday' }), JSON.stringify({ ...ok, id: 'p3' })].join('\n');
    const batch = parseEventBatch(text);
    expect(batch.events.map((e) => e.id)).toEqual(['p1', 'p3']);
    expect(batch.lines).toEqual([1, 5]);
    expect(batch.total).toBe(4);
    expect(batch.errors).toEqual([
      expect.objectContaining({ line: 3, reason: 'invalid_json' }),
      expect.objectContaining({ line: 4, path: 'time', reason: 'invalid_event' }),
    ]);
    expect(batch.events[0]!.time).toBe(Date.parse('2026-11-28T02:00:00Z'));
  });

  it('reads a JSON array, numbering items from 1', () => {
    const batch = parseEventBatch(JSON.stringify([ok, { ...ok, kind: 'nope' }]));
    expect(batch.events).toHaveLength(1);
    expect(batch.errors[0]).toMatchObject({ line: 2, path: 'kind' });
  });

  it('refuses unknown fields, non-finite metrics and times in seconds', () => {
    const base = { kind: 'device.telemetry', id: 't', source: 's', time: 1_800_000_000_000, deviceId: 'd', deviceType: 'bin', grid: '330106007001001' };
    const lines = [
      { ...base, extra: 1 },
      { ...base, metrics: { fill: 'full' } },
      { ...base, time: 1_800_000_000 },
      { ...base, grid: '3301' },
      { ...base, __proto__: { polluted: true }, metrics: { fill: 0.5 } },
    ];
    const batch = parseEventBatch(lines.map((l) => JSON.stringify(l)).join('\n'));
    expect(batch.errors.map((e) => e.line)).toEqual([1, 2, 3, 4]);
    expect(batch.events).toHaveLength(1);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
