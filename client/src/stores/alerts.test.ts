import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import type {
  AckResult,
  AlertDetail,
  AlertNotification,
  AlertView,
  AuditEntry,
  DutyAction,
  DutyActionResult,
  DutyKpis,
} from '../../../protocol';
import { compareQueue, newOpId, useAlertsStore, type AlertNotificationEvent, type AlertTransport } from './alerts';
import { alertView } from '../features/alerts/alert-fixtures.test-support';

const KPIS: DutyKpis = {
  bySeverity: {
    warning: { raised: 0, acknowledged: 0, resolved: 0, ttaMedianMs: null, ttrMedianMs: null },
    minor: { raised: 0, acknowledged: 0, resolved: 0, ttaMedianMs: null, ttrMedianMs: null },
    major: { raised: 1, acknowledged: 0, resolved: 0, ttaMedianMs: null, ttrMedianMs: null },
    critical: { raised: 2, acknowledged: 1, resolved: 0, ttaMedianMs: 60_000, ttrMedianMs: null },
  },
  open: { warning: 0, minor: 0, major: 1, critical: 2 },
};

type Sent = { action: DutyAction; req: Record<string, unknown> };

/** A transport the test drives by hand: it answers each request from a script, or drops it. */
function fakeTransport() {
  const handlers = {
    connect: new Set<() => void>(),
    disconnect: new Set<() => void>(),
    note: new Set<(e: AlertNotificationEvent, n: AlertNotification) => void>(),
    actioned: new Set<(e: AuditEntry) => void>(),
    kpis: new Set<(k: DutyKpis) => void>(),
  };
  const add =
    <T>(set: Set<T>) =>
    (fn: T) => {
      set.add(fn);
      return () => set.delete(fn);
    };
  const sent: Sent[] = [];
  let lists = 0;
  const state = {
    connected: false,
    alerts: [] as AlertView[],
    /** Answers per action attempt: 'lost' rejects like an ack timeout. */
    answers: [] as (AckResult<DutyActionResult> | 'lost')[],
    detail: undefined as AlertDetail | undefined,
  };
  const transport: AlertTransport = {
    get connected() {
      return state.connected;
    },
    onConnect: add(handlers.connect),
    onDisconnect: add(handlers.disconnect),
    onNotification: add(handlers.note),
    onActioned: add(handlers.actioned),
    onKpis: add(handlers.kpis),
    list: async () => {
      lists += 1;
      return { ok: true, data: { alerts: state.alerts, kpis: KPIS } };
    },
    detail: async (alertId) =>
      state.detail ? { ok: true, data: state.detail } : { ok: false, error: { code: 'not_found', message: alertId } },
    act: async (action, req) => {
      sent.push({ action, req: req as Record<string, unknown> });
      const answer = state.answers.shift() ?? 'lost';
      if (answer === 'lost') throw new Error('operation has timed out');
      return answer;
    },
  };
  return {
    transport,
    state,
    sent,
    lists: () => lists,
    connect() {
      state.connected = true;
      for (const fn of handlers.connect) fn();
    },
    disconnect() {
      state.connected = false;
      for (const fn of handlers.disconnect) fn();
    },
    notify(event: AlertNotificationEvent, alert: AlertView) {
      for (const fn of handlers.note) fn(event, { change: 'updated', alert, notify: true, time: 0 });
    },
    actioned(entry: AuditEntry) {
      for (const fn of handlers.actioned) fn(entry);
    },
  };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

function entry(id: number, alertId: string, action: DutyAction, opId = `op-${id}-xxxx`): AuditEntry {
  return { id, opId, alertId, action, actor: 'zhang', client: 'sock', at: 1_000 + id };
}

describe('alerts store', () => {
  beforeEach(() => setActivePinia(createPinia()));

  it('orders the queue by severity, then unacknowledged first, then oldest first', () => {
    const q = [
      alertView('a', { severity: 'major', firstSeen: 1 }),
      alertView('b', { severity: 'critical', firstSeen: 5, acknowledged: true }),
      alertView('c', { severity: 'critical', firstSeen: 9 }),
      alertView('d', { severity: 'critical', firstSeen: 3 }),
    ].sort(compareQueue);
    expect(q.map((a) => a.id)).toEqual(['d', 'c', 'b', 'a']);
  });

  it('lists the queue on every (re)connect and applies notifications in between', async () => {
    const f = fakeTransport();
    const store = useAlertsStore();
    store.attach(f.transport);
    expect(f.lists()).toBe(0);
    f.state.alerts = [alertView('a', { severity: 'major' })];
    f.connect();
    await flush();
    expect(store.phase).toBe('ready');
    expect(store.queue.map((a) => a.id)).toEqual(['a']);
    expect(store.kpis?.open.critical).toBe(2);

    f.notify('alert:raised', alertView('b', { severity: 'critical' }));
    expect(store.queue.map((a) => a.id)).toEqual(['b', 'a']);
    f.notify('alert:updated', alertView('b', { severity: 'critical', acknowledged: true }));
    expect(store.unacknowledged.map((a) => a.id)).toEqual(['a']);
    f.notify('alert:resolved', alertView('a', { severity: 'major' }));
    expect(store.queue.map((a) => a.id)).toEqual(['b']);

    // While disconnected things changed on the server: the reconnect lists them afresh.
    f.disconnect();
    f.state.alerts = [alertView('c', { severity: 'minor' })];
    f.connect();
    await flush();
    expect(f.lists()).toBe(2);
    expect(store.queue.map((a) => a.id)).toEqual(['c']);
  });

  it('retries an action whose answer was lost with the same opId, and reports the single effect', async () => {
    const f = fakeTransport();
    const store = useAlertsStore();
    store.attach(f.transport, { reconnectWaitMs: 1_000 });
    f.state.alerts = [alertView('a', { severity: 'critical' })];
    f.connect();
    await flush();
    const acked = alertView('a', { severity: 'critical', acknowledged: true, ackBy: 'zhang' });
    f.state.answers = ['lost', { ok: true, data: { alert: acked, entry: entry(7, 'a', 'ack'), replayed: true } }];
    const outcome = await store.act('ack', 'a', { note: '已电话联系' });
    expect(outcome.ok).toBe(true);
    expect(f.sent).toHaveLength(2);
    expect(f.sent[0]!.req.opId).toBe(f.sent[1]!.req.opId);
    expect(f.sent[0]!.req).toMatchObject({ alertId: 'a', note: '已电话联系' });
    expect(store.byId.get('a')?.acknowledged).toBe(true);
    expect(store.pending.a).toBeUndefined();

    // A new action gets a new opId.
    f.state.answers = [{ ok: true, data: { alert: acked, entry: entry(8, 'a', 'note'), replayed: false } }];
    await store.act('note', 'a', { note: 'x' });
    expect(f.sent[2]!.req.opId).not.toBe(f.sent[0]!.req.opId);
  });

  it('waits for the reconnect before retrying, and gives up as lost after its attempts', async () => {
    const f = fakeTransport();
    const store = useAlertsStore();
    store.attach(f.transport, { attempts: 2, reconnectWaitMs: 1_000 });
    f.connect();
    await flush();
    f.disconnect();
    const pending = store.act('resolve', 'a', {});
    await flush();
    expect(f.sent).toHaveLength(0);
    f.state.answers = ['lost', 'lost'];
    f.connect();
    const outcome = await pending;
    expect(f.sent).toHaveLength(2);
    expect(f.sent[0]!.req.opId).toBe(f.sent[1]!.req.opId);
    expect(outcome).toMatchObject({ ok: false, lost: true });
  });

  it('returns a refusal as it is (no retry) with the conflict for the screen to word', async () => {
    const f = fakeTransport();
    const store = useAlertsStore();
    store.attach(f.transport);
    f.connect();
    await flush();
    const conflict = { action: 'ack', by: 'wang', at: 5_000 };
    f.state.answers = [{ ok: false, error: { code: 'conflict', message: 'already acknowledged by wang', conflict } }];
    const outcome = await store.act('ack', 'a', {});
    expect(outcome).toEqual({
      ok: false,
      error: { code: 'conflict', message: 'already acknowledged by wang', conflict },
    });
    expect(f.sent).toHaveLength(1);
  });

  it('loads the detail of the selected alert and appends its audit rows once each', async () => {
    const f = fakeTransport();
    const store = useAlertsStore();
    store.attach(f.transport);
    f.connect();
    await flush();
    const a = alertView('a', { severity: 'major' });
    f.state.detail = { alert: a, audit: [entry(1, 'a', 'note')], devices: [], cases: [] };
    store.select('a');
    await flush();
    expect(store.detail?.audit.map((e) => e.id)).toEqual([1]);
    f.actioned(entry(2, 'a', 'ack'));
    f.actioned(entry(2, 'a', 'ack'));
    f.actioned(entry(3, 'other', 'ack'));
    expect(store.detail?.audit.map((e) => e.id)).toEqual([1, 2]);
    f.notify('alert:updated', { ...a, acknowledged: true });
    expect(store.detail?.alert.acknowledged).toBe(true);
    store.select(undefined);
    expect(store.detail).toBeNull();
  });

  it('makes opIds the server accepts (8 to 64 characters), different each time', () => {
    const ids = new Set(Array.from({ length: 100 }, () => newOpId()));
    expect(ids.size).toBe(100);
    for (const id of ids) expect(id.length).toBeGreaterThanOrEqual(8);
    for (const id of ids) expect(id.length).toBeLessThanOrEqual(64);
  });
});
