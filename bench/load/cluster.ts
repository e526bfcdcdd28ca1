/** The `--nodes 2` side of the load benchmark: wait for the cluster to form, and clean its Redis keys up. */
import { Redis } from 'ioredis';
import type { ServerNode } from './servers';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface ClusterHealth {
  cluster?: { live?: string[]; owns?: string[] };
}

/**
 * Waits until every node sees all the others alive and each of the `streets` partitions has its owner, as /healthz says;
 * a cluster still taking over would fail the first subscriptions.
 */
export async function waitForCluster(
  nodes: readonly ServerNode[],
  timeoutMs: number,
  log: (line: string) => void,
  streets = 1,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    const health = await Promise.all(
      nodes.map((n) =>
        fetch(`${n.url}/healthz`, { signal: AbortSignal.timeout(5_000) })
          .then((r) => r.json() as Promise<ClusterHealth>)
          .catch(() => ({}) as ClusterHealth),
      ),
    );
    if (health.every((h) => !h.cluster) && health.some((h) => Object.keys(h).length > 0))
      throw new Error('the nodes report no cluster in /healthz: does the server honour GRIDPULSE_REDIS_URL?');
    const owned = new Set(health.flatMap((h) => h.cluster?.owns ?? []));
    last = health
      .map(
        (h, i) =>
          `${nodes[i]!.name}: live ${h.cluster?.live?.join(',') ?? '?'} owns ${h.cluster?.owns?.join(',') ?? '?'}`,
      )
      .join('; ');
    if (owned.size >= streets && health.every((h) => (h.cluster?.live?.length ?? 0) >= nodes.length)) {
      // Ownership has just settled: give the nodes a moment to finish taking over before clients arrive.
      await sleep(2_000);
      log(`load: cluster ready (${last})`);
      return;
    }
    await sleep(500);
  }
  throw new Error(`the cluster did not form within ${timeoutMs} ms: ${last}`);
}

/** Removes this run's cluster keys (membership, ingest streams) from Redis. */
export async function dropClusterKeys(url: string, name: string): Promise<void> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1, lazyConnect: true });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${name}:*`, 'COUNT', 500);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
