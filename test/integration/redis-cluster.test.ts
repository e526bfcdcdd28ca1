/**
 * The Redis side of a cluster against the real local Redis: liveness and rendezvous ownership, and the
 * partitioned event streams with their consumer group (a dead owner's unacknowledged batch is claimed, never lost).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IngestEvent } from '../../protocol';
import { EventStreams, Membership, connectRedis, ownerOf } from '../../server/store/redis-cluster';
import { serviceUnavailable } from '../helpers/services';

const missing = await serviceUnavailable('Redis', 6379);
const prefix = `gp-test-${randomUUID().slice(0, 8)}:`;

function event(i: number): IngestEvent {
  return { v: 1, kind: 'device.heartbeat', id: `e${i}`, source: 't', time: 1_700_000_000_000 + i, deviceId: `d${i}`, deviceType: 'smoke' } as IngestEvent;
}

describe.skipIf(missing)('cluster over Redis', () => {
  const redis = missing ? undefined! : connectRedis('redis://127.0.0.1:6379');
  beforeAll(async () => {
    await redis.ping();
  });
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  it('owners: the same on every node, spread over nodes, and only the dead node’s partitions move', () => {
    const partitions = Array.from({ length: 300 }, (_, i) => `330106${String(i).padStart(3, '0')}`);
    const three = ['n1', 'n2', 'n3'];
    const before = new Map(partitions.map((p) => [p, ownerOf(p, three)]));
    const counts = three.map((n) => partitions.filter((p) => before.get(p) === n).length);
    expect(Math.min(...counts)).toBeGreaterThan(60);
    const after = new Map(partitions.map((p) => [p, ownerOf(p, ['n1', 'n3'])]));
    for (const p of partitions) if (before.get(p) !== 'n2') expect(after.get(p)).toBe(before.get(p));
    expect(ownerOf('x', [])).toBeUndefined();
  });

  it('sees nodes join, and drops a node that stops renewing (as after SIGKILL) within its ttl', async () => {
    const changes: string[][] = [];
    const a = new Membership({ redis, prefix, nodeId: 'a', info: { url: 'http://a' }, ttlMs: 400, onChange: (n) => changes.push([...n]) });
    const b = new Membership({ redis, prefix, nodeId: 'b', info: { url: 'http://b' }, ttlMs: 400 });
    await a.beat();
    await b.beat();
    await a.beat();
    expect(a.live).toEqual(['a', 'b']);
    // b never beats again: gone after its ttl.
    await new Promise((r) => setTimeout(r, 500));
    await a.beat();
    expect(a.live).toEqual(['a']);
    expect(changes).toEqual([['a'], ['a', 'b'], ['a']]);
    await a.stop();
  });

  it('delivers each batch to the owner once, and hands a dead owner’s unacknowledged batch to the next', async () => {
    const p = `p${randomUUID().slice(0, 6)}`;
    const one = new EventStreams(redis, prefix, 'one');
    const two = new EventStreams(redis, prefix, 'two');
    await one.ensureGroup(p);
    await one.publish(p, [event(1), event(2)]);
    await one.publish(p, [event(3)]);
    const read = await one.read([p], 100);
    expect(read.map((b) => b.events.map((e) => e.id))).toEqual([['e1', 'e2'], ['e3']]);
    await one.ack(p, [read[0]!.id]);
    // "one" dies before acknowledging the second batch; "two" takes the partition over.
    one.close();
    expect(await two.read([p], 50)).toEqual([]);
    const orphans = await two.claimOrphans(p, 0);
    expect(orphans.map((b) => b.events.map((e) => e.id))).toEqual([['e3']]);
    await two.ack(p, orphans.map((b) => b.id));
    expect(await two.claimOrphans(p, 0)).toEqual([]);
    expect((await two.range(p, read[0]!.id)).map((b) => b.id)).toEqual([read[1]!.id]);
    two.close();
  });
});
