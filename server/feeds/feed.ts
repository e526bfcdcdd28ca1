import type { IngestEvent } from '../../protocol';

export interface DeliveryMeta {
  /** History delivered on start (a pre-roll): old by design, so not counted as late. */
  backfill?: boolean;
}

/** Where a feed delivers events: the same pipeline HTTP and MQTT use. */
export type FeedSink = (events: IngestEvent[], meta?: DeliveryMeta) => void;

/** A live source of events started and stopped with the app (the simulation, a replay, a broker). */
export interface Feed {
  readonly name: string;
  start(sink: FeedSink): void;
  stop(): void;
}
