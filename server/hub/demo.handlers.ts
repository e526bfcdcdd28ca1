import type { z } from 'zod';
import {
  demoEmptyRequestSchema,
  demoLoadRequestSchema,
  demoLoopRequestSchema,
  demoSeekRequestSchema,
  demoSpeedRequestSchema,
  type Ack,
  type ApiError,
  type DemoStatus,
  type ServerStatus,
} from '../../protocol';
import { DemoError, type DemoSession } from '../demo/demo-session';
import { registerScopeHandlers } from './scope.handlers';
import type { DemoNamespace, DemoSocket, GridPulseNamespace, GridPulseServer, GridPulseSocket } from './types';

export interface DemoHandlerDeps {
  session: DemoSession;
  /** Counts a refused request by reason (DESIGN §5). */
  rejected: (reason: string) => void;
}

/** Turns a failure into the ack's error: a DemoError keeps its code, anything else is internal. */
function toApiError(err: unknown): ApiError {
  if (err instanceof DemoError) return { code: err.code, message: err.message };
  return { code: 'internal', message: err instanceof Error ? err.message : String(err) };
}

/**
 * The presenter's controls on `/demo` (`demo:list`, `demo:load`, `demo:play`, `demo:pause`, `demo:speed`,
 * `demo:seek`, `demo:loop`): each validated (zod) and answered with an ack; a bad payload changes nothing.
 */
export function registerDemoHandlers(socket: DemoSocket, deps: DemoHandlerDeps): void {
  const { session } = deps;

  /** Validates `req`, runs `run` with it and acks its result, or acks why not. */
  function handle<S extends z.ZodType, T>(
    schema: S,
    req: unknown,
    ack: Ack<T> | undefined,
    run: (data: z.output<S>) => Promise<T>,
  ): void {
    const reply = (result: Parameters<Ack<T>>[0]) => {
      if (typeof ack === 'function') ack(result);
    };
    const parsed = schema.safeParse(req);
    if (!parsed.success) {
      deps.rejected('invalid_payload');
      const issue = parsed.error.issues[0];
      const path = issue?.path.map(String).join('.') || undefined;
      reply({ ok: false, error: { code: 'invalid_payload', message: issue?.message ?? 'invalid request', path } });
      return;
    }
    run(parsed.data).then(
      (data) => reply({ ok: true, data }),
      (err: unknown) => {
        const error = toApiError(err);
        deps.rejected(error.code);
        reply({ ok: false, error });
      },
    );
  }

  socket.on('demo:list', (req, ack) => handle(demoEmptyRequestSchema, req, ack, () => session.list()));
  socket.on('demo:load', (req, ack) =>
    handle(demoLoadRequestSchema, req, ack, ({ recordingId }) => session.load(recordingId)),
  );
  socket.on('demo:play', (req, ack) => handle(demoEmptyRequestSchema, req, ack, () => session.play()));
  socket.on('demo:pause', (req, ack) => handle(demoEmptyRequestSchema, req, ack, () => session.pause()));
  socket.on('demo:speed', (req, ack) =>
    handle(demoSpeedRequestSchema, req, ack, ({ speed }) => session.setSpeed(speed)),
  );
  socket.on('demo:seek', (req, ack) => handle(demoSeekRequestSchema, req, ack, ({ time }) => session.seek(time)));
  socket.on('demo:loop', (req, ack) => handle(demoLoopRequestSchema, req, ack, ({ on }) => session.setLoop(on)));
  // A newcomer sees where the replay is at once.
  socket.emit('demo:status', session.status() satisfies DemoStatus);
}

export interface DemoNamespaceDeps extends DemoHandlerDeps {
  /** The demo world's server status (mode `demo`, its epoch and virtual time). */
  status: () => ServerStatus;
}

/**
 * Serves `/demo`: status on connect, scope subscriptions exactly as on `/` but against whichever demo world is
 * current, and the presenter's controls.
 */
export function attachDemoNamespace(io: GridPulseServer, nsp: GridPulseNamespace, deps: DemoNamespaceDeps): void {
  const { session } = deps;
  nsp.on('connection', (socket) => {
    socket.emit('status:changed', deps.status());
    // Getters: the world is replaced on load, loop and backwards seek; a request goes to the current one.
    registerScopeHandlers(io, socket, {
      get hub() {
        return session.world.hub;
      },
      get aggregator() {
        return session.world.aggregator;
      },
      rejected: deps.rejected,
    });
    registerDemoHandlers(asDemoSocket(socket), deps);
    socket.on('disconnect', () => session.world.hub.prune());
  });
}

/** Tells every `/demo` client where the replay is, and (status:changed) which world it shows. */
export function broadcastDemoStatus(nsp: GridPulseNamespace, demo: DemoStatus, status: ServerStatus): void {
  // A demo session is one node's own (a presenter's screens are pinned to it): its news stays on this node.
  (nsp as unknown as DemoNamespace).local.emit('demo:status', demo);
  nsp.local.emit('status:changed', status);
}

/**
 * The same socket, typed with the demo controls on top of the scope requests. socket.io types a namespace
 * with the server's event maps; `/demo` adds its own, so its sockets are re-typed here, in one place.
 */
function asDemoSocket(socket: GridPulseSocket): DemoSocket {
  return socket as unknown as DemoSocket;
}
