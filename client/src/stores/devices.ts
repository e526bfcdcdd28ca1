import { defineStore } from 'pinia';
import { computed, markRaw, ref, shallowRef } from 'vue';
import type { DeviceView } from '../../../protocol';

/**
 * Devices as a table with one row per device. A row is assigned the first time a device is seen and keeps it
 * until the next snapshot; the map's render columns (features/map/layers/device-buffer.ts) are indexed by the
 * same rows. A delta finds a device's row by its server slot (`DeviceView.ix`, fixed within an epoch) in a typed
 * array — no string is hashed on the hot path; the id is checked against the row and looked up by id only when
 * the slot is new to this table or disagrees. Read-only as a `ReadonlyMap` by id. Not reactive itself (100,000
 * rows; STYLE 6): readers follow the store's `version`.
 */
export class DeviceTable implements ReadonlyMap<string, DeviceView> {
  /** Row → the device's latest view; rows are dense, in order of first appearance. */
  readonly views: DeviceView[] = [];
  readonly rowOf = new Map<string, number>();
  /** Server slot → row + 1 (0: not in this table). Grows by doubling. */
  private rowOfIx = new Int32Array(1024);

  get size(): number {
    return this.views.length;
  }

  get(id: string): DeviceView | undefined {
    const row = this.rowOf.get(id);
    return row === undefined ? undefined : this.views[row];
  }

  has(id: string): boolean {
    return this.rowOf.has(id);
  }

  /** Writes each device into its row (a new row for a new device); `rows[i]` is the row of `devices[i]`. */
  write(devices: readonly DeviceView[]): Int32Array {
    const rows = new Int32Array(devices.length);
    const { views } = this;
    for (let i = 0; i < devices.length; i++) {
      const d = devices[i]!;
      const ix = d.ix;
      let row = ix < this.rowOfIx.length ? this.rowOfIx[ix]! - 1 : -1;
      if (row < 0 || views[row]!.id !== d.id) row = this.rowById(d);
      views[row] = d;
      rows[i] = row;
    }
    return rows;
  }

  /** The slow path: the device's row by id (a new row for a new id), and its slot noted for next time. */
  private rowById(d: DeviceView): number {
    let row = this.rowOf.get(d.id);
    if (row === undefined) {
      row = this.views.length;
      this.rowOf.set(d.id, row);
    }
    if (Number.isInteger(d.ix) && d.ix >= 0) {
      if (d.ix >= this.rowOfIx.length) {
        const grown = new Int32Array(Math.max(d.ix + 1, this.rowOfIx.length * 2));
        grown.set(this.rowOfIx);
        this.rowOfIx = grown;
      }
      this.rowOfIx[d.ix] = row + 1;
    }
    return row;
  }

  forEach(fn: (value: DeviceView, key: string, map: ReadonlyMap<string, DeviceView>) => void, thisArg?: unknown) {
    for (const d of this.views) fn.call(thisArg, d, d.id, this);
  }

  *entries(): MapIterator<[string, DeviceView]> {
    for (const d of this.views) yield [d.id, d];
  }

  keys(): MapIterator<string> {
    return this.rowOf.keys();
  }

  values(): MapIterator<DeviceView> {
    return this.views.values();
  }

  [Symbol.iterator](): MapIterator<[string, DeviceView]> {
    return this.entries();
  }
}

/**
 * The devices store. `version` moves on every change; `table` is replaced on every snapshot. `upsert` returns
 * the rows it wrote (aligned with its argument) so a `$onAction` subscriber (the map) can follow a delta
 * without looking ids up again; `list` is a new array per version for readers that want one.
 */
export const useDevicesStore = defineStore('devices', () => {
  const table = shallowRef(markRaw(new DeviceTable()));
  const version = ref(0);

  function reset(devices: readonly DeviceView[]) {
    const next = new DeviceTable();
    next.write(devices);
    table.value = markRaw(next);
    version.value += 1;
  }

  /** Rows written, `rows[i]` for `devices[i]`; undefined (and no version change) for an empty delta. */
  function upsert(devices: readonly DeviceView[] | undefined): Int32Array | undefined {
    if (!devices?.length) return undefined;
    const rows = table.value.write(devices);
    version.value += 1;
    return rows;
  }

  function clear() {
    reset([]);
  }

  /** Kept under its old name: the table is a `ReadonlyMap` by id. */
  const byId = computed<ReadonlyMap<string, DeviceView>>(() => table.value);

  const list = computed<readonly DeviceView[]>(() => {
    void version.value;
    return markRaw(table.value.views.slice());
  });

  return { table, byId, version, list, reset, upsert, clear };
});
