/**
 * The behaviour every DutyStore must have, as a reusable suite: the SQLite store runs it
 * (server/store/sqlite-duty-store.test.ts) and a PostgreSQL store runs the same function.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AlertView, AuditEntry } from '../../protocol';
import type { DutyStore, NewAction } from './duty-store';

export interface OpenedDutyStore {
  store: DutyStore;
  /** Closes this handle and opens the same data again (a restart). */
  reopen(): Promise<DutyStore>;
  close(): Promise<void>;
}

const T = Date.UTC(2026, 10, 28, 2, 0, 0);
const G_A = '330106007001001';
const G_B = '330106007002001';

export function alertFixture(id: string, over: Partial<AlertView> = {}): AlertView {
  return {
    id,
    ruleId: 'smoke-alarm',
    ruleName: '烟感报警',
    ruleNameEn: 'Smoke alarm',
    kind: 'threshold',
    subject: { type: 'area', id: G_A, grid: G_A },
    severity: 'critical',
    active: true,
    acknowledged: false,
    clearedAt: null,
    firstSeen: T,
    lastSeen: T,
    count: 1,
    value: 1,
    threshold: 1,
    message: '一网格 烟感报警',
    messageEn: 'Smoke alarm',
    links: { devices: ['smoke-1'], cases: [] },
    escalations: 0,
    silenced: false,
    flapping: false,
    ...over,
  };
}

function actionFixture(opId: string, alert: AlertView, over: Partial<Omit<AuditEntry, 'id'>> = {}): NewAction {
  return {
    opId,
    alertId: alert.id,
    action: over.action ?? 'note',
    request: JSON.stringify({ opId, alertId: alert.id, note: 'n' }),
    entry: { opId, alertId: alert.id, action: 'note', actor: 'duty1', client: 'sock-1', at: T + 1000, note: 'n', ...over },
    alert,
  };
}

export function describeDutyStore(name: string, open: () => Promise<OpenedDutyStore>): void {
  describe(`DutyStore contract: ${name}`, () => {
    let h: OpenedDutyStore;
    beforeEach(async () => {
      h = await open();
    });
    afterEach(async () => {
      await h.close();
    });

    it('saves alerts, replaces them by id and lists the unresolved ones', async () => {
      const a = alertFixture('a');
      const b = alertFixture('b', { subject: { type: 'area', id: G_B, grid: G_B }, severity: 'minor', firstSeen: T + 5 });
      await h.store.saveAlerts([a, b]);
      expect(await h.store.getAlert('a')).toEqual(a);
      expect(await h.store.getAlert('nope')).toBeUndefined();
      expect((await h.store.openAlerts()).map((x) => x.id).sort()).toEqual(['a', 'b']);

      const acked = { ...a, acknowledged: true, ackBy: 'duty1', ackAt: T + 10, ackNote: '已到场' };
      await h.store.saveAlerts([acked]);
      expect(await h.store.getAlert('a')).toEqual(acked);
      await h.store.saveAlerts([{ ...acked, active: false, clearedAt: T + 20, resolvedBy: 'duty1', resolvedAt: T + 20 }]);
      expect((await h.store.openAlerts()).map((x) => x.id)).toEqual(['b']);
      expect((await h.store.resolvedSince(T, 10)).map((x) => x.id)).toEqual(['a']);
      expect(await h.store.resolvedSince(T + 21, 10)).toEqual([]);
    });

    it('lists resolved alerts newest resolution first, up to the limit', async () => {
      await h.store.saveAlerts([1, 2, 3].map((i) => alertFixture(`r${i}`, { resolvedAt: T + i, resolvedBy: 'system', active: false })));
      expect((await h.store.resolvedSince(T, 2)).map((x) => x.id)).toEqual(['r3', 'r2']);
    });

    it('commits an action with its audit row and alert, and a second commit of the same opId changes nothing', async () => {
      const a = alertFixture('a');
      await h.store.saveAlerts([a]);
      const after = { ...a, notes: 1 };
      const first = await h.store.commitAction(actionFixture('op-00000001', after));
      expect(first.replayed).toBe(false);
      expect(first.action.entry).toMatchObject({ opId: 'op-00000001', alertId: 'a', action: 'note', actor: 'duty1', client: 'sock-1', note: 'n' });
      expect(typeof first.action.entry.id).toBe('number');
      expect(await h.store.getAlert('a')).toEqual(after);
      expect(await h.store.findAction('op-00000001')).toEqual(first.action);
      expect(await h.store.findAction('op-unknown')).toBeUndefined();

      const again = await h.store.commitAction(actionFixture('op-00000001', { ...a, notes: 2 }, { note: 'other' }));
      expect(again).toEqual({ action: first.action, replayed: true });
      expect(await h.store.getAlert('a')).toEqual(after);
      expect(await h.store.audit({ alertId: 'a', limit: 10 })).toEqual([first.action.entry]);
    });

    it('keeps optional audit fields only when set', async () => {
      const a = alertFixture('a');
      const { action } = await h.store.commitAction({
        ...actionFixture('op-dispatch1', { ...a, caseId: 'C-1' }, { action: 'dispatch', note: undefined, caseId: 'C-1' }),
        action: 'dispatch',
      });
      const [row] = await h.store.audit({ alertId: 'a', limit: 1 });
      expect(row).toEqual(action.entry);
      expect(row).not.toHaveProperty('note');
      expect(row).not.toHaveProperty('assignee');
      expect(row!.caseId).toBe('C-1');
    });

    it('filters the audit by alert, time and jurisdiction, newest first, up to the limit', async () => {
      const a = alertFixture('a');
      const b = alertFixture('b', { subject: { type: 'area', id: G_B, grid: G_B } });
      for (let i = 0; i < 4; i++) await h.store.commitAction(actionFixture(`op-a-000${i}`, a, { at: T + i }));
      await h.store.commitAction(actionFixture('op-b-0000', b, { at: T + 10 }));
      const all = await h.store.audit({ limit: 100 });
      expect(all.map((e) => e.opId)).toEqual(['op-b-0000', 'op-a-0003', 'op-a-0002', 'op-a-0001', 'op-a-0000']);
      expect((await h.store.audit({ alertId: 'a', limit: 2 })).map((e) => e.opId)).toEqual(['op-a-0003', 'op-a-0002']);
      expect((await h.store.audit({ since: T + 2, limit: 100 })).map((e) => e.opId)).toEqual(['op-b-0000', 'op-a-0003', 'op-a-0002']);
      expect((await h.store.audit({ area: '330106007002', limit: 100 })).map((e) => e.opId)).toEqual(['op-b-0000']);
      expect(await h.store.audit({ area: '330106007001', limit: 100 })).toHaveLength(4);
      expect(await h.store.audit({ area: '*', limit: 100 })).toHaveLength(5);
      expect(await h.store.audit({ area: '330106008', limit: 100 })).toEqual([]);
    });

    it('gives KPI inputs for alerts first seen since a time and for every unresolved one', async () => {
      await h.store.saveAlerts([
        alertFixture('old-open', { firstSeen: T - 100 }),
        alertFixture('old-done', { firstSeen: T - 100, resolvedAt: T - 50, active: false }),
        alertFixture('new', { firstSeen: T + 1, severity: 'major', acknowledged: true, ackAt: T + 5 }),
      ]);
      const rows = await h.store.kpiInputs(T);
      expect(rows.sort((x, y) => x.id.localeCompare(y.id))).toEqual([
        { id: 'new', severity: 'major', grid: G_A, firstSeen: T + 1, ackAt: T + 5, resolvedAt: null },
        { id: 'old-open', severity: 'critical', grid: G_A, firstSeen: T - 100, ackAt: null, resolvedAt: null },
      ]);
    });

    it('keeps everything across a restart', async () => {
      const a = alertFixture('a');
      const { action } = await h.store.commitAction(actionFixture('op-restart1', { ...a, acknowledged: true, ackBy: 'duty1', ackAt: T + 1 }));
      const store = await h.reopen();
      expect(await store.findAction('op-restart1')).toEqual(action);
      expect((await store.openAlerts()).map((x) => [x.id, x.acknowledged])).toEqual([['a', true]]);
      expect(await store.audit({ limit: 10 })).toEqual([action.entry]);
    });
  });
}
