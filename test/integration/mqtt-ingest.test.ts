import { randomUUID } from 'node:crypto';
import { connectAsync, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMqttFeed, type MqttFeed } from '../../server/ingest/mqtt-ingest';
import { GRIDS } from '../fixtures/tiny-district';
import { serviceUnavailable } from '../helpers/services';
import { startApp, T0, type RunningApp } from '../helpers/start-app';

/** The real local broker (DESIGN §7: services are real in tests, never mocks). */
const BROKER = process.env.GRIDPULSE_TEST_MQTT_URL ?? 'mqtt://127.0.0.1:1883';

const caseEvent = (id: string, grid: string = GRIDS[0]) => ({
  kind: 'case.updated',
  id,
  source: 'hotline',
  time: T0 - 1000,
  caseId: `c-${id}`,
  status: 'reported',
  category: 'SJ0102',
  channel: 'hotline',
  grid,
});

async function until(test: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!test()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const brokerUrl = new URL(BROKER);
const noBroker = await serviceUnavailable('Mosquitto', Number(brokerUrl.port || 1883), brokerUrl.hostname);

describe.skipIf(noBroker)('MQTT ingest (real Mosquitto)', () => {
  // A topic root and client id of our own, so parallel runs on one broker never see each other's messages.
  const root = `gptest-${randomUUID().slice(0, 8)}`;
  const rejected = new Map<string, number>();
  let app: RunningApp;
  let feed: MqttFeed;
  let publisher: MqttClient;
  const sink = (events: Parameters<Parameters<MqttFeed['start']>[0]>[0]) => void app.gp.pipeline.ingest(events);
  const newCases = () => app.gp.aggregator.stats(GRIDS[0])?.cases.new24h ?? 0;

  beforeAll(async () => {
    app = await startApp();
    feed = createMqttFeed({
      url: BROKER,
      topic: `${root}/+/+`,
      clientId: `${root}-server`,
      rejected: (reason, n) => rejected.set(reason, (rejected.get(reason) ?? 0) + n),
    });
    publisher = await connectAsync(BROKER, { clientId: `${root}-pub` });
  });

  afterAll(async () => {
    feed.stop();
    await publisher.endAsync();
    // Drop the persistent session this test created on the broker.
    const cleaner = await connectAsync(BROKER, { clientId: `${root}-server`, clean: true });
    await cleaner.endAsync();
    await app.close();
  });

  it('delivers single events, NDJSON and JSON-array batches into the aggregates', async () => {
    feed.start(sink);
    await until(() => feed.connected(), 'connect');
    // The subscription is in place once a probe comes through (repeats of it are dropped as duplicates).
    const probe = setInterval(
      () => void publisher.publish(`${root}/hotline/case.updated`, JSON.stringify(caseEvent('probe')), { qos: 1 }),
      100,
    );
    await until(() => newCases() >= 1, 'probe event').finally(() => clearInterval(probe));
    const base = newCases();
    await publisher.publishAsync(`${root}/hotline/case.updated`, JSON.stringify(caseEvent('a1')), { qos: 1 });
    const batch = [caseEvent('a2'), caseEvent('a3')];
    await publisher.publishAsync(`${root}/patrol/case.updated`, batch.map((e) => JSON.stringify(e)).join('\n'), {
      qos: 1,
    });
    await publisher.publishAsync(`${root}/patrol/case.updated`, JSON.stringify([caseEvent('a4'), caseEvent('a5')]), {
      qos: 1,
    });
    await until(() => newCases() === base + 5, 'five cases');
    expect(app.gp.aggregator.stats(GRIDS[0])?.events5m.case).toBeGreaterThanOrEqual(base + 5);
  });

  it('counts a bad payload by reason and keeps going', async () => {
    const base = newCases();
    await publisher.publishAsync(`${root}/hotline/case.updated`, '{not json', { qos: 1 });
    await publisher.publishAsync(
      `${root}/hotline/case.updated`,
      JSON.stringify({ ...caseEvent('b1'), status: 'lost' }),
      { qos: 1 },
    );
    await publisher.publishAsync(`${root}/hotline/case.updated`, '', { qos: 1 });
    await publisher.publishAsync(`${root}/hotline/case.updated`, JSON.stringify(caseEvent('b2')), { qos: 1 });
    await until(() => newCases() === base + 1, 'the good event after the bad ones');
    expect(rejected.get('invalid_json')).toBe(1);
    expect(rejected.get('invalid_event')).toBe(1);
    expect(rejected.get('empty_body')).toBe(1);
    expect(feed.connected()).toBe(true);
  });

  it('resumes after stop/start and receives the QoS-1 messages queued while it was away', async () => {
    const base = newCases();
    feed.stop();
    await until(() => !feed.connected(), 'disconnect');
    await new Promise((r) => setTimeout(r, 200));
    await publisher.publishAsync(`${root}/hotline/case.updated`, JSON.stringify(caseEvent('q1')), { qos: 1 });
    await publisher.publishAsync(`${root}/hotline/case.updated`, JSON.stringify(caseEvent('q2')), { qos: 1 });
    await new Promise((r) => setTimeout(r, 100));
    expect(newCases()).toBe(base);
    feed.start(sink);
    await until(() => newCases() === base + 2, 'queued messages after restart');
    await publisher.publishAsync(`${root}/hotline/case.updated`, JSON.stringify(caseEvent('q3')), { qos: 1 });
    await until(() => newCases() === base + 3, 'live message after restart');
  });
});
