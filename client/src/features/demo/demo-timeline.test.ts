import { describe, expect, it } from 'vitest';
import { formatLocal, fractionOf, timelineMarks } from './demo-timeline';
import { demoRequested, showsDemo } from '../../services/demo-mode';

/** 2025-06-10 00:00 in Shanghai. */
const DAY = Date.UTC(2025, 5, 9, 16, 0, 0);

describe('timelineMarks', () => {
  it('marks local midnights as days and every 6 h in between', () => {
    const marks = timelineMarks(DAY, DAY + 24 * 3_600_000);
    expect(marks.map((m) => `${m.kind}:${m.label}`)).toEqual([
      'day:06-10',
      'hour:06:00',
      'hour:12:00',
      'hour:18:00',
      'day:06-11',
    ]);
    expect(marks.map((m) => m.at)).toEqual([0, 0.25, 0.5, 0.75, 1]);
  });

  it('starts at the first boundary after an odd start, and is empty for an empty span', () => {
    const marks = timelineMarks(DAY + 3_600_000, DAY + 30 * 3_600_000);
    expect(marks[0]).toMatchObject({ label: '06:00', kind: 'hour' });
    expect(marks.filter((m) => m.kind === 'day').map((m) => m.label)).toEqual(['06-11']);
    expect(timelineMarks(DAY, DAY)).toEqual([]);
  });
});

describe('demo helpers', () => {
  it('formats local time and clamps fractions', () => {
    expect(formatLocal(DAY + 9.5 * 3_600_000 + 5_000)).toBe('2025-06-10 09:30:05');
    expect(formatLocal(DAY, false)).toBe('00:00:00');
    expect(fractionOf(DAY - 1, DAY, DAY + 10)).toBe(0);
    expect(fractionOf(DAY + 5, DAY, DAY + 10)).toBe(0.5);
  });

  it('shows the DEMO mark on /demo, with ?demo=1, or when the server or socket says demo', () => {
    expect(demoRequested('?demo=1')).toBe(true);
    expect(demoRequested('?demo=0')).toBe(false);
    expect(demoRequested('?lang=en')).toBe(false);
    expect(showsDemo({ path: '/demo', search: '' })).toBe(true);
    expect(showsDemo({ path: '/wall', search: '?demo=1' })).toBe(true);
    expect(showsDemo({ path: '/wall', search: '', socketMode: 'demo' })).toBe(true);
    expect(showsDemo({ path: '/', search: '', serverMode: 'demo' })).toBe(true);
    expect(showsDemo({ path: '/wall', search: '', socketMode: 'live', serverMode: 'live' })).toBe(false);
  });
});
