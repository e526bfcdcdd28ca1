import { ingestEventSchema, type IngestEvent } from '../../protocol';
import type { Db } from './database';

/**
 * The bounded event log (DESIGN §7): every accepted event, kept for `retentionMs` of event time, used to
 * rebuild aggregates after a restart and to record. Appends are buffered and written in one transaction
 * per flush (the hub flushes every tick), so the hot path never waits on the disk per event.
 */
export class EventLog {
  private pending: IngestEvent[] = [];
  private pendingGrids: string[] = [];
  private readonly insert;
  private readonly insertMany;

  constructor(
    private readonly db: Db,
    private readonly maxPending = 20_000,
  ) {
    this.insert = db.prepare('INSERT INTO event_log (id, time, kind, body) VALUES (?, ?, ?, ?)');
    this.insertMany = db.transaction((events: readonly IngestEvent[], grids: readonly string[]) => {
      for (let i = 0; i < events.length; i++) {
        const e = events[i]!;
        const grid = grids[i]!;
        // The log keeps the located event, so a rebuild never needs the grid index again.
        this.insert.run(e.id, e.time, e.kind, JSON.stringify(e.grid === grid ? e : { ...e, grid }));
      }
    });
  }

  append(event: IngestEvent, grid: string): void {
    this.pending.push(event);
    this.pendingGrids.push(grid);
    if (this.pending.length >= this.maxPending) this.flush();
  }

  /** Writes what is buffered; returns how many events were written. */
  flush(): number {
    if (this.pending.length === 0) return 0;
    const batch = this.pending;
    const grids = this.pendingGrids;
    this.pending = [];
    this.pendingGrids = [];
    this.insertMany(batch, grids);
    return batch.length;
  }

  /** Drops events older than `before` (event time). Returns how many went. */
  prune(before: number): number {
    return this.db.prepare('DELETE FROM event_log WHERE time < ?').run(before).changes;
  }

  count(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM event_log').get() as { n: number }).n;
  }

  /** Seq of the newest stored row (0 for an empty log); call after `flush()`. */
  lastSeq(): number {
    return (this.db.prepare('SELECT coalesce(max(seq), 0) AS s FROM event_log').get() as { s: number }).s;
  }

  /** Every stored event after log row `seq`, in the order they were accepted. */
  *readAfter(seq: number): Iterable<IngestEvent> {
    const rows = this.db.prepare('SELECT body FROM event_log WHERE seq > ? ORDER BY seq').iterate(seq);
    for (const row of rows as Iterable<{ body: string }>) {
      const parsed = ingestEventSchema.safeParse(JSON.parse(row.body));
      if (parsed.success) yield parsed.data;
    }
  }

  /** Every stored event with event time ≥ `since`, in event-time order. */
  *readSince(since: number): Iterable<IngestEvent> {
    const rows = this.db.prepare('SELECT body FROM event_log WHERE time >= ? ORDER BY time, seq').iterate(since);
    for (const row of rows as Iterable<{ body: string }>) {
      const parsed = ingestEventSchema.safeParse(JSON.parse(row.body));
      if (parsed.success) yield parsed.data;
    }
  }
}

/** Event time of the newest logged event, or undefined for an empty log. */
export function lastEventTime(db: Db): number | undefined {
  const row = db.prepare('SELECT max(time) AS t FROM event_log').get() as { t: number | null };
  return row.t ?? undefined;
}
