import type { IngestEvent } from '../../protocol';

/**
 * Reads a recording's events (in event-time order) a batch at a time, holding one event back so it can tell
 * where the next batch starts. Streaming: memory is one batch, whatever the recording's size.
 */
export class ReplayCursor {
  private readonly iterator: AsyncIterator<IngestEvent>;
  private head: IngestEvent | undefined;
  private done = false;
  private failure: unknown;

  constructor(events: AsyncIterable<IngestEvent>) {
    this.iterator = events[Symbol.asyncIterator]();
  }

  /**
   * The next event without taking it; undefined at the end, or where the source failed (`failed` then says
   * why), so the events read before a failure are still delivered.
   */
  async peek(): Promise<IngestEvent | undefined> {
    if (this.head === undefined && !this.done) {
      try {
        const next = await this.iterator.next();
        if (next.done === true) this.done = true;
        else this.head = next.value;
      } catch (err) {
        this.done = true;
        this.failure = err;
      }
    }
    return this.head;
  }

  /** Why the source stopped early, once it did; undefined while it is fine or ended normally. */
  get failed(): unknown {
    return this.failure;
  }

  /** Takes the events with time < `before`, at most `max` of them. */
  async take(before: number, max: number): Promise<IngestEvent[]> {
    const out: IngestEvent[] = [];
    for (
      let next = await this.peek();
      next !== undefined && next.time < before && out.length < max;
      next = await this.peek()
    ) {
      out.push(next);
      this.head = undefined;
    }
    return out;
  }

  /** Stops reading (releases the file when the events were not read to the end). */
  close(): void {
    this.done = true;
    this.head = undefined;
    void this.iterator.return?.();
  }
}
