import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import type { Feed, FeedSink } from '../feeds/feed';
import { parseEventBatch } from './parse-events';

/** Default topic filter: `gridpulse/<source>/<kind>`, e.g. `gridpulse/hotline/case.updated`. */
export const DEFAULT_MQTT_TOPIC = 'gridpulse/+/+';
/** Seconds between reconnect attempts after the broker went away (mqtt.js retries forever). */
const RECONNECT_MS = 2000;

export interface MqttFeedOptions {
  /** Broker URL, e.g. `mqtt://127.0.0.1:1883` or `mqtts://broker:8883`. */
  url: string;
  /** Topic filter to subscribe to (default `gridpulse/+/+`). */
  topic?: string;
  /**
   * Stable client id: with `clean: false` the broker keeps the session under this id and delivers the QoS-1
   * messages queued while the server was away. Default `gridpulse-ingest`.
   */
  clientId?: string;
  username?: string;
  password?: string;
  /** Shared-subscription group: several servers subscribe as `$share/<group>/<topic>` and split the load. */
  sharedGroup?: string;
  /** Counts refused payload lines by reason (the same reasons as HTTP ingest). */
  rejected: (reason: string, n: number) => void;
  log?: (message: string) => void;
}

export type MqttFeed = Feed & { connected(): boolean };

/**
 * MQTT ingest as a Feed: subscribes at QoS 1, validates each payload (one event JSON, an NDJSON batch or a
 * JSON array) with the same parser as `POST /api/ingest`, and hands the valid events to the pipeline.
 * It publishes nothing back. mqtt.js reconnects by itself; a bad payload is counted and never stops the feed.
 */
export function createMqttFeed(opts: MqttFeedOptions): MqttFeed {
  const log = opts.log ?? (() => undefined);
  const filter = opts.sharedGroup
    ? `$share/${opts.sharedGroup}/${opts.topic ?? DEFAULT_MQTT_TOPIC}`
    : (opts.topic ?? DEFAULT_MQTT_TOPIC);
  let client: MqttClient | undefined;

  const handle = (sink: FeedSink, topic: string, payload: Buffer) => {
    const batch = parseEventBatch(payload.toString('utf8'));
    if (batch.total === 0) {
      opts.rejected('empty_body', 1);
      return;
    }
    const byReason = new Map<string, number>();
    const badLines = new Set<number>();
    for (const e of batch.errors) {
      if (!badLines.has(e.line)) byReason.set(e.reason, (byReason.get(e.reason) ?? 0) + 1);
      badLines.add(e.line);
    }
    for (const [reason, n] of byReason) opts.rejected(reason, n);
    if (batch.errors.length > 0) {
      const first = batch.errors[0]!;
      log(`mqtt: ${topic}: ${badLines.size} bad line(s), e.g. line ${first.line} ${first.path}: ${first.message}`);
    }
    if (batch.events.length > 0) sink(batch.events);
  };

  return {
    name: 'mqtt',
    start(sink: FeedSink) {
      if (client) return;
      const options: IClientOptions = {
        clientId: opts.clientId ?? 'gridpulse-ingest',
        clean: false,
        reconnectPeriod: RECONNECT_MS,
        connectTimeout: 10_000,
        username: opts.username,
        password: opts.password,
      };
      const c = connect(opts.url, options);
      client = c;
      let wasConnected = false;
      c.on('connect', (connack) => {
        wasConnected = true;
        log(`mqtt: connected to ${opts.url}${connack.sessionPresent ? ' (session resumed)' : ''}`);
        // Subscribing again on a resumed session is harmless and covers a broker that lost it.
        c.subscribe(filter, { qos: 1 }, (err, granted) => {
          if (err) log(`mqtt: subscribe ${filter} failed: ${err.message}`);
          else if (granted?.some((g) => g.qos === 128)) log(`mqtt: broker refused subscription ${filter}`);
        });
      });
      c.on('message', (topic, payload) => handle(sink, topic, payload));
      c.on('offline', () => {
        if (wasConnected) log(`mqtt: lost ${opts.url}; reconnecting every ${RECONNECT_MS / 1000} s`);
        wasConnected = false;
      });
      c.on('error', (err) => log(`mqtt: ${opts.url}: ${err.message}`));
    },
    stop() {
      client?.end(false);
      client = undefined;
    },
    connected() {
      return client?.connected ?? false;
    },
  };
}
