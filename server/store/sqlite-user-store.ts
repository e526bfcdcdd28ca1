import type { UserView } from '../../protocol';
import { UserExistsError, type StoredUser, type UserPatch, type UserStore } from '../auth/user-store';
import { migrateModule, type Db } from './database';
import { storedUserOf, type UserRow } from './store-rows';

const MIGRATIONS = [
  `CREATE TABLE app_user (
     name          TEXT    PRIMARY KEY,
     role          TEXT    NOT NULL,
     area          TEXT    NOT NULL,
     display_name  TEXT,
     password_hash TEXT    NOT NULL,
     created_at    INTEGER NOT NULL,
     disabled      INTEGER NOT NULL DEFAULT 0
   );`,
];



/** Users in the embedded SQLite store; user changes are rare, so each is written with synchronous = FULL. */
export class SqliteUserStore implements UserStore {
  constructor(private readonly db: Db) {
    migrateModule(db, 'users', MIGRATIONS);
  }

  count(): Promise<number> {
    return Promise.resolve((this.db.prepare('SELECT count(*) AS n FROM app_user').get() as { n: number }).n);
  }

  get(name: string): Promise<StoredUser | undefined> {
    const row = this.db.prepare('SELECT * FROM app_user WHERE name = ?').get(name) as UserRow | undefined;
    return Promise.resolve(row && storedUserOf(row));
  }

  list(): Promise<UserView[]> {
    const rows = this.db.prepare('SELECT * FROM app_user ORDER BY name').all() as UserRow[];
    return Promise.resolve(
      rows.map((r) => {
        const { passwordHash: _h, ...view } = storedUserOf(r);
        return view;
      }),
    );
  }

  add(user: StoredUser): Promise<void> {
    return this.durably(() => {
      const info = this.db
        .prepare(
          `INSERT INTO app_user (name, role, area, display_name, password_hash, created_at, disabled)
           VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING`,
        )
        .run(user.name, user.role, user.area, user.displayName ?? null, user.passwordHash, user.createdAt, user.disabled ? 1 : 0);
      if (info.changes === 0) throw new UserExistsError(user.name);
    });
  }

  async update(name: string, patch: UserPatch): Promise<UserView | undefined> {
    const changed = await this.durably(
      () =>
        this.db
          .prepare(
            `UPDATE app_user SET
               role = coalesce(?, role), area = coalesce(?, area), display_name = coalesce(?, display_name),
               password_hash = coalesce(?, password_hash), disabled = coalesce(?, disabled)
             WHERE name = ?`,
          )
          .run(patch.role ?? null, patch.area ?? null, patch.displayName ?? null, patch.passwordHash ?? null, patch.disabled === undefined ? null : patch.disabled ? 1 : 0, name)
          .changes,
    );
    if (changed === 0) return undefined;
    const { passwordHash: _h, ...view } = (await this.get(name))!;
    return view;
  }

  remove(name: string): Promise<boolean> {
    return this.durably(() => this.db.prepare('DELETE FROM app_user WHERE name = ?').run(name).changes > 0);
  }

  /** Runs a write with synchronous = FULL (the connection runs NORMAL for the event log). */
  private durably<T>(write: () => T): Promise<T> {
    this.db.pragma('synchronous = FULL');
    try {
      return Promise.resolve(this.db.transaction(write)());
    } catch (err) {
      return Promise.reject(err as Error);
    } finally {
      this.db.pragma('synchronous = NORMAL');
    }
  }
}
