import {
  ALERT_EVENT_OF,
  DUTY_ACTIONS,
  alertDetailRequestSchema,
  dutyActionRequestSchemas,
  type Ack,
  type AckResult,
  type DutyAction,
  type DutyActionResult,
  type DutyKpis,
  type Principal,
} from '../../protocol';
import { jurisdictionsContaining, viewerRoom, viewerRoomsFor } from '../auth/visibility';
import { maskAlert } from '../auth/masking';
import type { RateLimit } from '../auth/rate-limits';
import { limitError, zodError } from '../duty/duty-errors';
import type { DutyNotifier } from '../duty/duty-service';
import type { DutyApi } from './cluster.handlers';
import { alertFor, detailFor, maskEntry } from '../duty/duty-views';
import type { GridPulseNamespace, GridPulseServer, GridPulseSocket } from './types';

export interface AlertHandlerDeps {
  duty: DutyApi;
  /** Counts a refused request by reason (DESIGN §5: every bad payload is counted). */
  rejected: (reason: string) => void;
  /** Per-user budget of duty actions; a spent budget is answered `rate_limited` with the wait. */
  actionLimit?: RateLimit;
}

/**
 * Sends the duty workflow's news only to the clients whose jurisdiction contains the alert (DESIGN §3.6, §9.7):
 * the viewer rooms of the alert's area and of every area above it — the full alert to `full` rooms, the masked
 * one to wall rooms. KPIs go to each such room as the figures of that room's own jurisdiction.
 */
export function createAlertNotifier(
  nsp: GridPulseNamespace,
  kpisFor: (area: string) => DutyKpis | Promise<DutyKpis>,
): DutyNotifier {
  const emit = (area: string, kpis: DutyKpis) =>
    nsp.to([viewerRoom(area, false), viewerRoom(area, true)]).emit('kpis:changed', kpis);
  return {
    alert(n) {
      const rooms = viewerRoomsFor(n.alert.subject.grid);
      const event = ALERT_EVENT_OF[n.change];
      nsp.to(rooms.full).emit(event, n);
      nsp.to(rooms.masked).emit(event, { ...n, alert: maskAlert(n.alert) });
    },
    actioned(entry, alert) {
      const rooms = viewerRoomsFor(alert.subject.grid);
      nsp.to(rooms.full).emit('alert:actioned', entry);
      nsp.to(rooms.masked).emit('alert:actioned', maskEntry(entry));
    },
    kpisChanged(grids) {
      const areas = new Set(grids.flatMap((g) => jurisdictionsContaining(g)));
      for (const area of areas) {
        const kpis = kpisFor(area);
        // Figures that need a store read (a cluster's areas spanning streets) go out when they are in.
        if (kpis instanceof Promise) kpis.then((k) => emit(area, k), () => undefined);
        else emit(area, kpis);
      }
    },
  };
}

/**
 * `alert:list`, `alert:detail` and the duty actions `alert:ack|note|assign|dispatch|resolve` on the live
 * namespace, for the socket's principal (set by the auth middleware). Demo worlds never get these handlers
 * (DESIGN §9.8): a replay cannot act on real alerts.
 */
export function registerAlertHandlers(_io: GridPulseServer, socket: GridPulseSocket, deps: AlertHandlerDeps): void {
  const { duty } = deps;

  /** Answers the request, counting every refusal by its reason. */
  function answer<T>(ack: Ack<T> | undefined, work: (p: Principal) => Promise<AckResult<T>>): void {
    const reply = (result: AckResult<T>) => {
      if (!result.ok) deps.rejected(result.error.code);
      if (typeof ack === 'function') ack(result);
    };
    if (typeof ack !== 'function') deps.rejected('missing_ack');
    const principal = socket.data.principal;
    if (!principal) return reply({ ok: false, error: { code: 'unauthorized', message: 'this connection has no user: reconnect with a token' } });
    work(principal).then(reply, (err: unknown) => reply({ ok: false, error: { code: 'internal', message: (err as Error).message ?? String(err) } }));
  }

  socket.on('alert:list', (req, ack) =>
    answer(ack, async (p) => {
      const res = await duty.list(p, req);
      return res.ok ? { ok: true, data: { ...res.data, alerts: res.data.alerts.map((a) => alertFor(p, a)) } } : res;
    }),
  );

  socket.on('alert:detail', (req, ack) =>
    answer(ack, async (p) => {
      const parsed = alertDetailRequestSchema.safeParse(req);
      if (!parsed.success) return { ok: false, error: zodError(parsed.error.issues, 'alert:detail') };
      const res = await duty.detail(p, parsed.data.alertId);
      return res.ok ? { ok: true, data: detailFor(p, res.data) } : res;
    }),
  );

  const register = (action: DutyAction) =>
    socket.on(`alert:${action}`, (req: unknown, ack: Ack<DutyActionResult> | undefined) =>
      answer(ack, async (p) => {
        const parsed = dutyActionRequestSchemas[action].safeParse(req);
        if (!parsed.success) return { ok: false, error: zodError(parsed.error.issues, `alert:${action}`) };
        const limited = await limitError(deps.actionLimit, p);
        if (limited) return { ok: false, error: limited };
        const { alertId, ...body } = parsed.data;
        return duty.act(action, alertId, body, { principal: p, client: socket.id });
      }),
    );
  for (const action of DUTY_ACTIONS) register(action);
}
