import { type ApiError, type DeltaFrame, type DutyKpis, type Layer, type SnapshotFrame } from '../../protocol';
import type { ClusterNode, PartitionMap } from '../cluster/cluster-node';
import { SpanningCoordinator, followKey } from '../cluster/spanning';
import type { DutyService } from '../duty/duty-service';
import { SLOW_ROOM, type Hub } from './hub';
import type { ClusterDutyRequest, GridPulseServer } from './types';

/** What the socket and REST handlers need of the duty workflow: the local service, or the owner's by forwarding. */
export interface DutyApi {
  act: DutyService['act'];
  list: DutyService['list'];
  detail: DutyService['detail'];
  audit: DutyService['audit'];
  kpis(area: string): DutyKpis | Promise<DutyKpis>;
}

export interface ClusterHandlerDeps {
  nodeId: string;
  node: ClusterNode;
  /** The live world's hub. */
  hub: Hub;
  /** This node's duty service (authoritative for the partitions it owns). */
  duty: DutyService;
  /** The district's streets (the partitions), and the areas inside a scope (the aggregator's registry). */
  partitions: PartitionMap;
  codesWithin(scope: string): string[];
  /** Publishes a fact about this node with its liveness (the epoch of its spanning frames). */
  publish(info: Record<string, string>): void;
  now(): number;
  /** How long to wait for another node's answer (ms). */
  timeoutMs?: number;
  log?(line: string): void;
}

export interface ClusterHandlers {
  open: (scope: string, layers: Layer[], masked: boolean) => Promise<{ key: string; snapshot: SnapshotFrame } | ApiError>;
  duty: DutyApi;
  /** The hub sent a frame to room `key` (this node owns its scope): a street's full-layer frames feed the coordinator. */
  onFrame(frame: DeltaFrame, key: string): void;
  /** Once per tick, after the hub's: the coordinator sends the spanning rooms' frames. */
  tick(): number;
  /** Whether the hub keeps room `key` with no socket in it (a street's full-layer room the coordinator follows). */
  keeps(key: string): boolean;
  /** Forgets spanning rooms nobody is in. */
  prune(size: (key: string) => Promise<number>): Promise<void>;
  spanning: SpanningCoordinator;
}

const CALLS = new Set<ClusterDutyRequest['call'] | 'kpis'>(['act', 'list', 'detail', 'audit', 'kpis']);
/** `to` of a duty request for the node whose engine holds `alertId` live, and for every node. */
const ALERT_HOLDER = '*holder';
const EVERY_NODE = '*every';

/**
 * The inter-node side of a cluster (DESIGN §7) on the Redis adapter: a node asked for a scope it does not own
 * gets the owner's snapshot (`cluster:open`; the owner's hub then sends that room's frames to every node), and
 * duty requests go to the node that owns the alerts (`cluster:duty`), whose ordered queue decides every race
 * exactly as in one process (DESIGN §9.2).
 */
export function registerClusterHandlers(io: GridPulseServer, deps: ClusterHandlerDeps): ClusterHandlers {
  const { nodeId, node, hub, duty } = deps;
  const timeoutMs = deps.timeoutMs ?? 6000;
  const followed = new Set(deps.partitions.all.flatMap((s) => [followKey(s, 'base'), followKey(s, 'full')]));

  // Scopes that span several streets (DESIGN §7): composed on the coordinator from the streets' owners.
  const spanning = new SpanningCoordinator({
    partitions: deps.partitions,
    codesWithin: deps.codesWithin,
    coordinates: () => node.coordinates(),
    ownerOf: (street) => node.ownerOf(street),
    openStreet: async (street, layers) => {
      const owner = node.ownerOf(street);
      if (owner === undefined) return undefined;
      if (owner === nodeId) return node.owns(street) ? hub.open(street, layers, false).snapshot : undefined;
      return ask<SnapshotFrame>('cluster:open', { to: owner, scope: street, layers: [...layers], masked: false });
    },
    // Like the hub's frames, none for sockets marked slow: they see a gap on their next frame and resync.
    send: (key, frame) => io.to(key).except(SLOW_ROOM).emit('scope:changed', frame),
    onEpoch: (epoch) => deps.publish({ spanEpoch: epoch }),
    baseEpoch: hub.epoch,
    now: deps.now,
    log: deps.log,
  });
  node.spanningEpoch = () => spanning.epoch;
  deps.publish({ spanEpoch: spanning.epoch });

  io.on('cluster:open', (req, ack) => {
    if (req.to !== nodeId) return ack(null);
    if (node.owns(req.scope)) return ack(hub.open(req.scope, req.layers, req.masked).snapshot);
    if (!spanning.spans(req.scope) || !node.coordinates()) return ack(null);
    spanning.open(req.scope, req.layers, req.masked).then(
      (opened) => ack(opened.snapshot),
      (err: Error) => {
        deps.log?.(`cluster: open ${req.scope}: ${err.message}`);
        ack(null);
      },
    );
  });
  // A street owner's full-layer frames, for the coordinator (every node hears them; only it keeps them).
  io.on('cluster:frame', (key, frame) => {
    if (node.coordinates()) spanning.onStreetFrame(key, frame);
  });
  io.on('cluster:duty', (req, ack) => {
    if (!CALLS.has(req.call)) return ack(null);
    // Addressed to this node, to every node (a list), or to whichever node holds the live alert.
    const mine = req.to === nodeId || req.to === EVERY_NODE || (req.to === ALERT_HOLDER && req.alertId !== undefined && duty.holds(req.alertId));
    if (!mine) return ack(null);
    const fn = duty[req.call as keyof DutyApi] as (...args: unknown[]) => unknown;
    Promise.resolve(fn.apply(duty, req.args)).then(ack, (err: unknown) =>
      ack({ ok: false, error: { code: 'internal', message: (err as Error).message } }),
    );
  });

  /** Asks every other node; the one named `to` answers, the rest answer null. */
  // (A function declaration: the coordinator above calls it.)
  async function ask<T>(event: 'cluster:open' | 'cluster:duty', req: object): Promise<T | undefined> {
    return (await askAll<T>(event, req))[0];
  }

  /** Every other node's non-null answer. */
  function askAll<T>(event: 'cluster:open' | 'cluster:duty', req: object): Promise<T[]> {
    return new Promise((resolve) => {
      // The adapter answers after every other node did, or after its request timeout (5 s) with what came in
      // time: a node that died a moment ago may still be counted and never answer.
      const done = (responses: unknown[] | undefined) => resolve((responses ?? []).filter((r) => r !== null && r !== undefined) as T[]);
      const timer = setTimeout(() => done([]), timeoutMs);
      (io as unknown as { serverSideEmit(e: string, r: object, cb: (err: unknown, res: unknown[]) => void): void }).serverSideEmit(event, req, (_err, responses) => {
        clearTimeout(timer);
        done(responses);
      });
    });
  }

  const noOwner = (what: string): ApiError => ({
    code: 'internal',
    message: `no live node owns ${what} right now (a node is taking over); retry in a few seconds`,
  });

  async function open(scope: string, layers: Layer[], masked: boolean) {
    if (spanning.spans(scope)) {
      const coordinator = node.coordinator();
      if (coordinator === undefined) return noOwner(`the scopes spanning several streets`);
      if (coordinator === nodeId) {
        return spanning.open(scope, layers, masked).catch((err: Error) => ({ code: 'internal', message: err.message }) satisfies ApiError);
      }
      const snapshot = await ask<SnapshotFrame>('cluster:open', { to: coordinator, scope, layers, masked });
      if (!snapshot) return noOwner(`the scopes spanning several streets (node ${coordinator} did not answer)`);
      return { key: hub.keyOf(scope, layers, masked), snapshot };
    }
    const owner = node.ownerOf(scope);
    if (owner === undefined) return noOwner(`the partition of ${scope}`);
    if (owner === nodeId) return node.owns(scope) ? hub.open(scope, layers, masked) : noOwner(`the partition of ${scope}`);
    const snapshot = await ask<SnapshotFrame>('cluster:open', { to: owner, scope, layers, masked });
    if (!snapshot) return noOwner(`the partition of ${scope} (node ${owner} did not answer)`);
    // The owner registered the room under the key its hub sends to; the same function names it here.
    return { key: hub.keyOf(scope, layers, masked), snapshot };
  }

  const local = <K extends keyof DutyApi>(call: K, args: unknown[]) => (duty[call] as (...a: unknown[]) => unknown).apply(duty, args);

  /**
   * An action on, or the detail of, one alert runs on the node whose engine holds it live (the owner of the
   * alert's street), whose ordered lane decides every race as in one process (DESIGN §9.2). An alert no node
   * holds is answered here from the shared store when it is resolved or unknown; a live one whose street is
   * changing owner is refused with "retry" rather than decided by a second lane.
   */
  function routed(call: 'act' | 'detail') {
    return async (...args: unknown[]) => {
      const alertId = args[1] as string;
      if (node.ownsAll() || duty.holds(alertId)) return local(call, args);
      const answer = await ask<unknown>('cluster:duty', { to: ALERT_HOLDER, call, args, alertId });
      if (answer !== undefined) return answer;
      const stored = await duty.subject(alertId);
      if (!stored || stored.resolvedAt !== undefined || node.owns(stored.subject.grid)) return local(call, args);
      return { ok: false, error: noOwner(`the alerts of ${node.partitionOf(stored.subject.grid) ?? stored.subject.grid}`) };
    };
  }

  /** The queue across the cluster: every node's live alerts (its streets'), KPIs from the shared store. */
  async function list(...args: Parameters<DutyService['list']>): ReturnType<DutyService['list']> {
    if (node.ownsAll()) return duty.list(...args);
    const [mine, others] = await Promise.all([duty.list(...args), askAll<Awaited<ReturnType<DutyService['list']>>>('cluster:duty', { to: EVERY_NODE, call: 'list', args })]);
    if (!mine.ok) return mine;
    const byId = new Map(mine.data.alerts.map((a) => [a.id, a]));
    for (const r of others) {
      if (!r.ok) continue;
      // A live view (from the node holding it) wins over a stored resolved one of the same id.
      for (const a of r.data.alerts) if (!byId.has(a.id) || (byId.get(a.id)!.resolvedAt !== undefined && a.resolvedAt === undefined)) byId.set(a.id, a);
    }
    const alerts = [...byId.values()].sort((a, b) => a.firstSeen - b.firstSeen);
    return { ok: true, data: { alerts, kpis: await duty.storedKpis(args[0].area) } };
  }

  return {
    open,
    duty: {
      act: routed('act') as DutyApi['act'],
      detail: routed('detail') as DutyApi['detail'],
      list,
      // The audit log is the shared store's.
      audit: (...args) => duty.audit(...args),
      kpis: (area) => (node.ownsAll() ? duty.kpis(area) : duty.storedKpis(area)),
    },
    onFrame(frame, key) {
      if (!followed.has(key)) return;
      if (node.coordinates()) spanning.onStreetFrame(key, frame);
      else io.serverSideEmit('cluster:frame', key, frame);
    },
    tick: () => spanning.flush(),
    keeps: (key) => followed.has(key),
    prune: (size) => spanning.prune(size),
    spanning,
  };
}
