/**
 * Liveness beats from a worker thread, against the real local Redis: a node whose event loop is busy for longer
 * than its TTL keeps its key (no ownership flapping under load), one that stays busy past the grace loses it,
 * and beats resume once the event loop is back.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { LivenessBeacon } from '../../server/store/liveness-beacon';
import { Membership, connectRedis } from '../../server/store/redis-cluster';
import { serviceUnavailable } from '../helpers/services';

const missing = await serviceUnavailable('Redis', 6379);
const URL = 'redis://127.0.0.1:6379';
const prefix = `gp-test-${randomUUID().slice(0, 8)}:`;

/** Keeps the event loop busy, as a long synchronous task does (no timer, no I/O callback runs meanwhile). */
function busy(ms: number): void {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    /* spin */
  }
}

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(missing)('liveness beacon', () => {
  const redis = missing ? undefined! : connectRedis(URL);
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  it('keeps the key through a busy event loop shorter than the grace, drops it after, resumes on touch', async () => {
    const key = `${prefix}node:beacon`;
    const beacon = new LivenessBeacon({ url: URL, key, value: '{"nodeId":"beacon"}', ttlMs: 400, everyMs: 100, graceMs: 1_500 });
    try {
      await wait(400); // the worker connects and beats
      expect(await redis.get(key)).toBe('{"nodeId":"beacon"}');
      busy(1_000); // 2.5 × the TTL without a beat from this thread
      expect(await redis.exists(key)).toBe(1);
      beacon.touch();
      busy(2_500); // past the grace (1.5 s) + TTL: the worker stops vouching, the key lapses
      expect(await redis.exists(key)).toBe(0);
      beacon.touch();
      beacon.setValue('{"nodeId":"beacon","epoch":"e2"}');
      await wait(400);
      expect(await redis.get(key)).toBe('{"nodeId":"beacon","epoch":"e2"}');
    } finally {
      await beacon.stop();
    }
    // Stopped: nothing renews it any more.
    await wait(600);
    expect(await redis.exists(key)).toBe(0);
  });

  it('a member with a Redis URL stays live for the others through a stall longer than its TTL', async () => {
    const a = new Membership({ redis, prefix, nodeId: 'a', info: {}, ttlMs: 400, url: URL, graceMs: 3_000 });
    const other = connectRedis(URL);
    const b = new Membership({ redis: other, prefix, nodeId: 'b', info: {}, ttlMs: 400 });
    try {
      await a.start();
      await wait(300);
      busy(1_200); // neither member's own timer runs; only a's worker beats
      await b.beat();
      expect(b.live).toContain('a');
      expect(b.live).toContain('b');
    } finally {
      await a.stop();
      await b.stop();
    }
    await b.beat();
    expect(b.live).not.toContain('a');
    other.disconnect();
  });
});
