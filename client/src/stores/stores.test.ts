import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import type { AreaStats, DeviceView } from '../../../protocol';
import { totalEvents, useAreasStore } from './areas';
import { STALE_AFTER_MS, useConnectionStore } from './connection';
import { useDevicesStore } from './devices';
import { areaStats } from '../test-support/frame-fixtures';

function stats(code: string, device: number, kase = 0): AreaStats {
  return areaStats(code, { device, case: kase });
}

const slots = new Map<string, number>();
function device(id: string, status: DeviceView['status']): DeviceView {
  const ix = slots.get(id) ?? slots.set(id, slots.size).get(id)!;
  return { id, ix, type: 'bin', grid: '330106001001001', lon: 120, lat: 30, status, lastSeen: 0 };
}

describe('stores', () => {
  beforeEach(() => setActivePinia(createPinia()));

  it('areas: reset replaces, changes replace entries wholesale, top grids rank by 5-min total', () => {
    const areas = useAreasStore();
    areas.reset(stats('*', 9), [stats('330106001001001', 3), stats('330106001001002', 1), stats('330106001', 4)]);
    expect(areas.grids).toHaveLength(2);
    const v = areas.version;
    areas.applyChanges(undefined, [stats('330106001001002', 2, 5)]);
    expect(areas.version).toBe(v + 1);
    expect(areas.topGrids(1)[0]?.code).toBe('330106001001002');
    expect(totalEvents(areas.byCode.get('330106001001002')!.events5m)).toBe(7);
    areas.reset(stats('*', 0), []);
    expect(areas.grids).toHaveLength(0);
  });

  it('devices: upserts by id and gives a new list array per version', () => {
    const devices = useDevicesStore();
    devices.reset([device('a', 'online'), device('b', 'online')]);
    const before = devices.list;
    devices.upsert([device('b', 'fault'), device('c', 'offline')]);
    expect(devices.list).not.toBe(before);
    expect(devices.list.map((d) => d.status)).toEqual(['online', 'fault', 'offline']);
    devices.upsert([]);
    expect(devices.list).toHaveLength(3);
  });

  it('connection: stale only while subscribed and after the threshold', () => {
    const c = useConnectionStore();
    c.tick(100_000);
    expect(c.stale).toBe(false);
    c.setSubscribed(true);
    c.setPhase('live');
    c.markFrame(100_000, 1);
    c.tick(100_000 + STALE_AFTER_MS);
    expect(c.stale).toBe(false);
    c.tick(100_001 + STALE_AFTER_MS);
    expect(c.stale).toBe(true);
    c.setPhase('reconnecting');
    expect(c.stale).toBe(false);
  });
});
