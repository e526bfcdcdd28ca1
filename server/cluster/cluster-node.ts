import type { District } from '../../geo/district.types';
import { ROOT_SCOPE, type IngestEvent } from '../../protocol';
import type { IngestResult, RejectReason } from '../pipeline/pipeline';
import type { EventStreams, Membership, StreamBatch } from '../store/redis-cluster';
import type { World } from '../world';

/**
 * Partitions of a district for a cluster (DESIGN §7): one per street. An area at or below street level
 * belongs to its street; the root scope and district-level codes belong to a partition only when they
 * contain exactly one street (the built-in district is one street), and otherwise span several.
 */
export interface PartitionMap {
  readonly all: readonly string[];
  /** The partition of an area code or scope, or undefined when it spans several streets. */
  of(code: string): string | undefined;
}

export function streetPartitions(district: District): PartitionMap {
  const streets = district.areas.filter((a) => a.level === 'street').map((a) => a.code).sort();
  return {
    all: streets,
    of(code) {
      if (code.length >= 9 && code !== ROOT_SCOPE) return streets.includes(code.slice(0, 9)) ? code.slice(0, 9) : undefined;
      const inside = code === ROOT_SCOPE ? streets : streets.filter((s) => s.startsWith(code));
      return inside.length === 1 ? inside[0] : undefined;
    },
  };
}

/**
 * The pseudo-partition of the scopes that span several streets: its rendezvous owner composes their frames
 * from the streets' owners (server/cluster/spanning.ts).
 */
export const SPANNING_PARTITION = '~spanning';

export interface ClusterNodeDeps {
  nodeId: string;
  membership: Membership;
  streams: EventStreams;
  partitions: PartitionMap;
  /** The node's live world: the owner of a partition feeds its events into this world's pipeline. */
  world: World;
  /** The grid of an event (the pipeline's own rule), or why it has none. */
  locate(event: IngestEvent): string | { reason: RejectReason; message: string };
  /** Counts an event refused before it reached a stream. */
  rejected(reason: string, n: number): void;
  /** Called when this node gains or loses partitions (after catching up on a gained one). */
  onOwnership?(owned: readonly string[]): void;
  log?(line: string): void;
}

/**
 * One node of a cluster: ingest on any node goes to the partition's Redis stream; the partition's owner (by
 * rendezvous hashing over live nodes) reads it through the consumer group and aggregates it, so each node
 * aggregates its part once. On taking a partition over, a node first replays what it has not applied from the
 * stream's retained history, then claims what the dead owner read but never acknowledged (duplicates are
 * dropped by event id in the pipeline), then follows the group.
 */
export class ClusterNode {
  private ownedNow = new Set<string>();
  /** Per partition: the last stream entry this node applied (what a regain catches up from). */
  private readonly applied = new Map<string, string>();
  private running = false;
  private loop: Promise<void> | undefined;

  constructor(private readonly deps: ClusterNodeDeps) {}

  /** Whether this node sends frames and raises alerts for `scope` (it owns the scope's partition). */
  owns(scope: string): boolean {
    const p = this.deps.partitions.of(scope);
    return p !== undefined && this.ownedNow.has(p);
  }

  /** The epoch of this node's spanning frames (set when it can coordinate them). */
  spanningEpoch: (() => string) | undefined;

  /** The node that composes the spanning scopes now, if any is alive. */
  coordinator(): string | undefined {
    return this.deps.membership.owner(SPANNING_PARTITION);
  }

  coordinates(): boolean {
    return this.coordinator() === this.deps.nodeId;
  }

  /** The node that owns `scope`'s partition, if any is alive. */
  ownerOf(scope: string): string | undefined {
    const p = this.deps.partitions.of(scope);
    return p === undefined ? undefined : this.deps.membership.owner(p);
  }

  /** Partitions this node aggregates now. */
  get owned(): string[] {
    return [...this.ownedNow];
  }

  /**
   * The epoch of the world whose frames a client of `scope` receives: the owner's (published with its liveness),
   * so a client's status heartbeat and its frames agree and a takeover reads as a new epoch (DESIGN §9.4).
   */
  epochFor(scope: string): string | undefined {
    if (this.deps.partitions.of(scope) === undefined) {
      // A spanning scope: the epoch of the coordinator's composed frames.
      const coordinator = this.coordinator();
      if (coordinator === undefined) return undefined;
      return coordinator === this.deps.nodeId ? this.spanningEpoch?.() : this.deps.membership.info(coordinator)?.spanEpoch;
    }
    const owner = this.ownerOf(scope);
    return owner === undefined ? undefined : owner === this.deps.nodeId ? this.deps.world.epoch : this.deps.membership.info(owner)?.epoch;
  }

  partitionOf(scope: string): string | undefined {
    return this.deps.partitions.of(scope);
  }

  ownsAll(): boolean {
    return this.deps.partitions.all.every((p) => this.ownedNow.has(p));
  }

  /**
   * Ingest on this node: locate each event, then append the batch to its partition's stream. `accepted` means
   * durably in Redis (the owner applies it within a read); duplicates and lateness are the owner's to count.
   */
  async publish(events: readonly IngestEvent[]): Promise<IngestResult> {
    const result: IngestResult = { accepted: 0, duplicates: 0, late: 0, skewed: [], rejected: [] };
    const byPartition = new Map<string, IngestEvent[]>();
    events.forEach((event, index) => {
      const grid = this.deps.locate(event);
      if (typeof grid !== 'string') return void result.rejected.push({ index, ...grid });
      const p = this.deps.partitions.of(grid)!;
      let list = byPartition.get(p);
      if (!list) byPartition.set(p, (list = []));
      list.push(event.grid === grid ? event : { ...event, grid });
    });
    for (const [p, list] of byPartition) {
      await this.deps.streams.publish(p, list);
      result.accepted += list.length;
    }
    const reasons = new Map<string, number>();
    for (const r of result.rejected) reasons.set(r.reason, (reasons.get(r.reason) ?? 0) + 1);
    for (const [reason, n] of reasons) this.deps.rejected(reason, n);
    return result;
  }

  async start(): Promise<void> {
    for (const p of this.deps.partitions.all) await this.deps.streams.ensureGroup(p);
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop?.catch(() => undefined);
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        await this.rebalance();
        // Owning nothing, wait as a blocking read would (an await on nothing would starve the event loop).
        if (this.ownedNow.size === 0) await new Promise((r) => setTimeout(r, 250));
        else await this.apply(await this.deps.streams.read([...this.ownedNow], 250));
      } catch (err) {
        const message = (err as Error).message;
        this.deps.log?.(`cluster: ${message}; retrying`);
        // A Redis that restarted without its data lost the groups: make them again (its streams start empty).
        if (message.includes('NOGROUP')) for (const p of this.deps.partitions.all) await this.deps.streams.ensureGroup(p).catch(() => undefined);
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }

  /** Takes up partitions this node now owns (catching up first) and drops the ones it lost. */
  private async rebalance(): Promise<void> {
    const { partitions, membership } = this.deps;
    const now = new Set(partitions.all.filter((p) => membership.owns(p)));
    const gained = [...now].filter((p) => !this.ownedNow.has(p));
    const lost = [...this.ownedNow].filter((p) => !now.has(p));
    if (gained.length === 0 && lost.length === 0) return;
    for (const p of gained) {
      // History first (as backfill), then the previous owner's unacknowledged reads.
      for (let after = this.applied.get(p) ?? '0-0'; ; ) {
        const page = await this.deps.streams.range(p, after);
        if (page.length === 0) break;
        await this.apply(page, { backfill: true, ack: false });
        after = page[page.length - 1]!.id;
      }
      await this.apply(await this.deps.streams.claimOrphans(p, 0));
    }
    this.ownedNow = now;
    this.deps.log?.(`cluster: ${this.deps.nodeId} owns ${[...now].join(', ') || 'no partition'}${gained.length ? ` (took over ${gained.join(', ')})` : ''}`);
    this.deps.onOwnership?.([...now]);
  }

  private async apply(batches: readonly StreamBatch[], opts: { backfill?: boolean; ack?: boolean } = {}): Promise<void> {
    const acks = new Map<string, string[]>();
    let since = performance.now();
    for (const b of batches) {
      // A read can hold hundreds of batches of thousands of events: let timers run between them (the liveness
      // beat above all: a node whose loop stalls past the membership TTL loses its streets, DESIGN §7).
      if (performance.now() - since > 50) {
        await new Promise((r) => setImmediate(r));
        since = performance.now();
      }
      this.deps.world.pipeline.ingest(b.events, { backfill: opts.backfill });
      this.applied.set(b.partition, b.id);
      let list = acks.get(b.partition);
      if (!list) acks.set(b.partition, (list = []));
      list.push(b.id);
    }
    if (opts.ack === false) return;
    for (const [p, ids] of acks) await this.deps.streams.ack(p, ids);
  }
}
