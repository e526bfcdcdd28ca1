import {
  alertListRequestSchema,
  auditQuerySchema,
  canAct,
  caseStatusKind,
  dutyActionBodySchemas,
  inJurisdiction,
  type AckResult,
  type AlertChangeType,
  type AlertDetail,
  type AlertNotification,
  type AlertView,
  type ApiError,
  type AuditEntry,
  type CaseEvent,
  type CaseView,
  type DutyAction,
  type DutyActionResult,
  type DutyKpis,
  type IngestEvent,
  type Principal,
  type Silence,
} from '../../protocol';
import type { AlertChange, AlertEngine } from '../alerts/alert-engine';
import type { AlertInputs } from '../alerts/alert-inputs';
import type { AlertRule } from '../alerts/rule.schema';
import { feedOfRule } from '../alerts/alert-track';
import type { Clock } from '../pipeline/clock';
import { zodError } from './duty-errors';
import { planAction, type ActionBody, type PlanContext } from './duty-actions';
import { KPI_WINDOW_MS, KpiBook, type KpiEvent } from './duty-kpis';
import type { DutyStore, StoredAction } from './duty-store';
import { dispatchCaseEvent, dispatchCaseId } from './dispatch-case';

/** Where alert news goes: the hub sends each to the clients whose jurisdiction contains the alert. */
export interface DutyNotifier {
  alert(n: AlertNotification): void;
  /** An audit row was written about `alert`. */
  actioned(entry: AuditEntry, alert: AlertView): void;
  /** The KPIs of every jurisdiction containing these grids may have changed. */
  kpisChanged(grids: readonly string[]): void;
}

export interface DutyServiceDeps {
  engine: AlertEngine;
  store: DutyStore;
  clock: Clock;
  /** What the rules evaluate over (the live aggregates). */
  inputs: AlertInputs;
  notifier: DutyNotifier;
  /** Files an event into the live pipeline (a dispatched case); returns why it was refused, if it was. */
  fileCase(event: CaseEvent): string | undefined;
  /** Label point of an area, to place a case dispatched from an alert above grid level. */
  areaCenter(code: string): readonly [number, number] | undefined;
  /** Linked things as they are now, for the alert detail. */
  device(id: string): AlertDetail['devices'][number] | undefined;
  caseView(id: string): CaseView | undefined;
  /** Every engine change (metrics). */
  onChange?(change: AlertChange): void;
  /** An alert was acknowledged or resolved just now (TTA/TTR histograms). */
  onKpi?(event: KpiEvent): void;
  /** A background write failed; the state is written again with the alert's next change. */
  onError?(err: Error): void;
  /**
   * In a multi-street cluster: whether this node owns the alerts of a grid (it aggregates the grid's street).
   * Only those are restored from the shared store and evaluated here. Default: every grid.
   */
  owns?(grid: string): boolean;
}

/** Who acts: the principal (null for the system itself) and the client it acts from (socket id or `http:<ip>`). */
export interface Actor {
  principal: Principal | null;
  name: string;
  client: string;
}

const fail = <T>(error: ApiError): AckResult<T> => ({ ok: false, error });
const ok = <T>(data: T): AckResult<T> => ({ ok: true, data });
const RECENT_LIMIT = 500;
/** Real ms between two evaluations triggered by incoming data (the tick evaluates on its own). */
const EVAL_GAP_MS = 25;
const AUDIT_TRAIL_LIMIT = 1000;

/** Keys sorted, so two spellings of one request compare equal. */
function canonical(value: Record<string, unknown>): string {
  return JSON.stringify(Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined).sort(([a], [b]) => a.localeCompare(b))));
}

/** The fields the duty workflow owns, copied onto the engine's view of an alert. */
function dutyFields(a: AlertView): Partial<AlertView> {
  const keys = ['acknowledged', 'ackBy', 'ackAt', 'ackNote', 'assignee', 'caseId', 'notes', 'resolvedBy', 'resolvedAt'] as const;
  return Object.fromEntries(keys.filter((k) => a[k] !== undefined).map((k) => [k, a[k]]));
}

/**
 * The duty workflow (DESIGN §3.5, §9.1–2, issue #6): the live alert engine's changes persisted and sent to the
 * right clients, and the operators' actions on alerts — validated, checked against role and jurisdiction,
 * idempotent by opId, committed durably before they are answered, then applied to the engine.
 *
 * Every store write goes through one lane, in order: two operators acting at once are decided one after the
 * other (the second sees the first's result and is told "already acknowledged by X at T").
 */
export class DutyService {
  /** Resolves once the engine holds the stored alerts again; until then nothing is evaluated. */
  readonly ready: Promise<void>;
  private restored = false;
  private closed = false;
  private lane: Promise<unknown> = Promise.resolve();
  private soon: NodeJS.Immediate | undefined;
  private cooldown: NodeJS.Timeout | undefined;
  /** Data came in during the cooldown: evaluate when it ends. */
  private again = false;
  private readonly book = new KpiBook();
  private lastPrune = -Infinity;
  /** Dispatched case id → alert id, for closing the alert when its case closes. */
  private readonly caseLinks = new Map<string, string>();

  constructor(private readonly deps: DutyServiceDeps) {
    this.ready = this.enqueue(() => this.restore());
  }

  /** Evaluates the rules at `now` and sends every change at once (alerts skip the tick, DESIGN §2). */
  evaluate(now = this.deps.clock.now()): void {
    if (!this.restored || this.closed) return;
    if (now - this.lastPrune >= 60_000) {
      this.lastPrune = now;
      this.book.prune(now);
    }
    this.publishChanges(this.deps.engine.evaluate(now, this.deps.inputs), now);
  }

  /**
   * Replaces the rules and silences without a restart (a reloaded rules file): alerts of removed or changed
   * rules are resolved by `system`, published and saved like any other change; the new rules are evaluated at once.
   */
  applyRules(rules: readonly AlertRule[], silences: readonly Silence[], now = this.deps.clock.now()): void {
    this.deps.engine.setSilences(silences);
    this.publishChanges(this.deps.engine.setRules(rules), now);
    this.evaluate(now);
  }

  private publishChanges(changes: readonly AlertChange[], now: number): void {
    if (changes.length === 0) return;
    const views = changes.map((c) => {
      this.deps.onChange?.(c);
      return this.publish(c.type, c.alert, c.notify, now);
    });
    this.deps.notifier.kpisChanged(views.map((v) => v.subject.grid));
    // Written in turn with the actions: what is saved is the alert as it is then (an action committed meanwhile
    // must not be overwritten by this older view); one an action resolved meanwhile was saved by that action.
    const current = () => views.flatMap((v) => this.deps.engine.get(v.id) ?? (v.resolvedAt !== undefined ? [v] : []));
    void this.enqueue(() => this.deps.store.saveAlerts(current())).catch((err: unknown) => this.deps.onError?.(err as Error));
  }

  /**
   * Evaluates once the current batch of work is done, so a new critical alert goes out at once, not at the next
   * tick. Under a stream of batches it runs at most once per EVAL_GAP_MS (an evaluation costs ~0.6 ms with the
   * shipped rules on the built-in district; one per batch would grow with the batch rate).
   */
  evaluateSoon(): void {
    if (this.closed) return;
    if (this.soon || this.cooldown) {
      this.again = true;
      return;
    }
    this.soon = setImmediate(() => {
      this.soon = undefined;
      this.evaluate();
      this.cooldown = setTimeout(() => {
        this.cooldown = undefined;
        if (!this.again) return;
        this.again = false;
        this.evaluateSoon();
      }, EVAL_GAP_MS);
    });
  }

  /** Pipeline tap: a dispatched case that closes resolves its alert (from any feed); new data may raise alerts. */
  onAccepted(events: readonly IngestEvent[]): void {
    for (const e of events) {
      if (e.kind !== 'case.updated' || caseStatusKind(e.status) !== 'closed' || !this.caseLinks.has(e.caseId)) continue;
      void this.closeForCase(e.caseId, e.status);
    }
    this.evaluateSoon();
  }

  /** One duty action from a client: `body` is the raw request body (validated here). */
  async act(action: DutyAction, alertId: string, body: unknown, who: { principal: Principal; client: string }): Promise<AckResult<DutyActionResult>> {
    const { principal } = who;
    if (!canAct(principal.role))
      return fail({
        code: 'forbidden',
        message: principal.anonymous
          ? 'anonymous access is read-only: log in as a duty officer to act on alerts'
          : `role ${principal.role} may not act on alerts (duty and admin may)`,
      });
    const parsed = dutyActionBodySchemas[action].safeParse(body);
    if (!parsed.success) return fail(zodError(parsed.error.issues, `alert:${action}`));
    return this.perform(action, alertId, parsed.data as ActionBody, { principal, name: principal.name, client: who.client });
  }

  /** The live queue (and, with `recent`, what was resolved in the last 24 h) in the principal's jurisdiction. */
  async list(principal: Principal, req: unknown): Promise<AckResult<{ alerts: AlertView[]; kpis: DutyKpis }>> {
    const parsed = alertListRequestSchema.safeParse(req ?? {});
    if (!parsed.success) return fail(zodError(parsed.error.issues, 'alert:list'));
    const mine = (a: AlertView) => inJurisdiction(principal, a.subject.grid);
    const alerts = this.deps.engine.alerts().filter(mine);
    if (parsed.data.include === 'recent') {
      const live = new Set(alerts.map((a) => a.id));
      const since = this.deps.clock.now() - KPI_WINDOW_MS;
      for (const a of await this.deps.store.resolvedSince(since, RECENT_LIMIT)) if (mine(a) && !live.has(a.id)) alerts.push(a);
    }
    return ok({ alerts, kpis: this.kpis(principal.area) });
  }

  /** One alert with its audit trail (oldest first) and its linked devices and cases as they are now. */
  async detail(principal: Principal, alertId: string): Promise<AckResult<AlertDetail>> {
    const found = await this.find(alertId, principal);
    if (!found.ok) return found;
    const alert = found.data;
    const audit = (await this.deps.store.audit({ alertId, limit: AUDIT_TRAIL_LIMIT })).reverse();
    const mine = (grid: string) => inJurisdiction(principal, grid);
    const deviceIds = new Set([...(alert.subject.type === 'device' ? [alert.subject.id] : []), ...alert.links.devices]);
    const devices = [...deviceIds].map((id) => this.deps.device(id)).filter((d): d is AlertDetail['devices'][number] => !!d && mine(d.grid));
    const caseIds = new Set([...(alert.subject.type === 'case' ? [alert.subject.id] : []), ...alert.links.cases, ...(alert.caseId ? [alert.caseId] : [])]);
    const cases: AlertDetail['cases'] = [];
    for (const id of caseIds) {
      const c = this.deps.caseView(id);
      if (!c || !mine(c.grid)) continue;
      cases.push({ caseId: c.id, status: c.status, category: c.category, ...(c.title ? { title: c.title } : {}), grid: c.grid, overdue: c.state === 'overdue' });
    }
    return ok({ alert, audit, devices, cases });
  }

  /** Audit rows (newest first) of alerts in the principal's jurisdiction; duty officers and admins only. */
  async audit(principal: Principal, query: unknown): Promise<AckResult<AuditEntry[]>> {
    if (!canAct(principal.role)) return fail({ code: 'forbidden', message: `the audit log is for duty officers and admins, not role ${principal.role}` });
    const parsed = auditQuerySchema.safeParse(query ?? {});
    if (!parsed.success) return fail(zodError(parsed.error.issues, 'audit query'));
    return ok(await this.deps.store.audit({ ...parsed.data, area: principal.area }));
  }

  /** TTA/TTR and open alerts of one jurisdiction, now. */
  kpis(area: string): DutyKpis {
    return this.book.compute(area, this.deps.clock.now());
  }

  /**
   * The KPIs of one jurisdiction from the store rather than this node's book: in a multi-street cluster each
   * node's book follows only its own streets' alerts, the shared store has every node's.
   */
  async storedKpis(area: string): Promise<DutyKpis> {
    const now = this.deps.clock.now();
    const book = new KpiBook();
    book.load(await this.deps.store.kpiInputs(now - KPI_WINDOW_MS));
    return book.compute(area, now);
  }

  /** The alert as this node's engine holds it, else as the store has it. */
  async subject(alertId: string): Promise<AlertView | undefined> {
    return this.deps.engine.get(alertId) ?? (await this.deps.store.getAlert(alertId));
  }

  /** Whether this node's engine holds the live alert `alertId` (its actions are decided here). */
  holds(alertId: string): boolean {
    return this.deps.engine.get(alertId) !== undefined;
  }

  /** Stops evaluating and waits for every queued write. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.soon) clearImmediate(this.soon);
    if (this.cooldown) clearTimeout(this.cooldown);
    this.soon = undefined;
    this.cooldown = undefined;
    await this.lane.catch(() => undefined);
  }

  /** Runs `work` after every write queued before it; the lane goes on whatever `work` comes to. */
  private enqueue<T>(work: () => Promise<T>): Promise<T> {
    const run = this.lane.then(work);
    this.lane = run.catch(() => undefined);
    return run;
  }

  /**
   * Takes the alerts over from the shared store (a cluster node that became their owner, DESIGN §7): the engine
   * forgets what it held and restores what the store says is open now, in turn with any action in flight.
   */
  reload(): Promise<void> {
    return this.enqueue(async () => {
      const { engine } = this.deps;
      // Nothing is evaluated until the stored alerts are back: an engine emptied for the reload would raise
      // again, as new, the alerts the store holds.
      this.restored = false;
      const rules = engine.rules;
      engine.setRules([]);
      engine.setRules(rules);
      this.caseLinks.clear();
      await this.restore();
    });
  }

  private async restore(): Promise<void> {
    const { store, engine, clock } = this.deps;
    const owns = this.deps.owns;
    const open = owns ? (await store.openAlerts()).filter((a) => owns(a.subject.grid)) : await store.openAlerts();
    engine.restore(open);
    const now = clock.now();
    // Alerts of rules that are gone (the rules file changed while we were down) are resolved, as setRules does.
    const orphans = open.filter((a) => !engine.get(a.id)).map((a) => ({ ...a, resolvedBy: a.resolvedBy ?? 'system', resolvedAt: now }));
    await store.saveAlerts(orphans);
    this.book.load(await store.kpiInputs(now - KPI_WINDOW_MS));
    for (const a of orphans) this.book.note(a);
    for (const a of engine.alerts()) if (a.caseId) this.caseLinks.set(a.caseId, a.id);
    this.restored = true;
    // A linked case that closed while we were down resolves its alert now.
    for (const caseId of this.caseLinks.keys()) {
      const c = this.deps.caseView(caseId);
      if (c && caseStatusKind(c.status) === 'closed') void this.closeForCase(caseId, c.status);
    }
  }

  private async closeForCase(caseId: string, status: string): Promise<void> {
    const alertId = this.caseLinks.get(caseId);
    if (!alertId) return;
    const body: ActionBody = { opId: `case-closed:${caseId}`, note: `case ${caseId} ${status}` };
    const result = await this.perform('resolve', alertId, body, { principal: null, name: 'system', client: 'system' });
    if (result.ok || result.error.code === 'conflict') this.caseLinks.delete(caseId);
    else this.deps.onError?.(new Error(`resolving alert ${alertId} for case ${caseId}: ${result.error.message}`));
  }

  /** The alert (live or stored) if it exists and lies in the principal's jurisdiction. */
  private async find(alertId: string, principal: Principal | null): Promise<AckResult<AlertView>> {
    const alert = this.deps.engine.get(alertId) ?? (await this.deps.store.getAlert(alertId));
    if (!alert) return fail({ code: 'not_found', message: `no alert ${alertId}`, path: 'alertId' });
    if (principal && !inJurisdiction(principal, alert.subject.grid))
      return fail({ code: 'forbidden', message: `alert ${alertId} is outside your jurisdiction (${principal.area})`, path: 'alertId' });
    return ok(alert);
  }

  private perform(action: DutyAction, alertId: string, body: ActionBody, who: Actor): Promise<AckResult<DutyActionResult>> {
    return this.enqueue(async () => {
      const { store, clock } = this.deps;
      const request = canonical({ ...body, action, alertId, actor: who.name });
      const prior = await store.findAction(body.opId);
      if (prior) return this.replay(prior, request, who);
      const found = await this.find(alertId, who.principal);
      if (!found.ok) return found;
      const alert = found.data;
      const at = clock.now();
      const ctx: PlanContext = { actor: who.name, at };
      if (action === 'dispatch') {
        if (alert.caseId) {
          const row = (await store.audit({ alertId, limit: AUDIT_TRAIL_LIMIT })).find((e) => e.action === 'dispatch');
          if (row) ctx.dispatched = { by: row.actor, at: row.at };
        } else ctx.caseId = dispatchCaseId(body.opId);
      }
      const plan = planAction(action, alert, body, ctx);
      if (!plan.ok) return plan;
      if (action === 'dispatch') {
        const refused = this.fileCase(alert, body, at);
        if (refused) return fail({ code: 'internal', message: `could not file the case: ${refused}` });
      }
      const entry = { opId: body.opId, alertId, action, actor: who.name, client: who.client, at, ...plan.audit };
      let committed;
      try {
        committed = await store.commitAction({ opId: body.opId, alertId, action, request, entry, alert: plan.after });
      } catch (err) {
        if (plan.after.caseId !== alert.caseId) this.caseLinks.delete(plan.after.caseId!);
        return fail({ code: 'internal', message: `the action was not recorded: ${(err as Error).message}` });
      }
      if (committed.replayed) return this.replay(committed.action, request, who);
      await this.apply(action, alert, plan.after, committed.action.entry, body);
      return ok({ alert: plan.after, entry: committed.action.entry, replayed: false });
    });
  }

  /** The same opId again: the first answer (no second effect), or a conflict if it was another request. */
  private replay(prior: StoredAction, request: string, who: Actor): AckResult<DutyActionResult> {
    if (who.principal && !inJurisdiction(who.principal, prior.alert.subject.grid))
      return fail({ code: 'forbidden', message: `opId ${prior.opId} belongs to an action outside your jurisdiction`, path: 'opId' });
    if (prior.request !== request)
      return fail({
        code: 'conflict',
        message: `opId ${prior.opId} was already used for another request (${prior.action} by ${prior.entry.actor} at ${new Date(prior.entry.at).toISOString()})`,
        path: 'opId',
        conflict: { action: prior.action, by: prior.entry.actor, at: prior.entry.at },
      });
    return ok({ alert: prior.alert, entry: prior.entry, replayed: true });
  }

  private fileCase(alert: AlertView, body: ActionBody, at: number): string | undefined {
    const rule = this.deps.engine.rules.find((r) => r.id === alert.ruleId);
    const event = dispatchCaseEvent({
      alert,
      opId: body.opId,
      at,
      feed: rule ? feedOfRule(rule) : null,
      category: body.category,
      urgency: body.urgency,
      subjectCaseCategory: alert.subject.type === 'case' ? this.deps.caseView(alert.subject.id)?.category : undefined,
      areaCenter: this.deps.areaCenter(alert.subject.grid),
    });
    const refused = this.deps.fileCase(event);
    if (!refused) this.caseLinks.set(event.caseId, alert.id);
    return refused;
  }

  /** After the commit: the engine takes the change, and the alert's clients hear of it. */
  private async apply(action: DutyAction, before: AlertView, after: AlertView, entry: AuditEntry, body: ActionBody): Promise<void> {
    const { engine, clock } = this.deps;
    let change;
    switch (action) {
      case 'ack': {
        const r = engine.acknowledge(after.id, entry.actor, body.note || undefined, entry.at);
        change = r.ok ? r.changes[0] : undefined;
        break;
      }
      case 'resolve':
        change = engine.resolve(after.id, entry.actor, entry.at);
        break;
      default:
        change = engine.annotate(after.id, { assignee: after.assignee, caseId: after.caseId, notes: after.notes });
    }
    const resolvedNow = change?.type === 'resolved' || (after.resolvedAt !== undefined && before.resolvedAt === undefined);
    const type: AlertChangeType = resolvedNow ? 'resolved' : 'updated';
    // The engine may have moved the alert on while the commit ran (a re-trigger, a clear): its view, with the duty
    // fields; an acknowledgement that found the alert cleared by then resolved it.
    let shown = change ? { ...change.alert, ...dutyFields(after) } : after;
    if (resolvedNow && shown.resolvedAt === undefined) shown = { ...shown, resolvedBy: entry.actor, resolvedAt: entry.at };
    if (JSON.stringify(shown) !== JSON.stringify(after)) {
      await this.deps.store.saveAlerts([shown]).catch((err: unknown) => this.deps.onError?.(err as Error));
    }
    const now = clock.now();
    this.publish(type, shown, false, now);
    this.deps.notifier.actioned(entry, shown);
    this.deps.notifier.kpisChanged([shown.subject.grid]);
    if (type === 'resolved') for (const [caseId, id] of this.caseLinks) if (id === after.id) this.caseLinks.delete(caseId);
  }

  private publish(change: AlertChangeType, alert: AlertView, notify: boolean, now: number): AlertView {
    const view = change === 'resolved' && alert.resolvedAt === undefined ? { ...alert, resolvedBy: 'system', resolvedAt: now } : alert;
    const event = this.book.note(view);
    if (event.ttaMs !== undefined || event.ttrMs !== undefined) this.deps.onKpi?.(event);
    this.deps.notifier.alert({ change, alert: view, notify, time: now });
    return view;
  }
}
