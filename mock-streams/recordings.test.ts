import { stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readRecording } from './recording';

const path = (name: string): string => fileURLToPath(new URL(`./recordings/${name}`, import.meta.url));

describe('shipped demo recordings', () => {
  it.each(['normal-day.ndjson.gz', 'incident-day.ndjson.gz'])(
    '%s is a whole day of the built-in district under 5 MB',
    async (name) => {
      expect((await stat(path(name))).size).toBeLessThanOrEqual(5_000_000);
      const rec = await readRecording(path(name));
      rec.close();
      expect(rec.header.end - rec.header.start).toBe(24 * 3_600_000);
      expect(rec.header.district).toBe('330106007');
      expect(rec.header.events).toBeGreaterThan(100_000);
    },
  );

  it('incident-day stages a water-main burst in the morning and a power cut in the evening', async () => {
    const rec = await readRecording(path('incident-day.ndjson.gz'));
    rec.close();
    const hourOf = (t: number): number => ((t - rec.header.start) / 3_600_000) % 24;
    const [burst, cut] = rec.header.scenarios ?? [];
    expect(burst?.name).toBe('water-main-burst');
    expect(hourOf(burst?.start ?? 0)).toBeGreaterThanOrEqual(9);
    expect(hourOf(burst?.start ?? 0)).toBeLessThan(12);
    expect(cut?.name).toBe('power-cut');
    expect(hourOf(cut?.start ?? 0)).toBeGreaterThanOrEqual(18);
  });
});
