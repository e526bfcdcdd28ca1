import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { alertFixture, describeDutyStore } from '../duty/duty-store.contract';
import { openDatabase, type Db } from './database';
import { SqliteDutyStore } from './sqlite-duty-store';

describeDutyStore('SQLite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gp-duty-'));
  let db: Db = openDatabase(dir);
  return {
    store: new SqliteDutyStore(db),
    async reopen() {
      db.close();
      db = openDatabase(dir);
      return new SqliteDutyStore(db);
    },
    async close() {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

describe('SqliteDutyStore', () => {
  it('writes with synchronous = FULL and leaves the connection as it found it', async () => {
    const db = openDatabase(':memory:');
    const store = new SqliteDutyStore(db);
    // A trigger records the setting in force while the duty write runs.
    db.exec(`CREATE TABLE sync_seen (level INTEGER);
      CREATE TRIGGER watch AFTER INSERT ON duty_alert BEGIN INSERT INTO sync_seen SELECT synchronous FROM pragma_synchronous; END;`);
    expect(db.pragma('synchronous', { simple: true })).toBe(1); // NORMAL
    await store.saveAlerts([alertFixture('a')]);
    expect(db.prepare('SELECT level FROM sync_seen').pluck().all()).toEqual([2]); // FULL
    expect(db.pragma('synchronous', { simple: true })).toBe(1);
    db.close();
  });

  it('migrates once: a second store on the same database keeps the data', async () => {
    const db = openDatabase(':memory:');
    await new SqliteDutyStore(db).saveAlerts([alertFixture('a')]);
    expect((await new SqliteDutyStore(db).openAlerts()).map((a) => a.id)).toEqual(['a']);
    expect(db.prepare("SELECT version FROM schema_module WHERE name = 'duty'").get()).toEqual({ version: 1 });
    db.close();
  });

  it('rejects a write that fails and leaves nothing of it', async () => {
    const db = openDatabase(':memory:');
    const store = new SqliteDutyStore(db);
    db.exec("CREATE TRIGGER boom BEFORE INSERT ON duty_action BEGIN SELECT RAISE(ABORT, 'disk full'); END");
    const a = alertFixture('a');
    await expect(
      store.commitAction({
        opId: 'op-fails-1',
        alertId: 'a',
        action: 'note',
        request: '{}',
        entry: { opId: 'op-fails-1', alertId: 'a', action: 'note', actor: 'd', client: 'c', at: 1, note: 'x' },
        alert: a,
      }),
    ).rejects.toThrow('disk full');
    expect(await store.audit({ limit: 10 })).toEqual([]);
    expect(await store.getAlert('a')).toBeUndefined();
    expect(db.pragma('synchronous', { simple: true })).toBe(1);
    db.close();
  });
});
