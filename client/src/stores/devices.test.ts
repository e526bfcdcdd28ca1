import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import type { DeviceView } from '../../../protocol';
import { DeviceTable, useDevicesStore } from './devices';

function device(id: string, status: DeviceView['status']): DeviceView {
  return { id, type: 'bin', grid: '330106001001001', lon: 120, lat: 30, status, lastSeen: 0 };
}

describe('devices store', () => {
  beforeEach(() => setActivePinia(createPinia()));

  it('a device keeps its row until the next snapshot; upsert returns the rows it wrote', () => {
    const devices = useDevicesStore();
    devices.reset([device('a', 'online'), device('b', 'online')]);
    expect(Array.from(devices.upsert([device('c', 'offline'), device('a', 'fault'), device('c', 'fault')])!)).toEqual([
      2, 0, 2,
    ]);
    expect(devices.table.views.map((d) => `${d.id}:${d.status}`)).toEqual(['a:fault', 'b:online', 'c:fault']);
    devices.reset([device('c', 'online')]);
    expect(devices.table.rowOf.get('c')).toBe(0);
    expect(devices.byId.get('a')).toBeUndefined();
  });

  it('an empty delta changes nothing, not even the version', () => {
    const devices = useDevicesStore();
    devices.reset([device('a', 'online')]);
    const v = devices.version;
    expect(devices.upsert([])).toBeUndefined();
    expect(devices.upsert(undefined)).toBeUndefined();
    expect(devices.version).toBe(v);
  });

  it('the map subscriber sees the rows of each upsert through $onAction', () => {
    const devices = useDevicesStore();
    const seen: number[][] = [];
    devices.$onAction(({ name, after }) => after((rows) => name === 'upsert' && rows && seen.push([...rows])));
    devices.upsert([device('x', 'online'), device('y', 'online')]);
    devices.upsert([device('y', 'fault')]);
    expect(seen).toEqual([[0, 1], [1]]);
  });

  it('reads as a ReadonlyMap by id', () => {
    const t = new DeviceTable();
    t.write([device('a', 'online'), device('b', 'fault')]);
    expect(t.size).toBe(2);
    expect(t.has('b')).toBe(true);
    expect(t.get('b')?.status).toBe('fault');
    expect([...t.keys()]).toEqual(['a', 'b']);
    expect([...t].map(([id, d]) => `${id}=${d.status}`)).toEqual(['a=online', 'b=fault']);
    expect(new Map(t).size).toBe(2);
  });
});
