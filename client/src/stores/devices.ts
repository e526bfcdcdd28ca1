import { defineStore } from 'pinia';
import { computed, markRaw, ref, shallowRef } from 'vue';
import type { DeviceView } from '../../../protocol';

/**
 * Devices as a table with one row per device id. A row is assigned the first time an id is seen and keeps it
 * until the next snapshot, so the id is looked up once per change, here: the map's render columns
 * (features/map/layers/device-buffer.ts) are indexed by the same rows and never hash an id. Read-only as a
 * `ReadonlyMap` by id. Not reactive itself (100,000 rows; STYLE 6): readers follow the store's `version`.
 */
export class DeviceTable implements ReadonlyMap<string, DeviceView> {
  /** Row → the device's latest view; rows are dense, in order of first appearance. */
  readonly views: DeviceView[] = [];
  readonly rowOf = new Map<string, number>();

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

  /** Writes each device into its row (a new row for a new id); `rows[i]` is the row of `devices[i]`. */
  write(devices: readonly DeviceView[]): Int32Array {
    const rows = new Int32Array(devices.length);
    const { views, rowOf } = this;
    for (let i = 0; i < devices.length; i++) {
      const d = devices[i]!;
      let row = rowOf.get(d.id);
      if (row === undefined) {
        row = views.length;
        rowOf.set(d.id, row);
      }
      views[row] = d;
      rows[i] = row;
    }
    return rows;
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
