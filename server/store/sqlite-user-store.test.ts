import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeUserStore } from '../auth/user-store.contract';
import { openDatabase } from './database';
import { SqliteUserStore } from './sqlite-user-store';

describeUserStore('SQLite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gp-users-'));
  let db = openDatabase(dir);
  return {
    store: new SqliteUserStore(db),
    reopen: () => {
      db.close();
      db = openDatabase(dir);
      return Promise.resolve(new SqliteUserStore(db));
    },
    close: () => {
      db.close();
      rmSync(dir, { recursive: true, force: true });
      return Promise.resolve();
    },
  };
});
