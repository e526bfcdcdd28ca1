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
  countedReport: { at: number; channel: CaseChannel; lineage: Int32Array } | undefined;
  countedClose: { at: number; ms: number; inSla: boolean; lineage: Int32Array } | undefined;
  /** Closed long enough ago to have left the map layer. */
  offLayer: boolean;
  /** Deadline last pushed on the heap (each deadline is queued once). */
  queuedDeadline: number;
  /** The inputs the deadline was computed from (recomputed only when they change). */
  deadlineKey: string;
}

/** A case as a snapshot keeps it: lineages become grid codes. */
export type CaseSnapshot = Omit<CaseRecord, 'lineage' | 'extensions' | 'countedReport' | 'countedClose' | 'queuedDeadline'> & {
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
  private readonly openByClass = new Map<number, Map<string, number>>();
  private readonly deadlines = new MinHeap<CaseRecord>();
  private readonly dirtyAreas = new DirtyKeys();
  private readonly dirtyCases = new Set<string>();
  /** Grid of each lineage seen (lineages are interned per grid by the registry), for snapshots. */
  private readonly gridByLineage = new WeakMap<Int32Array, string>();
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
        deadlineKey: '',
        offLayer: false,
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
        c.category = e.category;
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
    const deadlineKey = `${c.reportAt}|${c.urgency}|${c.category}|${c.extensions.size}`;
    if (deadlineKey !== c.deadlineKey) {
      c.deadline = this.deadlineOf(c);
      c.deadlineKey = deadlineKey;
    }
    this.recount(c);
    this.refresh(c, now);
    this.dirtyCases.add(c.id);
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
          this.dirtyCases.delete(c.id);
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
    const m = this.openByClass.get(areaKey);
    if (!m) return [];
    return [...m]
      .filter(([, n]) => n > 0)
      .map(([category, open]) => ({ category, open }))
      .sort((a, b) => b.open - a.open || a.category.localeCompare(b.category));
  }

  takeDirty(): number[] {
    return this.dirtyAreas.take();
  }

  /** Case ids changed since the last call, and ids that left the map layer. */
  takeDirtyCases(): { changed: string[]; removed: string[] } {
    const out = { changed: [...this.dirtyCases], removed: [...this.removedCases] };
    this.dirtyCases.clear();
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
      const { lineage: _l, extensions, countedReport, countedClose, ...rest } = c;
      cases.push({
        ...rest,
        extensions: [...extensions],
        countedReport: countedReport && { at: countedReport.at, channel: countedReport.channel, grid: this.gridOfLineage(c, countedReport.lineage) },
        countedClose: countedClose && { at: countedClose.at, ms: countedClose.ms, inSla: countedClose.inSla, grid: this.gridOfLineage(c, countedClose.lineage) },
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
      const counted = (x: { grid: string } | undefined) => (x ? (lineageOf(x.grid) ?? lineage) : lineage);
      const c: CaseRecord = {
        ...snap,
        lineage,
        extensions: new Set(snap.extensions),
        countedReport: snap.countedReport && { at: snap.countedReport.at, channel: snap.countedReport.channel, lineage: counted(snap.countedReport) },
        countedClose: snap.countedClose && { ...snap.countedClose, lineage: counted(snap.countedClose) },
        queuedDeadline: Number.NaN,
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
    this.dirtyCases.clear();
  }

  /** The grid a counted contribution was made in (its lineage's last key is the grid when unchanged). */
  private gridOfLineage(c: CaseRecord, lineage: Int32Array): string {
    return lineage === c.lineage ? c.grid : (this.gridByLineage.get(lineage) ?? c.grid);
  }

  private deadlineOf(c: CaseRecord): number {
    let deadline = slaDeadline(this.policy, c.reportAt, c.urgency, c.category);
    // 延期: each extension grants the case's SLA again from the current deadline.
    for (let i = 0; i < c.extensions.size; i++) {
      deadline = slaDeadline(this.policy, deadline, c.urgency === 'urgent' ? 'help' : c.urgency, c.category);
    }
    return deadline;
  }

  /** Re-derives what the case contributes to the windows; moves it when a late event changed the times. */
  private recount(c: CaseRecord): void {
    const w = this.windows;
    this.gridByLineage.set(c.lineage, c.grid);
    const report = c.reportSeen ? { at: c.reportAt, channel: c.channel, lineage: c.lineage } : undefined;
    const prevReport = c.countedReport;
    if (prevReport?.at !== report?.at || prevReport?.channel !== report?.channel || prevReport?.lineage !== report?.lineage) {
      if (prevReport) this.addReport(prevReport, -1);
      if (report) this.addReport(report, 1);
      c.countedReport = report;
    }
    const close =
      c.closeAt === undefined
        ? undefined
        : { at: c.closeAt, ms: Math.max(0, c.closeAt - c.reportAt), inSla: c.closeAt <= c.deadline, lineage: c.lineage };
    const prev = c.countedClose;
    if (prev?.at !== close?.at || prev?.ms !== close?.ms || prev?.inSla !== close?.inSla || prev?.lineage !== close?.lineage) {
      for (const [entry, sign] of [
        [prev, -1],
        [close, 1],
      ] as const) {
        if (!entry) continue;
        for (let i = 0; i < entry.lineage.length; i++) {
          const key = entry.lineage[i]!;
          w.add(key, M.casesClosed, entry.at, sign);
          w.add(key, M.closeMs, entry.at, sign * entry.ms);
          if (entry.inSla) w.add(key, M.closedInSla, entry.at, sign);
          this.dirtyAreas.add(key);
        }
      }
      c.countedClose = close;
    }
  }

  private addReport(r: { at: number; channel: CaseChannel; lineage: Int32Array }, sign: number): void {
    const { at, lineage } = r;
    const source = M.casesBySource + CASE_CHANNEL_INDEX[r.channel];
    for (let i = 0; i < lineage.length; i++) {
      const key = lineage[i]!;
      this.windows.add(key, M.casesNew, at, sign);
      this.windows.add(key, source, at, sign);
      this.dirtyAreas.add(key);
    }
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
    const cls = categoryClass(c.category);
    for (let i = 0; i < c.lineage.length; i++) {
      const key = c.lineage[i]!;
      if (key * 3 + s >= this.stateCounts.length) {
        const next = new Int32Array(Math.max((key + 1) * 3, this.stateCounts.length * 2));
        next.set(this.stateCounts);
        this.stateCounts = next;
      }
      this.stateCounts[key * 3 + s]! += delta;
      if (state !== 'closed') {
        let m = this.openByClass.get(key);
        if (!m) this.openByClass.set(key, (m = new Map()));
        m.set(cls, (m.get(cls) ?? 0) + delta);
      }
      this.dirtyAreas.add(key);
    }
  }
}
