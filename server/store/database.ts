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

export function integrityCheck(db: Db): string {
  return db.pragma('integrity_check', { simple: true }) as string;
}
