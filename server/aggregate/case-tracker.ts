import { caseStatusKind, type CaseChannel, type CaseEvent, type CaseStatus, type CaseView, type Urgency } from '../../protocol';
import { DirtyKeys } from './dirty-keys';
import { CASE_CHANNEL_INDEX, M } from './measures';
import { MinHeap } from './min-heap';
import type { MultiWindow } from './multi-window';
import { DEFAULT_SLA, slaDeadline, type SlaPolicy } from './sla';

/** Extensions that each grant the SLA again; later ones are ignored. */
export const MAX_EXTENSIONS = 3;

/** Where a case stands for the KPIs: open (within SLA), overdue, or closed. */
export type CaseState = 'open' | 'overdue' | 'closed';
const STATE_INDEX: Readonly<Record<CaseState, number>> = { open: 0, overdue: 1, closed: 2 };

export interface CaseRecord {
  id: string;
  grid: string;
  lon: number;
  lat: number;
  title: string | undefined;
  status: CaseStatus;
  category: string;
  channel: CaseChannel;
  urgency: Urgency;
  lineage: Int32Array;
  /** Newest event (time, id): the case's status follows it, whatever the arrival order. */
  lastTime: number;
  lastEventId: string;
  /** Earliest `reported` event; the first event's time when none was seen. */
  reportAt: number;
  reportSeen: boolean;
  /** Earliest move to resolved/closed (the first closure counts; a reopen does not undo it). */
  closeAt: number | undefined;
  extensions: Set<string>;
  deadline: number;
  state: CaseState;
  /** What this case has added to the windows, so a late event can move it exactly. */
  countedReport: CountedReport | undefined;
  countedClose: CountedClose | undefined;
  /** Closed long enough ago to have left the map layer. */
  offLayer: boolean;
  /** categoryClass(category), kept with it (derived). */
  cls: string;
  /** In the dirty list since the last take (derived). */
  dirty: boolean;
  /** Deadline last pushed on the heap (each deadline is queued once). */
  queuedDeadline: number;
  /** The inputs the deadline was computed from (recomputed only when they change; NaN: never computed). */
  deadlineReportAt: number;
  deadlineUrgency: Urgency | undefined;
  deadlineCategory: string;
  deadlineExtensions: number;
}

interface CountedReport {
  readonly at: number;
  readonly channel: CaseChannel;
  readonly lineage: Int32Array;
  readonly grid: string;
}

interface CountedClose {
  readonly at: number;
  readonly ms: number;
  readonly inSla: boolean;
  readonly lineage: Int32Array;
  readonly grid: string;
}

/** A case as a snapshot keeps it: lineages become grid codes. */
export type CaseSnapshot = Omit<CaseRecord, 'lineage' | 'extensions' | 'countedReport' | 'countedClose' | 'queuedDeadline' | 'cls' | 'dirty'> & {
  extensions: string[];
  countedReport: { at: number; channel: CaseChannel; grid: string } | undefined;
  countedClose: { at: number; ms: number; inSla: boolean; grid: string } | undefined;
};

/** The class of a category code (e.g. BJ0112 → BJ01): what "by category" rolls up to. */
export function categoryClass(category: string): string {
  return category.length > 4 ? category.slice(0, 4) : category;
}

/**
 * The case lifecycle as aggregates (DESIGN §3.3): open / overdue / closed counts per area (current state),
 * and into the windows: new, closed, time to close, SLA compliance, new by source. Overdue is decided on the
 * injected clock through a deadline heap, never by rescanning every case.
 */
export class CaseTracker {
  private readonly cases = new Map<string, CaseRecord>();
  /** stateCounts[areaKey * 3 + state] */
  private stateCounts = new Int32Array(64 * 3);
  /** Open (incl. overdue) cases per area key and category class. */
  private readonly openByClass = new Map<string, Int32Array>();
  /** Scratch slots for the windows (a case's report and close times are rarely the current bucket). */
  private readonly slots = new Int32Array(4);
  private readonly deadlines = new MinHeap<CaseRecord>();
  private readonly dirtyAreas = new DirtyKeys();
  /** Cases changed since the last take (each once: see CaseRecord.dirty). */
  private dirtyCases: CaseRecord[] = [];
  private readonly removedCases = new Set<string>();
  /** Closed cases still shown on the map (closed within `showClosedMs`), to notice when they leave it. */
  private lastLayerCheck = -Infinity;
  private lastEviction = -Infinity;

  constructor(
    private readonly windows: MultiWindow,
    private readonly policy: SlaPolicy = DEFAULT_SLA,
    /** Closed cases are forgotten this long after closing (a reopen after that starts a new record). */
    private readonly keepClosedMs = 7 * 86_400_000,
    /** Label point of a grid, for cases reported without a location. */
    private readonly centerOf: (grid: string) => [number, number] | undefined = () => undefined,
    /** Closed cases stay on the map layer this long after closing. */
    private readonly showClosedMs = 86_400_000,
  ) {}

  get size(): number {
    return this.cases.size;
  }

  observe(e: CaseEvent, grid: string, lineage: Int32Array, time: number, now: number): void {
    let c = this.cases.get(e.caseId);
    if (!c) {
      const [lon, lat] = e.lon !== undefined && e.lat !== undefined ? [e.lon, e.lat] : (this.centerOf(grid) ?? [0, 0]);
      c = {
        id: e.caseId,
        grid,
        lon,
        lat,
        title: e.title,
        status: e.status,
        category: e.category,
        channel: e.channel,
        urgency: e.urgency,
        lineage,
        lastTime: time,
        lastEventId: e.id,
        reportAt: time,
        reportSeen: e.status === 'reported',
        closeAt: undefined,
        extensions: new Set(),
        deadline: 0,
        state: 'open',
        countedReport: undefined,
        countedClose: undefined,
        queuedDeadline: Number.NaN,
        deadlineReportAt: Number.NaN,
        deadlineUrgency: undefined,
        deadlineCategory: '',
        deadlineExtensions: 0,
        offLayer: false,
        cls: categoryClass(e.category),
        dirty: false,
      };
      this.cases.set(c.id, c);
      this.bump(c, c.state, 1);
    } else {
      if (e.status === 'reported' && (!c.reportSeen || time < c.reportAt)) {
        c.reportAt = c.reportSeen ? Math.min(c.reportAt, time) : time;
        c.reportSeen = true;
      } else if (!c.reportSeen && time < c.reportAt) {
        c.reportAt = time;
      }
      if (time > c.lastTime || (time === c.lastTime && e.id > c.lastEventId)) {
        const moves = lineage !== c.lineage || e.category !== c.category;
        if (moves) this.bump(c, c.state, -1);
        c.status = e.status;
        if (e.category !== c.category) {
          c.category = e.category;
          c.cls = categoryClass(e.category);
        }
        c.urgency = e.urgency;
        c.channel = e.channel;
        c.lineage = lineage;
        c.lastTime = time;
        c.lastEventId = e.id;
        if (grid !== c.grid) {
          c.grid = grid;
          [c.lon, c.lat] = e.lon !== undefined && e.lat !== undefined ? [e.lon, e.lat] : (this.centerOf(grid) ?? [c.lon, c.lat]);
        } else if (e.lon !== undefined && e.lat !== undefined) {
          c.lon = e.lon;
          c.lat = e.lat;
        }
        if (e.title) c.title = e.title;
        if (moves) this.bump(c, c.state, 1);
      }
    }
    // 延期 is granted a few times at most; more extension events change nothing (and cannot grow memory).
    if (e.status === 'extended' && c.extensions.size < MAX_EXTENSIONS) c.extensions.add(e.id);
    if (caseStatusKind(e.status) === 'closed' && (c.closeAt === undefined || time < c.closeAt)) c.closeAt = time;
    if (
      c.reportAt !== c.deadlineReportAt ||
      c.urgency !== c.deadlineUrgency ||
      c.category !== c.deadlineCategory ||
      c.extensions.size !== c.deadlineExtensions
    ) {
      c.deadline = this.deadlineOf(c);
      c.deadlineReportAt = c.reportAt;
      c.deadlineUrgency = c.urgency;
      c.deadlineCategory = c.category;
      c.deadlineExtensions = c.extensions.size;
    }
    this.recount(c);
    this.refresh(c, now);
    if (!c.dirty) {
      c.dirty = true;
      this.dirtyCases.push(c);
    }
  }

  /** Moves overdue states to `now` (pops the deadlines that passed) and forgets long-closed cases. */
  advance(now: number): void {
    while ((this.deadlines.peekKey() ?? Infinity) < now) {
      const c = this.deadlines.pop()!;
      if (this.cases.get(c.id) !== c) continue;
      c.queuedDeadline = Number.NaN;
      this.refresh(c, now);
    }
    if (now - this.lastLayerCheck >= 60_000) {
      this.lastLayerCheck = now;
      for (const c of this.cases.values()) {
        if (c.state === 'closed' && c.closeAt !== undefined && now - c.closeAt > this.showClosedMs && !c.offLayer) {
          c.offLayer = true;
          this.removedCases.add(c.id);
          c.dirty = false;
        }
      }
    }
    if (now - this.lastEviction >= 3_600_000) {
      this.lastEviction = now;
      for (const [id, c] of this.cases) {
        if (c.state === 'closed' && c.closeAt !== undefined && now - c.closeAt > this.keepClosedMs) {
          this.bump(c, 'closed', -1);
          this.cases.delete(id);
        }
      }
    }
  }

  counts(areaKey: number): { open: number; overdue: number; closed: number } {
    const i = areaKey * 3;
    const s = this.stateCounts;
    return { open: (s[i] ?? 0) + (s[i + 1] ?? 0), overdue: s[i + 1] ?? 0, closed: s[i + 2] ?? 0 };
  }

  /** Open cases of an area by category class, largest first. */
  openByCategory(areaKey: number): { category: string; open: number }[] {
    const out: { category: string; open: number }[] = [];
    for (const [category, counts] of this.openByClass) {
      const open = counts[areaKey] ?? 0;
      if (open > 0) out.push({ category, open });
    }
    return out.sort((a, b) => b.open - a.open || a.category.localeCompare(b.category));
  }

  takeDirty(): number[] {
    return this.dirtyAreas.take();
  }

  /** Case ids changed since the last call, and ids that left the map layer. */
  takeDirtyCases(): { changed: string[]; removed: string[] } {
    const changed: string[] = [];
    for (const c of this.dirtyCases) {
      if (!c.dirty) continue;
      c.dirty = false;
      if (this.cases.get(c.id) === c) changed.push(c.id);
    }
    this.dirtyCases = [];
    const out = { changed, removed: [...this.removedCases] };
    this.removedCases.clear();
    return out;
  }

  /** The map view of a case, or undefined when it is unknown or off the layer. */
  view(id: string): CaseView | undefined {
    const c = this.cases.get(id);
    if (!c || c.offLayer) return undefined;
    return {
      id: c.id,
      status: c.status,
      state: c.state,
      category: c.category,
      channel: c.channel,
      urgency: c.urgency,
      grid: c.grid,
      lon: c.lon,
      lat: c.lat,
      reportedAt: c.reportAt,
      deadline: c.deadline,
      closedAt: c.closeAt ?? null,
      ...(c.title ? { title: c.title } : {}),
    };
  }

  /** Map views of the cases in `scope` (an area-code prefix, or '*'). */
  views(scope: string): CaseView[] {
    const out: CaseView[] = [];
    for (const c of this.cases.values()) {
      if (c.offLayer || (scope !== '*' && !c.grid.startsWith(scope))) continue;
      out.push(this.view(c.id)!);
    }
    return out;
  }

  /** Every case without lineages (derived), for a snapshot. */
  exportState(): { cases: CaseSnapshot[]; lastEviction: number; lastLayerCheck: number } {
    const cases: CaseSnapshot[] = [];
    for (const c of this.cases.values()) {
      const { lineage: _l, extensions, countedReport, countedClose, cls: _c, dirty: _d, ...rest } = c;
      cases.push({
        ...rest,
        extensions: [...extensions],
        countedReport: countedReport && { at: countedReport.at, channel: countedReport.channel, grid: countedReport.grid },
        countedClose: countedClose && { at: countedClose.at, ms: countedClose.ms, inSla: countedClose.inSla, grid: countedClose.grid },
      });
    }
    return { cases, lastEviction: this.lastEviction, lastLayerCheck: this.lastLayerCheck };
  }

  /**
   * Restores cases from `exportState` into an empty tracker (the windows are restored separately, with the
   * contributions the cases recorded); state counts and the deadline heap are re-derived.
   */
  importState(
    state: { cases: CaseSnapshot[]; lastEviction: number; lastLayerCheck: number },
    lineageOf: (grid: string) => Int32Array | undefined,
  ): void {
    if (this.cases.size > 0) throw new Error('importState needs an empty case tracker');
    for (const snap of state.cases) {
      const lineage = lineageOf(snap.grid);
      if (!lineage) continue;
      const counted = (x: { grid: string }) => {
        const l = lineageOf(x.grid);
        return l ? { lineage: l, grid: x.grid } : { lineage, grid: snap.grid };
      };
      const c: CaseRecord = {
        ...snap,
        lineage,
        extensions: new Set(snap.extensions),
        countedReport: snap.countedReport && { at: snap.countedReport.at, channel: snap.countedReport.channel, ...counted(snap.countedReport) },
        countedClose: snap.countedClose && { at: snap.countedClose.at, ms: snap.countedClose.ms, inSla: snap.countedClose.inSla, ...counted(snap.countedClose) },
        queuedDeadline: Number.NaN,
        cls: categoryClass(snap.category),
        dirty: false,
      };
      this.cases.set(c.id, c);
      this.bump(c, c.state, 1);
      if (c.state === 'open') {
        this.deadlines.push(c.deadline, c);
        c.queuedDeadline = c.deadline;
      }
    }
    this.lastEviction = state.lastEviction;
    this.lastLayerCheck = state.lastLayerCheck;
    this.dirtyAreas.take();
    this.dirtyCases = [];
  }

  private deadlineOf(c: CaseRecord): number {
    let deadline = slaDeadline(this.policy, c.reportAt, c.urgency, c.category);
    // 延期: each extension grants the case's SLA again from the current deadline.
    for (let i = 0; i < c.extensions.size; i++) {
      deadline = slaDeadline(this.policy, deadline, c.urgency === 'urgent' ? 'help' : c.urgency, c.category);
    }
    return deadline;
  }

  /**
   * Re-derives what the case contributes to the windows; moves it when a late event changed the times.
   * Compares field by field and allocates only when a contribution moves (the common event changes none).
   */
  private recount(c: CaseRecord): void {
    const prevReport = c.countedReport;
    if (c.reportSeen) {
      if (!prevReport || prevReport.at !== c.reportAt || prevReport.channel !== c.channel || prevReport.lineage !== c.lineage) {
        if (prevReport) this.addReport(prevReport, -1);
        const report: CountedReport = { at: c.reportAt, channel: c.channel, lineage: c.lineage, grid: c.grid };
        this.addReport(report, 1);
        c.countedReport = report;
      }
    } else if (prevReport) {
      this.addReport(prevReport, -1);
      c.countedReport = undefined;
    }
    const prev = c.countedClose;
    if (c.closeAt !== undefined) {
      const at = c.closeAt;
      const ms = Math.max(0, at - c.reportAt);
      const inSla = at <= c.deadline;
      if (!prev || prev.at !== at || prev.ms !== ms || prev.inSla !== inSla || prev.lineage !== c.lineage) {
        if (prev) this.addClose(prev, -1);
        const close: CountedClose = { at, ms, inSla, lineage: c.lineage, grid: c.grid };
        this.addClose(close, 1);
        c.countedClose = close;
      }
    } else if (prev) {
      this.addClose(prev, -1);
      c.countedClose = undefined;
    }
  }

  private addClose(entry: CountedClose, sign: number): void {
    const w = this.windows;
    const slots = w.slotsFor(entry.at, this.slots);
    w.addKeysAt(slots, entry.lineage, M.casesClosed, sign);
    w.addKeysAt(slots, entry.lineage, M.closeMs, sign * entry.ms);
    if (entry.inSla) w.addKeysAt(slots, entry.lineage, M.closedInSla, sign);
    this.dirtyAreas.addLineage(entry.lineage);
  }

  private addReport(r: CountedReport, sign: number): void {
    const w = this.windows;
    const slots = w.slotsFor(r.at, this.slots);
    w.addKeysAt(slots, r.lineage, M.casesNew, sign);
    w.addKeysAt(slots, r.lineage, M.casesBySource + CASE_CHANNEL_INDEX[r.channel], sign);
    this.dirtyAreas.addLineage(r.lineage);
  }

  private refresh(c: CaseRecord, now: number): void {
    const next: CaseState = caseStatusKind(c.status) === 'closed' ? 'closed' : now > c.deadline ? 'overdue' : 'open';
    if (next === 'open' && c.queuedDeadline !== c.deadline) {
      this.deadlines.push(c.deadline, c);
      c.queuedDeadline = c.deadline;
    }
    if (next === c.state) return;
    this.bump(c, c.state, -1);
    this.bump(c, next, 1);
    c.state = next;
  }

  private bump(c: CaseRecord, state: CaseState, delta: number): void {
    const s = STATE_INDEX[state];
    const lineage = c.lineage;
    let byClass: Int32Array | undefined;
    if (state !== 'closed') {
      const cls = c.cls;
      byClass = this.openByClass.get(cls);
      if (!byClass || byClass.length < this.stateCounts.length / 3) {
        const next = new Int32Array(Math.max(64, this.stateCounts.length / 3));
        if (byClass) next.set(byClass);
        this.openByClass.set(cls, (byClass = next));
      }
    }
    for (let i = 0; i < lineage.length; i++) {
      const key = lineage[i]!;
      if (key * 3 + s >= this.stateCounts.length) {
        const next = new Int32Array(Math.max((key + 1) * 3, this.stateCounts.length * 2));
        next.set(this.stateCounts);
        this.stateCounts = next;
      }
      this.stateCounts[key * 3 + s]! += delta;
      if (byClass) {
        if (key >= byClass.length) {
          const next = new Int32Array(this.stateCounts.length / 3);
          next.set(byClass);
          this.openByClass.set(c.cls, (byClass = next));
        }
        byClass[key]! += delta;
      }
    }
    this.dirtyAreas.addLineage(lineage);
  }
}
