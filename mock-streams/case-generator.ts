import {
  CASE_SLA_HOURS,
  CASE_SUBCLASSES,
  findCategory,
  type CaseChannel,
  type CaseStatus,
  type CaseSubclass,
  type Urgency,
} from '../protocol';
import { HOUR_MS, MINUTE_MS, localHour } from './local-time';
import type { Place, Places } from './places';
import type { Rng } from './prng';

/** Cases filed per grid per day (hotline, patrol and residents together). */
export const CASES_PER_GRID_PER_DAY = 3;
/** When cases come in, relative (local hour): office hours and the evening after work. */
export const CASE_PROFILE = [
  0.1, 0.05, 0.05, 0.05, 0.05, 0.1, 0.4, 1, 1.8, 2.2, 2.2, 1.9, 1.3, 1.6, 2, 1.9, 1.7, 1.5, 1.2, 1.1, 0.9, 0.6, 0.3,
  0.15,
];

/** What a scenario asks for; anything left out is drawn. */
export interface CaseSeed {
  category?: string;
  urgency?: Urgency;
  channel?: CaseChannel;
  /** Area code prefix the place is drawn in. */
  area?: string;
}

/** A case and its whole planned lifecycle; the simulation emits `steps` one by one. */
export interface SimCase {
  id: string;
  category: string;
  channel: CaseChannel;
  urgency: Urgency;
  title: string;
  place: Place;
  steps: { t: number; status: CaseStatus }[];
  /** Index of the next step to emit. */
  next: number;
}

const TITLE_PREFIX: Readonly<Record<CaseChannel, readonly string[]>> = {
  hotline: ['市民来电反映', '12345来电：', '热线转办：'],
  patrol: ['巡查发现', '网格员上报：', ''],
  resident: ['居民反映', '随手拍：', '居民上报：'],
  device: ['设备告警：'],
  opinion: ['舆情转办：'],
};
const NEAR = ['', '附近', '门口', '旁', '周边', '一带'];

const SUB_WEIGHTS = CASE_SUBCLASSES.map((s) => s.weight);

/** Files cases and plans their lifecycle with realistic durations (DESIGN §3.3). */
export class CaseGenerator {
  private count = 0;

  constructor(
    private readonly places: Places,
    private readonly rng: Rng,
    private readonly idBase: string,
  ) {}

  /** A new case reported at `t`. */
  create(t: number, seed: CaseSeed = {}): SimCase {
    const rng = this.rng;
    const found = seed.category === undefined ? undefined : findCategory(seed.category);
    const sub: CaseSubclass = found?.sub ?? rng.weighted(CASE_SUBCLASSES, SUB_WEIGHTS);
    const component = sub.code.startsWith('BJ');
    const channel =
      seed.channel ??
      (sub.emergency
        ? rng.weighted<CaseChannel>(['hotline', 'resident', 'patrol'], [0.7, 0.2, 0.1])
        : rng.weighted<CaseChannel>(
            ['hotline', 'patrol', 'resident'],
            component ? [0.25, 0.55, 0.2] : [0.45, 0.25, 0.3],
          ));
    const urgency =
      seed.urgency ??
      (sub.emergency
        ? rng.chance(0.8)
          ? 'urgent'
          : 'help'
        : rng.weighted<Urgency>(
            ['normal', 'complaint', 'help', 'urgent'],
            [0.55, channel === 'patrol' ? 0 : 0.25, 0.15, 0.05],
          ));
    const place = this.places.pick(rng, seed.area);
    // POI names often carry the community's name already ("枫林社区1号停车场").
    const where = place.label.startsWith(place.community) ? place.label : `${place.community}${place.label}`;
    const title = `${rng.pick(TITLE_PREFIX[channel])}${where}${rng.pick(NEAR)}${rng.pick(sub.phrases)}`;
    this.count++;
    return {
      id: `${this.idBase}-c${this.count.toString(36)}`,
      category: sub.code,
      channel,
      urgency,
      title,
      place,
      steps: this.plan(t, urgency),
      next: 0,
    };
  }

  /** The lifecycle: reported → assigned → in_progress → resolved → closed, with the side transitions. */
  private plan(t0: number, urgency: Urgency): { t: number; status: CaseStatus }[] {
    const rng = this.rng;
    const urgent = urgency === 'urgent';
    const steps: { t: number; status: CaseStatus }[] = [{ t: t0, status: 'reported' }];
    let t = t0;
    const push = (at: number, status: CaseStatus): void => {
      // Strictly after the previous step, at least a minute later, on whole milliseconds.
      t = Math.max(Math.round(at), t + MINUTE_MS);
      steps.push({ t, status });
    };
    const minutes = (lo: number, hi: number): number => rng.range(lo, hi) * MINUTE_MS;
    const office = (at: number): number => (urgent ? at : nextOfficeTime(at, rng));

    push(office(t + (urgent ? minutes(2, 15) : minutes(5, 60))), 'assigned');
    if (rng.chance(0.06)) {
      push(t + minutes(10, 90), 'returned');
      push(office(t + minutes(10, 60)), 'assigned');
    }
    push(t + (urgent ? minutes(10, 40) : minutes(15, 180)), 'in_progress');

    const sla = CASE_SLA_HOURS[urgency] * HOUR_MS;
    const overdue = rng.chance(urgent ? 0.25 : 0.12);
    const resolveAt = overdue ? t0 + sla * rng.range(1.1, 2) : t + Math.max(0, t0 + sla - t) * rng.range(0.05, 0.8);
    if (!urgent && rng.chance(0.08)) push(t + (resolveAt - t) * rng.range(0.3, 0.6), 'extended');
    if (overdue) push(t0 + sla + minutes(30, 240), 'supervised');
    push(resolveAt, 'resolved');
    if (rng.chance(0.04)) {
      push(t + minutes(120, 1440), 'reopened');
      push(t + minutes(30, 120), 'in_progress');
      push(t + minutes(120, 1440), 'resolved');
    }
    push(t + minutes(120, 2880), 'closed');
    return steps;
  }
}

/** The next moment inside office hours (08:30–18:00 local) at or after `t`, plus a short pick-up delay. */
function nextOfficeTime(t: number, rng: Rng): number {
  const h = localHour(t);
  if (h >= 8.5 && h < 18) return t;
  const wait = h < 8.5 ? 8.5 - h : 24 - h + 8.5;
  return t + wait * HOUR_MS + rng.range(0, 40) * MINUTE_MS;
}
