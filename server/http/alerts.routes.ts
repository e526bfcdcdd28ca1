import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { DUTY_ACTIONS, isDutyAction, type AckResult, type ApiError, type Principal } from '../../protocol';
import type { RateLimit } from '../auth/rate-limits';
import { HTTP_STATUS, limitError } from '../duty/duty-errors';
import type { DutyApi } from '../hub/cluster.handlers';
import { alertFor, detailFor } from '../duty/duty-views';

export interface AlertRouteDeps {
  duty: DutyApi;
  /** Counts a refused request by reason (metrics). */
  rejected: (reason: string) => void;
  actionLimit?: RateLimit;
  /**
   * Sets `res.locals.principal` (auth.routes `requirePrincipal`) where no app-wide `/api` middleware has set it
   * already; with neither, requests get 401.
   */
  authenticate?: (req: Request, res: Response, next: NextFunction) => void;
}

/**
 * The duty workflow over REST, for scripts and the console alike (issue #6): the same rules, answers and
 * ApiError bodies as the socket requests. The principal is `res.locals.principal` (the auth middleware).
 *
 * - `GET /api/alerts[?include=recent]` → `{ alerts, kpis }` of the caller's jurisdiction
 * - `GET /api/alerts/kpis` → DutyKpis
 * - `GET /api/alerts/:id` → AlertDetail
 * - `POST /api/alerts/:id/:action` (ack, note, assign, dispatch, resolve) → DutyActionResult
 * - `GET /api/audit?alertId=&since=&limit=` → `{ entries }` (duty and admin)
 */
export function alertsRouter(deps: AlertRouteDeps): Router {
  const router = express.Router();
  const { duty } = deps;
  const json = express.json({ limit: '16kb' });

  const refuse = (res: Response, error: ApiError) => {
    deps.rejected(error.code);
    res.status(HTTP_STATUS[error.code]).json({ error });
  };
  /** Runs a handler for the request's principal and sends its answer (or 401 when there is none). */
  const handle =
    <T>(work: (p: Principal, req: Request) => Promise<AckResult<T>>, send: (res: Response, data: T) => void) =>
    (req: Request, res: Response, next: NextFunction) => {
      const principal = res.locals.principal as Principal | undefined;
      if (!principal) return refuse(res, { code: 'unauthorized', message: 'log in first: send Authorization: Bearer <token>' });
      work(principal, req).then((result) => (result.ok ? send(res, result.data) : refuse(res, result.error)), next);
    };

  const { authenticate } = deps;
  if (authenticate)
    router.use(['/api/alerts', '/api/audit'], (req, res, next) => (res.locals.principal ? next() : authenticate(req, res, next)));

  router.get(
    '/api/alerts',
    handle(
      (p, req) => duty.list(p, req.query.include === undefined ? {} : { include: req.query.include }),
      (res, data) => res.json({ ...data, alerts: data.alerts.map((a) => alertFor(res.locals.principal as Principal, a)) }),
    ),
  );
  router.get(
    '/api/alerts/kpis',
    handle(
      async (p) => ({ ok: true, data: await duty.kpis(p.area) }),
      (res, data) => res.json(data),
    ),
  );
  router.get(
    '/api/alerts/:id',
    handle(
      (p, req) => duty.detail(p, String(req.params.id)),
      (res, data) => res.json(detailFor(res.locals.principal as Principal, data)),
    ),
  );
  router.post(
    '/api/alerts/:id/:action',
    json,
    handle(
      async (p, req) => {
        const action = String(req.params.action);
        if (!isDutyAction(action))
          return { ok: false, error: { code: 'not_found', message: `no action ${action}: one of ${DUTY_ACTIONS.join(', ')}`, path: 'action' } };
        const limited = await limitError(deps.actionLimit, p);
        if (limited) return { ok: false, error: limited };
        return duty.act(action, String(req.params.id), req.body ?? {}, { principal: p, client: `http:${req.ip ?? 'unknown'}` });
      },
      (res, data) => res.status(data.replayed ? 200 : 201).json(data),
    ),
  );
  router.get(
    '/api/audit',
    handle(
      (p, req) => duty.audit(p, req.query),
      (res, entries) => res.json({ entries }),
    ),
  );

  // A body that is not JSON (or too large) for the action routes: a clear 400/413, counted.
  router.use('/api/alerts', (err: unknown, _req: Request, res: Response, next: NextFunction) => {
    const e = err as { type?: string; message?: string };
    if (e.type === 'entity.parse.failed') return refuse(res, { code: 'invalid_payload', message: `body is not JSON: ${e.message}` });
    if (e.type === 'entity.too.large') return refuse(res, { code: 'payload_too_large', message: 'an action body is at most 16 KB' });
    next(err);
  });
  return router;
}
