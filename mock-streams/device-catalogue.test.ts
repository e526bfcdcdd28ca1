import { describe, expect, it } from 'vitest';
import { DEVICE_TYPES } from '../protocol';
import type { District } from '../geo/district.types';
import { pointInGeometry } from '../geo/geometry';
import { createGridIndex } from '../geo/grid-index';
import { placeDevices } from './device-catalogue';
import { smallDistrict } from './fixtures/small-district';
import { createRng } from './prng';
import { createSimulation } from './simulation';

/** The small district as an import of grid boundaries only: no buildings, roads or POIs. */
function gridsOnly(): District {
  return { ...smallDistrict(), buildings: [], roads: [], pois: [], water: [], landuse: [] };
}

describe('placeDevices on a district without buildings', () => {
  const district = gridsOnly();
  const index = createGridIndex(district);
  const grids = district.areas.filter((a) => a.level === 'grid');

  it('places every type inside the grids it names, spread over all grids', () => {
    const devices = placeDevices(district, 600, createRng(3), index);
    expect(devices).toHaveLength(600);
    expect(new Set(devices.map((d) => d.type))).toEqual(new Set(DEVICE_TYPES));
    const byCode = new Map(grids.map((g) => [g.code, g]));
    for (const d of devices) {
      const grid = byCode.get(d.grid);
      expect(grid, `${d.id} grid ${d.grid}`).toBeDefined();
      // Sites sit inside their grid; doors and kerbs are within a few metres of them.
      const near = [0, 0.00006, -0.00006].some((dx) =>
        [0, 0.00006, -0.00006].some((dy) => pointInGeometry([d.lon + dx, d.lat + dy], grid!.geometry)),
      );
      expect(near, `${d.id} at ${d.lon},${d.lat} is not in ${d.grid}`).toBe(true);
    }
    expect(new Set(devices.map((d) => d.grid)).size).toBe(grids.length);
  });

  it('is deterministic for a seed', () => {
    expect(placeDevices(district, 200, createRng(9), index)).toEqual(placeDevices(district, 200, createRng(9), index));
  });

  it('lets the whole simulation run on it', () => {
    const start = Date.UTC(2024, 5, 3, 16, 0, 0);
    const sim = createSimulation({ seed: 4, district, start, deviceCount: 300 });
    const events = sim.advance(start + 30 * 60_000);
    expect(events.length).toBeGreaterThan(100);
    const codes = new Set(grids.map((g) => g.code));
    for (const e of events) if (e.grid !== undefined) expect(codes.has(e.grid)).toBe(true);
  });
});
