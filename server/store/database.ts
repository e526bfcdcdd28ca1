import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';

export type Db = Database.Database;

/** Schema migrations, applied in order once each; the index + 1 is the schema version. */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE event_log (
     seq   INTEGER PRIMARY KEY,
     id    TEXT    NOT NULL,
     time  INTEGER NOT NULL,
     kind  TEXT    NOT NULL,
     body  TEXT    NOT NULL
   );
   CREATE INDEX event_log_time ON event_log (time);`,
  `CREATE TABLE aggregate_snapshot (
     id        INTEGER PRIMARY KEY CHECK (id = 1),
     taken_at  INTEGER NOT NULL,
     log_seq   INTEGER NOT NULL,
     body      BLOB    NOT NULL
   );`,
];

/**
 * Opens (or creates) the SQLite store in `dataDir` in WAL mode and migrates it.
 * `:memory:` keeps everything in memory (tests).
 */
export function openDatabase(dataDir: string | ':memory:'): Db {
  let file = ':memory:';
  if (dataDir !== ':memory:') {
    mkdirSync(dataDir, { recursive: true });
    file = join(dataDir, 'gridpulse.db');
  }
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  // The event log may lose the last instants on power loss (it is rebuilt from the feeds);
  // alerts, actions and audit switch to synchronous = FULL around their own writes.
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  return db;
}

function migrate(db: Db): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  for (let v = version; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]!);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}

/**
 * Migrations a store module owns (the duty store, the user store…), applied in order once each and recorded
 * in `schema_module` under the module's name, so modules evolve their tables independently of the core schema.
 */
export function migrateModule(db: Db, module: string, migrations: readonly string[]): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_module (name TEXT PRIMARY KEY, version INTEGER NOT NULL)');
  const row = db.prepare('SELECT version FROM schema_module WHERE name = ?').get(module) as { version: number } | undefined;
  for (let v = row?.version ?? 0; v < migrations.length; v++) {
    db.transaction(() => {
      db.exec(migrations[v]!);
      db.prepare('INSERT INTO schema_module (name, version) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET version = excluded.version').run(module, v + 1);
    })();
  }
}

export function integrityCheck(db: Db): string {
  return db.pragma('integrity_check', { simple: true }) as string;
}
