import {
  inJurisdiction,
  masksPersonalData,
  subscribeRequestSchema,
  unsubscribeRequestSchema,
  type Ack,
  type ApiError,
  type Layer,
  type SnapshotFrame,
} from '../../protocol';
import type { Aggregator } from '../aggregate/aggregator';
import type { Hub } from './hub';
import type { GridPulseServer, GridPulseSocket } from './types';

export interface ScopeHandlerDeps {
  hub: Hub;
  aggregator: Aggregator;
  /** Counts a refused request by reason (DESIGN §5: every bad payload is counted). */
  rejected: (reason: string) => void;
  /**
   * In a cluster: opens the subscription on the node that owns the scope (its hub sends the room's frames through
   * the adapter) and returns that node's snapshot; an ApiError when no node can serve it. Default: this hub.
   */
  open?: (scope: string, layers: Layer[], masked: boolean) => Promise<{ key: string; snapshot: SnapshotFrame } | ApiError>;
}

function fail<T>(ack: Ack<T> | undefined, error: ApiError): void {
  if (typeof ack === 'function') ack({ ok: false, error });
}

/** `scope:subscribe` / `scope:unsubscribe`: snapshot on subscribe, then the room's delta frames. */
export function registerScopeHandlers(_io: GridPulseServer, socket: GridPulseSocket, deps: ScopeHandlerDeps): void {
  socket.data.rooms ??= new Map();

  socket.on('scope:subscribe', (req, ack) => {
    const parsed = subscribeRequestSchema.safeParse(req);
    if (!parsed.success) {
      deps.rejected('invalid_payload');
      const issue = parsed.error.issues[0];
      return fail(ack, {
        code: 'invalid_payload',
        message: issue?.message ?? 'invalid subscribe request',
        path: issue?.path.join('.') || undefined,
      });
    }
    const { scope, layers } = parsed.data;
    if (!deps.aggregator.knowsScope(scope)) {
      deps.rejected('unknown_scope');
      return fail(ack, { code: 'unknown_scope', message: `no area with code ${scope} in this district`, path: 'scope' });
    }
    // Jurisdiction is enforced here, on the server, for every subscription (DESIGN §3.6, §9.7).
    const { principal } = socket.data;
    if (!inJurisdiction(principal, scope)) {
      deps.rejected('forbidden');
      return fail(ack, {
        code: 'forbidden',
        // The refusal does not echo the code back: it says what this user may see, nothing about the other area.
        message: `${principal.name} (${principal.role}) may see area ${principal.area} only`,
        path: 'scope',
      });
    }
    const masked = masksPersonalData(principal.role);
    const subscribe = ({ key, snapshot }: { key: string; snapshot: SnapshotFrame }) => {
      const previous = socket.data.rooms.get(scope);
      if (previous && previous !== key) void socket.leave(previous);
      void socket.join(key);
      socket.data.rooms.set(scope, key);
      if (typeof ack === 'function') ack({ ok: true, data: snapshot });
    };
    if (!deps.open) return subscribe(deps.hub.open(scope, layers, masked));
    // In a cluster the snapshot is cut on another node, whose next frames may arrive here before its answer: the
    // socket joins the room first, so it holds them (the client applies those after the snapshot's seq) rather
    // than missing them and seeing a gap.
    const key = deps.hub.keyOf(scope, layers, masked);
    const joinedBefore = socket.rooms.has(key);
    void socket.join(key);
    const undo = () => {
      if (!joinedBefore && socket.data.rooms.get(scope) !== key) void socket.leave(key);
    };
    deps.open(scope, layers, masked).then(
      (opened) => ('code' in opened ? (undo(), deps.rejected(opened.code), fail(ack, opened)) : subscribe(opened)),
      (err: unknown) => (undo(), fail(ack, { code: 'internal', message: `subscribe failed: ${(err as Error).message}` })),
    );
  });

  socket.on('scope:unsubscribe', (req, ack) => {
    const parsed = unsubscribeRequestSchema.safeParse(req);
    if (!parsed.success) {
      deps.rejected('invalid_payload');
      return fail(ack, { code: 'invalid_payload', message: 'scope must be a string', path: 'scope' });
    }
    const key = socket.data.rooms.get(parsed.data.scope);
    if (key) {
      void socket.leave(key);
      socket.data.rooms.delete(parsed.data.scope);
      deps.hub.prune();
    }
    if (typeof ack === 'function') ack({ ok: true, data: null });
  });
}
