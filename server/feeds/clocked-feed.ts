import type { IngestEvent } from '../../protocol';
import type { Clock } from '../pipeline/clock';
import type { Feed, FeedSink } from './feed';

export interface ClockedFeedOptions {
  name: string;
  clock: Clock;
  /** Produces every event with event time up to `to` (exclusive) not produced before. */
  advance: (to: number) => IngestEvent[];
  /** How often to pull, in real ms. */
  intervalMs?: number;
}

/**
 * Pulls a time-driven source (the simulation, a replay) up to the clock's now, every `intervalMs`.
 * The first pull delivers whatever history the source starts with, marked as backfill.
 */
export function createClockedFeed(opts: ClockedFeedOptions): Feed {
  let timer: NodeJS.Timeout | undefined;
  return {
    name: opts.name,
    start(sink: FeedSink) {
      if (timer) return;
      const pull = (backfill: boolean) => {
        const events = opts.advance(opts.clock.now());
        if (events.length > 0) sink(events, { backfill });
      };
      pull(true);
      timer = setInterval(() => pull(false), opts.intervalMs ?? 100);
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
    },
  };
}
