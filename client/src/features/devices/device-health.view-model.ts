import type { DeviceCounts, DeviceType } from '../../../../protocol';
import { DEVICE_TYPE_ORDER } from '../../services/protocol-lists';

export interface DeviceHealthRow {
  type: DeviceType;
  total: number;
  online: number;
  offline: number;
  fault: number;
  /** Shares of the type's devices in percent (0..100), for one stacked bar per type. */
  onlinePct: number;
  offlinePct: number;
  faultPct: number;
  /** Online / total, 0..1; undefined without devices of the type. */
  onlineRatio: number | undefined;
}

const pct = (n: number, total: number) => (total > 0 ? (n / total) * 100 : 0);

/** One row per device type, always all eight in the protocol's order (an absent type shows as zero). */
export function deviceHealthRows(byType: Readonly<Record<DeviceType, DeviceCounts>> | undefined): DeviceHealthRow[] {
  return DEVICE_TYPE_ORDER.map((type) => {
    const c = byType?.[type] ?? { total: 0, online: 0, offline: 0, fault: 0 };
    return {
      type,
      total: c.total,
      online: c.online,
      offline: c.offline,
      fault: c.fault,
      onlinePct: pct(c.online, c.total),
      offlinePct: pct(c.offline, c.total),
      faultPct: pct(c.fault, c.total),
      onlineRatio: c.total > 0 ? c.online / c.total : undefined,
    };
  });
}

