import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import type { IngestEvent } from '../../protocol';
import { LivenessBeacon } from './liveness-beacon';

/**
 * The Redis side of a cluster (DESIGN §7): which nodes are alive, which node owns which partition (a street),
 * and the partitioned event streams ingest writes to and owners consume through a consumer group.
 */

export function connectRedis(url: string): Redis {
  // Reconnects by itself after a Redis restart; commands queue meanwhile (maxRetriesPerRequest: null).
  return new Redis(url, { maxRetriesPerRequest: null, lazyConnect: false, enableAutoPipelining: true });
}

/** Rendezvous (highest random weight) hashing: every node computes the same owner, and few move on a change. */
export function ownerOf(partition: string, nodes: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestScore = -1n;
  for (const node of nodes) {
    const score = createHash('sha1').update(`${node}|${partition}`).digest().readBigUInt64BE(0);
    if (score > bestScore) {
      best = node;
      bestScore = score;
    }
  }
  return best;
}

/**
 * A node is dead once it has not renewed its key for this long. Long enough that a busy node whose event loop
 * stalls for a few seconds keeps its streets (the load benchmark saw ownership flap at 3 s), short enough that a
 * dead node's streets move within the 10 s a screen may take to come back.
 */
export const DEFAULT_TTL_MS = 6000;

export interface MembershipOptions {
  redis: Redis;
  /** (`info` may grow after construction: see setInfo.) */
  /** Key prefix of this deployment, e.g. `gridpulse:` (several deployments can share one Redis). */
  prefix: string;
  nodeId: string;
  /** What others need to know about this node (its URL). */
  info: Record<string, string>;
  /** A node is dead once it has not renewed its key for this long (ms); default DEFAULT_TTL_MS. */
  ttlMs?: number;
  /** Called when the set of live nodes changes. */
  onChange?: (nodes: readonly string[]) => void;
  /**
   * The Redis URL, for beats from a worker thread (LivenessBeacon): then a node whose event loop is busy keeps its
   * key for up to `graceMs` (default DEFAULT_GRACE_MS) without a beat of its own. Without it, beats come from the
   * event loop only.
   */
  url?: string;
  graceMs?: number;
}

/** How long a node's event loop may be busy (no beat of its own) before its worker stops vouching for it. */
export const DEFAULT_GRACE_MS = 30_000;

/**
 * Node liveness: each node renews `<prefix>node:<id>` (PX ttl) every ttl/3 and lists the others by scanning.
 * A SIGKILLed node drops out after at most ttl.
 */
export class Membership {
  private nodes: string[] = [];
  private infos = new Map<string, Record<string, string>>();
  private timer: NodeJS.Timeout | undefined;
  private beacon: LivenessBeacon | undefined;

  constructor(private readonly opts: MembershipOptions) {}

  get live(): readonly string[] {
    return this.nodes;
  }

  /** What a live node published about itself (its URL, its world's epoch), as of the last beat. */
  info(node: string): Readonly<Record<string, string>> | undefined {
    return this.infos.get(node);
  }

  owner(partition: string): string | undefined {
    return ownerOf(partition, this.nodes);
  }

  owns(partition: string): boolean {
    return this.owner(partition) === this.opts.nodeId;
  }

  /** Adds to what this node publishes about itself (e.g. its world's epoch once the world exists). */
  setInfo(info: Record<string, string>): void {
    this.opts.info = { ...this.opts.info, ...info };
    this.beacon?.setValue(this.value());
  }

  async start(): Promise<void> {
    await this.beat();
    const ttlMs = this.opts.ttlMs ?? DEFAULT_TTL_MS;
    const every = Math.max(100, Math.floor(ttlMs / 3));
    this.timer = setInterval(() => void this.beat().catch(() => undefined), every);
    if (this.opts.url) {
      this.beacon = new LivenessBeacon({
        url: this.opts.url,
        key: this.key(this.opts.nodeId),
        value: this.value(),
        ttlMs,
        everyMs: every,
        graceMs: this.opts.graceMs ?? DEFAULT_GRACE_MS,
      });
    }
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.beacon?.stop();
    this.beacon = undefined;
    await this.opts.redis.del(this.key(this.opts.nodeId)).catch(() => undefined);
  }

  /** Renews this node and re-reads the live set (also exported for tests, which beat by hand). */
  async beat(): Promise<void> {
    const { redis, nodeId, ttlMs = DEFAULT_TTL_MS } = this.opts;
    this.beacon?.touch();
    await redis.set(this.key(nodeId), this.value(), 'PX', ttlMs);
    const found: string[] = [];
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${this.opts.prefix}node:*`, 'COUNT', 100);
      cursor = next;
      for (const k of keys) found.push(k.slice(`${this.opts.prefix}node:`.length));
    } while (cursor !== '0');
    found.sort();
    const values = found.length ? await redis.mget(...found.map((id) => this.key(id))) : [];
    this.infos = new Map(found.map((id, i) => [id, values[i] ? (JSON.parse(values[i]) as Record<string, string>) : {}]));
    if (found.join() !== this.nodes.join()) {
      this.nodes = found;
      this.opts.onChange?.(found);
    }
  }

  private value(): string {
    return JSON.stringify({ ...this.opts.info, nodeId: this.opts.nodeId });
  }

  private key(id: string): string {
    return `${this.opts.prefix}node:${id}`;
  }
}

export interface StreamBatch {
  partition: string;
  /** The stream entry id (ms-seq), ordered within the partition. */
  id: string;
  events: IngestEvent[];
}

const GROUP = 'aggregators';

/**
 * Ingest partitioned by street over Redis Streams: one stream per partition, one entry per batch. The owner
 * of a partition reads it through the consumer group `aggregators` and acknowledges an entry once it has
 * applied it; on taking a partition over it first claims what the previous owner read but never acknowledged.
 * Streams are capped (MAXLEN ~) so Redis memory stays bounded; the owner's own event log keeps the history.
 */
export class EventStreams {
  private readonly reader: Redis;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly nodeId: string,
    private readonly maxEntries = 100_000,
  ) {
    // XREADGROUP BLOCK holds its connection: reads get one of their own.
    this.reader = redis.duplicate();
  }

  stream(partition: string): string {
    return `${this.prefix}events:${partition}`;
  }

  async publish(partition: string, events: readonly IngestEvent[]): Promise<string> {
    const id = await this.redis.xadd(this.stream(partition), 'MAXLEN', '~', String(this.maxEntries), '*', 'e', JSON.stringify(events));
    return id!;
  }

  /** Creates the group (from the stream's start) if missing. */
  async ensureGroup(partition: string): Promise<void> {
    try {
      await this.redis.xgroup('CREATE', this.stream(partition), GROUP, '0', 'MKSTREAM');
    } catch (err) {
      if (!String((err as Error).message).includes('BUSYGROUP')) throw err;
    }
  }

  /** Entries other consumers read but never acknowledged (a node that died mid-batch), now this node's. */
  async claimOrphans(partition: string, minIdleMs: number): Promise<StreamBatch[]> {
    const out: StreamBatch[] = [];
    let start = '0-0';
    for (;;) {
      const [next, entries] = (await this.redis.xautoclaim(this.stream(partition), GROUP, this.nodeId, minIdleMs, start, 'COUNT', 500)) as [
        string,
        [string, string[]][],
        ...unknown[],
      ];
      for (const [id, fields] of entries) if (fields) out.push({ partition, id, events: parseFields(fields) });
      if (next === '0-0') break;
      start = next;
    }
    return out;
  }

  /** New entries for this consumer across `partitions`, waiting up to `blockMs`. */
  async read(partitions: readonly string[], blockMs: number, count = 200): Promise<StreamBatch[]> {
    if (partitions.length === 0) return [];
    const res = (await this.reader.xreadgroup(
      'GROUP', GROUP, this.nodeId, 'COUNT', count, 'BLOCK', blockMs, 'STREAMS',
      ...partitions.map((p) => this.stream(p)),
      ...partitions.map(() => '>'),
    )) as [string, [string, string[]][]][] | null;
    const out: StreamBatch[] = [];
    for (const [key, entries] of res ?? []) {
      const partition = key.slice(`${this.prefix}events:`.length);
      for (const [id, fields] of entries) out.push({ partition, id, events: parseFields(fields) });
    }
    return out;
  }

  async ack(partition: string, ids: readonly string[]): Promise<void> {
    if (ids.length > 0) await this.redis.xack(this.stream(partition), GROUP, ...ids);
  }

  /** Entries after `afterId` (exclusive), oldest first: a new owner replays what its snapshot lacks. */
  async range(partition: string, afterId: string, count = 1000): Promise<StreamBatch[]> {
    const entries = (await this.redis.xrange(this.stream(partition), `(${afterId}`, '+', 'COUNT', count)) as [string, string[]][];
    return entries.map(([id, fields]) => ({ partition, id, events: parseFields(fields) }));
  }

  close(): void {
    this.reader.disconnect();
  }
}

function parseFields(fields: string[]): IngestEvent[] {
  const i = fields.indexOf('e');
  return i >= 0 ? (JSON.parse(fields[i + 1]!) as IngestEvent[]) : [];
}
