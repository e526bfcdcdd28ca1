import type { UserView } from '../../protocol';
import { UserExistsError, type StoredUser, type UserPatch, type UserStore } from '../auth/user-store';
import { storedUserOf, type UserRow } from './store-rows';
import { migratePgModule, type PgPool } from './pg';

const MIGRATIONS = [
  `CREATE TABLE app_user (
     name          TEXT    PRIMARY KEY,
     role          TEXT    NOT NULL,
     area          TEXT    NOT NULL,
     display_name  TEXT,
     password_hash TEXT    NOT NULL,
     created_at    BIGINT  NOT NULL,
     disabled      BOOLEAN NOT NULL DEFAULT false
   )`,
];



function view(u: StoredUser): UserView {
  const { passwordHash: _h, ...rest } = u;
  return rest;
}

/** Users in PostgreSQL, shared by every node of a cluster (same contract as SqliteUserStore). */
export class PgUserStore implements UserStore {
  private constructor(private readonly pool: PgPool) {}

  static async open(pool: PgPool): Promise<PgUserStore> {
    await migratePgModule(pool, 'users', MIGRATIONS);
    return new PgUserStore(pool);
  }

  async count(): Promise<number> {
    const { rows } = await this.pool.query<{ n: string }>('SELECT count(*) AS n FROM app_user');
    return Number(rows[0]!.n);
  }

  async get(name: string): Promise<StoredUser | undefined> {
    const { rows } = await this.pool.query<UserRow>('SELECT * FROM app_user WHERE name = $1', [name]);
    return rows[0] && storedUserOf(rows[0]);
  }

  async list(): Promise<UserView[]> {
    const { rows } = await this.pool.query<UserRow>('SELECT * FROM app_user ORDER BY name COLLATE "C"');
    return rows.map((r) => view(storedUserOf(r)));
  }

  async add(user: StoredUser): Promise<void> {
    const { rowCount } = await this.pool.query(
      `INSERT INTO app_user (name, role, area, display_name, password_hash, created_at, disabled)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (name) DO NOTHING`,
      [user.name, user.role, user.area, user.displayName ?? null, user.passwordHash, user.createdAt, user.disabled],
    );
    if (rowCount === 0) throw new UserExistsError(user.name);
  }

  async update(name: string, patch: UserPatch): Promise<UserView | undefined> {
    const { rows } = await this.pool.query<UserRow>(
      `UPDATE app_user SET
         role = coalesce($1, role), area = coalesce($2, area), display_name = coalesce($3, display_name),
         password_hash = coalesce($4, password_hash), disabled = coalesce($5, disabled)
       WHERE name = $6 RETURNING *`,
      [patch.role ?? null, patch.area ?? null, patch.displayName ?? null, patch.passwordHash ?? null, patch.disabled ?? null, name],
    );
    return rows[0] && view(storedUserOf(rows[0]));
  }

  async remove(name: string): Promise<boolean> {
    const { rowCount } = await this.pool.query('DELETE FROM app_user WHERE name = $1', [name]);
    return (rowCount ?? 0) > 0;
  }
}
