import { CASE_CHANNELS, CASE_STATUSES, DEVICE_TYPES, URGENCIES, type IngestEvent } from '../../protocol';
import type { District } from '../../geo/district.types';

/** A seeded xorshift PRNG (benchmarks only). */
export function rng(seed: number) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

/** The post texts of the mix (10 distinct texts: their analysis is cached, see bench/aggregate.ts). */
export const POSTS = [
  '3号楼电梯又坏了，一个星期没人修，老人天天爬楼',
  '小区停车难，晚上车位全被外来车辆占用',
  '感谢物业师傅及时修好了路灯，点赞',
  '楼下广场舞噪音扰民，希望社区管一管',
  '垃圾分类投放点满溢，气味很大',
  '物业费又涨价了，服务却没有改善',
  '社区食堂的老年餐很实惠，老人们很满意',
  '快递柜不够用，包裹堆在门口',
  '自来水发黄，是不是管道出了问题',
  '绿化带被毁种菜，环境越来越差',
];

/**
 * The issue #5 benchmark mix over `deviceCount` devices placed on the district's buildings: 80 % device
 * telemetry and heartbeats, 15 % case lifecycle events (over a bounded pool of cases, new ones arriving at
 * a steady pace in event time), 5 % opinion posts. Events are stamped `rate` per second of event time from `start`.
 */
export function createEventMix(
  district: District,
  opts: { deviceCount: number; rate: number; start: number; seed: number; newCaseEveryMs?: number },
) {
  const random = rng(opts.seed);
  const anchors = district.buildings.length ? district.buildings.map((b) => b.center) : district.areas.filter((a) => a.level === 'grid').map((a) => a.center);
  const devices = Array.from({ length: opts.deviceCount }, (_, i) => {
    const [lon, lat] = anchors[Math.floor(random() * anchors.length)]!;
    return { id: `dev-${i}`, type: DEVICE_TYPES[i % DEVICE_TYPES.length]!, lon: lon + (random() - 0.5) * 2e-4, lat: lat + (random() - 0.5) * 2e-4 };
  });
  const grids = district.areas.filter((a) => a.level === 'grid').map((a) => a.code);
  const categories = ['BJ0101', 'BJ0112', 'BJ0303', 'SJ0101', 'SJ0203', 'SJ0402', 'SJ0501', 'SJ0604'];
  let seq = 0;
  // 2,000 cases are already open when the stream starts (a street's usual backlog).
  let caseSeq = 2_000;
  let nextCaseAt = opts.start;
  const newCaseEveryMs = opts.newCaseEveryMs ?? 60_000;
  let time = opts.start;
  const step = 1000 / opts.rate;

  function next(): IngestEvent {
    time += step;
    const t = Math.floor(time);
    const id = `b${seq++}`;
    const r = random();
    if (r < 0.8) {
      const d = devices[Math.floor(random() * devices.length)]!;
      if (r < 0.4) return { v: 1, kind: 'device.heartbeat', id, source: 'bench', time: t, deviceId: d.id, deviceType: d.type, lon: d.lon, lat: d.lat };
      const v = random();
      const metrics: Record<string, number> =
        d.type === 'water' ? { flow_l: Math.round(v * 30) } : d.type === 'power' ? { kwh: Math.round(v * 100) / 100 } : d.type === 'parking' ? { occupied: v < 0.6 ? 1 : 0 } : d.type === 'bin' ? { fill: Math.round(v * 100) / 100 } : d.type === 'access' ? { opened: 1 } : {};
      return { v: 1, kind: 'device.telemetry', id, source: 'bench', time: t, deviceId: d.id, deviceType: d.type, lon: d.lon, lat: d.lat, metrics, fault: v < 0.001 ? true : undefined };
    }
    if (r < 0.95) {
      // New cases arrive at a realistic pace in event time (one per `newCaseEveryMs`); every other case
      // event moves one of the recent cases along its lifecycle.
      const fresh = t >= nextCaseAt;
      if (fresh) nextCaseAt = t + newCaseEveryMs;
      const caseNo = fresh ? caseSeq++ : Math.max(0, caseSeq - 1 - Math.floor(random() * Math.min(caseSeq, 2000)));
      const status = fresh ? 'reported' : CASE_STATUSES[Math.floor(random() * CASE_STATUSES.length)]!;
      return {
        v: 1, kind: 'case.updated', id, source: 'bench', time: t, caseId: `case-${caseNo}`, status,
        category: categories[caseNo % categories.length]!, channel: CASE_CHANNELS[caseNo % 3]!, urgency: URGENCIES[caseNo % URGENCIES.length]!,
        grid: grids[caseNo % grids.length]!,
      };
    }
    const d = devices[Math.floor(random() * devices.length)]!;
    return { v: 1, kind: 'opinion.post', id, source: 'bench', time: t, channel: 'group', text: POSTS[Math.floor(random() * POSTS.length)]!, lon: d.lon, lat: d.lat };
  }

  return {
    devices,
    next,
    batch(n: number): IngestEvent[] {
      const out = new Array<IngestEvent>(n);
      for (let i = 0; i < n; i++) out[i] = next();
      return out;
    },
    get time() {
      return Math.floor(time);
    },
  };
}
