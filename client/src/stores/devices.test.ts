import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import type { DeviceView } from '../../../protocol';
import { DeviceTable, useDevicesStore } from './devices';

/** The server's slot of each id (stable, as within an epoch). */
const slots = new Map<string, number>();
function device(
  id: string,
  status: DeviceView['status'],
  ix = slots.get(id) ?? slots.set(id, slots.size).get(id)!,
): DeviceView {
  return { id, ix, type: 'bin', grid: '330106001001001', lon: 120, lat: 30, status, lastSeen: 0 };
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

  it('finds rows by server slot, including slots far beyond the first ones', () => {
    const t = new DeviceTable();
    t.write([device('p', 'online', 5), device('q', 'online', 70_000)]);
    t.rowOf.clear(); // the fast path must not need the id index
    expect(Array.from(t.write([device('q', 'fault', 70_000), device('p', 'offline', 5)]))).toEqual([1, 0]);
    expect(t.views.map((d) => d.status)).toEqual(['offline', 'fault']);
  });

  it('a slot that names another device than its row holds is looked up by id, not trusted', () => {
    const t = new DeviceTable();
    t.write([device('a', 'online', 0), device('b', 'online', 1)]);
    // 'b' arrives under a's slot (a server that reassigned slots without a new epoch): the id decides.
    expect(Array.from(t.write([device('b', 'fault', 0)]))).toEqual([1]);
    expect(t.get('a')?.status).toBe('online');
    expect(t.get('b')?.status).toBe('fault');
    // and a brand-new id on a known slot gets a row of its own
    expect(Array.from(t.write([device('c', 'fault', 1)]))).toEqual([2]);
    expect(t.size).toBe(3);
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
