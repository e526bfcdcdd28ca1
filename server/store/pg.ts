import pg from 'pg';

export type PgPool = pg.Pool;

/**
 * A PostgreSQL pool for the shared stores of a cluster (DESIGN §7: alerts, actions, audit and users). `schema`
 * puts every table in its own schema (created if missing): several deployments, or test runs, share a database
 * without meeting. PostgreSQL commits durably by default (synchronous_commit = on), the promise behind §9.1.
 */
export async function openPg(url: string, schema = 'gridpulse'): Promise<PgPool> {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`PostgreSQL schema "${schema}": lower-case letters, digits and _ only`);
  const pool = new pg.Pool({ connectionString: url, max: 8, options: `-c search_path=${schema}` });
  // A pool error (the server restarted) must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  try {
    await pool.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
  } catch (err) {
    // Two nodes starting at once race on IF NOT EXISTS (PostgreSQL reports 23505 or 42P06): the schema is there.
    const code = (err as { code?: string }).code;
    if (code !== '23505' && code !== '42P06') throw err;
  }
  return pool;
}

/** Migrations a store module owns, applied once each in order and recorded in `schema_module` (as in SQLite). */
export async function migratePgModule(pool: PgPool, module: string, migrations: readonly string[]): Promise<void> {
  const client = await pool.connect();
  try {
    // One node migrates at a time (the bookkeeping table included: CREATE … IF NOT EXISTS races between nodes);
    // the others wait here, then find the work done.
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', ['gridpulse:migrate']);
    await client.query('CREATE TABLE IF NOT EXISTS schema_module (name TEXT PRIMARY KEY, version INTEGER NOT NULL)');
    const { rows } = await client.query<{ version: number }>('SELECT version FROM schema_module WHERE name = $1', [module]);
    for (let v = rows[0]?.version ?? 0; v < migrations.length; v++) {
      await client.query(migrations[v]!);
      await client.query(
        'INSERT INTO schema_module (name, version) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET version = excluded.version',
        [module, v + 1],
      );
    }
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
