import { deserialize, serialize } from 'node:v8';
import type { AggregatorSnapshot } from '../aggregate/aggregator';
import type { Db } from './database';

/**
 * The latest aggregate snapshot (DESIGN §7): the engine's state and the event-log seq it includes, so a
 * restart restores it and replays only the log rows after that seq. One row, replaced each time.
 */
export class AggregateSnapshotStore {
  private readonly upsert;
  private readonly select;

  constructor(private readonly db: Db) {
    this.upsert = db.prepare(
      'INSERT INTO aggregate_snapshot (id, taken_at, log_seq, body) VALUES (1, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET taken_at = excluded.taken_at, log_seq = excluded.log_seq, body = excluded.body',
    );
    this.select = db.prepare('SELECT taken_at, log_seq, body FROM aggregate_snapshot WHERE id = 1');
  }

  /** Saves a snapshot; returns its size in bytes. */
  save(snapshot: AggregatorSnapshot, logSeq: number, takenAt: number): number {
    const body = serialize(snapshot);
    this.upsert.run(takenAt, logSeq, body);
    return body.length;
  }

  load(): { snapshot: AggregatorSnapshot; logSeq: number; takenAt: number } | undefined {
    const row = this.select.get() as { taken_at: number; log_seq: number; body: Buffer } | undefined;
    if (!row) return undefined;
    return { snapshot: deserialize(row.body) as AggregatorSnapshot, logSeq: row.log_seq, takenAt: row.taken_at };
  }
}
