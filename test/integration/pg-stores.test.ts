/**
 * The PostgreSQL stores of a cluster (DESIGN §7) pass the same contract suites as the embedded SQLite ones,
 * against the real local PostgreSQL (each run in a schema of its own, dropped afterwards).
 */
import { describeUserStore } from '../../server/auth/user-store.contract';
import { describeDutyStore } from '../../server/duty/duty-store.contract';
import { PgDutyStore } from '../../server/store/pg-duty-store';
import { openPg } from '../../server/store/pg';
import { PgUserStore } from '../../server/store/pg-user-store';
import { serviceUnavailable } from '../helpers/services';

const PG_URL = process.env.GRIDPULSE_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

const pgMissing = await serviceUnavailable('PostgreSQL', 5432);

/** A fresh schema per store under test, dropped on close. */
async function scratchSchema(prefix: string) {
  const schema = `gp_test_${prefix}_${process.pid}_${Math.floor(Math.random() * 1e9)}`;
  const pools = [await openPg(PG_URL, schema)];
  return {
    schema,
    first: pools[0]!,
    async another() {
      const pool = await openPg(PG_URL, schema);
      pools.push(pool);
      return pool;
    },
    async drop() {
      await pools[0]!.query(`DROP SCHEMA ${schema} CASCADE`);
      await Promise.all(pools.map((p) => p.end()));
    },
  };
}

if (!pgMissing) {
  describeUserStore('PostgreSQL', async () => {
    const s = await scratchSchema('users');
    return {
      store: await PgUserStore.open(s.first),
      reopen: async () => PgUserStore.open(await s.another()),
      close: () => s.drop(),
    };
  });

  describeDutyStore('PostgreSQL', async () => {
    const s = await scratchSchema('duty');
    return {
      store: await PgDutyStore.open(s.first),
      reopen: async () => PgDutyStore.open(await s.another()),
      close: () => s.drop(),
    };
  });
}
