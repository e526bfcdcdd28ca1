import type { ApiError, DutyKpis, Layer, SnapshotFrame } from '../../protocol';
import type { ClusterNode } from '../cluster/cluster-node';
import type { DutyService } from '../duty/duty-service';
import type { Hub } from './hub';
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
  /** How long to wait for another node's answer (ms). */
  timeoutMs?: number;
}

const CALLS = new Set<ClusterDutyRequest['call'] | 'kpis'>(['act', 'list', 'detail', 'audit', 'kpis']);

/**
 * The inter-node side of a cluster (DESIGN §7) on the Redis adapter: a node asked for a scope it does not own
 * gets the owner's snapshot (`cluster:open`; the owner's hub then sends that room's frames to every node), and
 * duty requests go to the node that owns the alerts (`cluster:duty`), whose ordered queue decides every race
 * exactly as in one process (DESIGN §9.2).
 */
export function registerClusterHandlers(io: GridPulseServer, deps: ClusterHandlerDeps): { open: (scope: string, layers: Layer[], masked: boolean) => Promise<{ key: string; snapshot: SnapshotFrame } | ApiError>; duty: DutyApi } {
  const { nodeId, node, hub, duty } = deps;
  const timeoutMs = deps.timeoutMs ?? 6000;

  io.on('cluster:open', (req, ack) => {
    if (req.to !== nodeId || !node.owns(req.scope)) return ack(null);
    ack(hub.open(req.scope, req.layers, req.masked).snapshot);
  });
  io.on('cluster:duty', (req, ack) => {
    if (req.to !== nodeId || !CALLS.has(req.call)) return ack(null);
    const fn = duty[req.call as keyof DutyApi] as (...args: unknown[]) => unknown;
    Promise.resolve(fn.apply(duty, req.args)).then(ack, (err: unknown) =>
      ack({ ok: false, error: { code: 'internal', message: (err as Error).message } }),
    );
  });

  /** Asks every other node; the one named `to` answers, the rest answer null. */
  function ask<T>(event: 'cluster:open' | 'cluster:duty', req: object): Promise<T | undefined> {
    return new Promise((resolve) => {
      // The adapter answers after every other node did, or after its request timeout (5 s) with what came in
      // time: a node that died a moment ago may still be counted and never answer.
      const done = (responses: unknown[] | undefined) => resolve((responses ?? []).find((r) => r !== null && r !== undefined) as T | undefined);
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
    const owner = node.ownerOf(scope);
    if (owner === undefined) {
      return node.partitionOf(scope) === undefined
        ? ({ code: 'unknown_scope', message: `scope ${scope} spans several streets; in a cluster subscribe to one street or below`, path: 'scope' } satisfies ApiError)
        : noOwner(`the partition of ${scope}`);
    }
    if (owner === nodeId) return node.owns(scope) ? hub.open(scope, layers, masked) : noOwner(`the partition of ${scope}`);
    const snapshot = await ask<SnapshotFrame>('cluster:open', { to: owner, scope, layers, masked });
    if (!snapshot) return noOwner(`the partition of ${scope} (node ${owner} did not answer)`);
    // The owner registered the room under the key its hub sends to; the same function names it here.
    return { key: hub.keyOf(scope, layers, masked), snapshot };
  }

  /** Duty calls run where the alerts are: here when this node owns them all, else on the owner of the root. */
  function forward<K extends keyof DutyApi>(call: K) {
    return (async (...args: unknown[]) => {
      if (node.ownsAll()) return (duty[call] as (...a: unknown[]) => unknown).apply(duty, args);
      const owner = node.ownerOf('*');
      const err = noOwner('the alerts');
      if (!owner) return call === 'kpis' ? Promise.reject(new Error(err.message)) : { ok: false, error: err };
      const res = await ask<unknown>('cluster:duty', { to: owner, call, args });
      if (res === undefined) return call === 'kpis' ? Promise.reject(new Error(err.message)) : { ok: false, error: err };
      return res;
    }) as unknown as DutyApi[K];
  }

  return { open, duty: { act: forward('act'), list: forward('list'), detail: forward('detail'), audit: forward('audit'), kpis: forward('kpis') } };
}
