import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { ROLES, loginRequestSchema, userCreateSchema, type ApiError, type Principal } from '../../protocol';
import { z } from 'zod';
import type { AuthService } from '../auth/auth-service';
import { hashPassword } from '../auth/passwords';
import type { RateLimit } from '../auth/rate-limits';
import { UserExistsError } from '../auth/user-store';

export interface AuthRouteDeps {
  auth: AuthService;
  loginLimit: RateLimit;
  /** Counts a refusal by reason (metrics). */
  rejected: (reason: string) => void;
}

function fail(res: Response, status: number, error: ApiError): void {
  res.status(status).json({ error });
}

function bearer(req: Request): string | undefined {
  const m = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '');
  return m?.[1];
}

/** The principal `requirePrincipal` put on the response. */
export function principalOf(res: Response): Principal {
  return res.locals.principal as Principal;
}

/**
 * Sets `res.locals.principal` from `Authorization: Bearer <jwt>` (or the anonymous wall when anonymity is on
 * and no token is sent); 401 with the reason otherwise (DESIGN §3.6).
 */
export function requirePrincipal(deps: Pick<AuthRouteDeps, 'auth' | 'rejected'>) {
  return (req: Request, res: Response, next: NextFunction) => {
    deps.auth.authenticate(bearer(req)).then((result) => {
      if (!result.ok) {
        deps.rejected('unauthorized');
        return fail(res, 401, { code: 'unauthorized', message: result.reason });
      }
      res.locals.principal = result.principal;
      next();
    }, next);
  };
}

/** Refuses principals without one of `roles` (403 saying which roles may). */
export function requireRole(...roles: Principal['role'][]) {
  return (_req: Request, res: Response, next: NextFunction) => {
    const p = principalOf(res);
    if (roles.includes(p.role)) return next();
    fail(res, 403, { code: 'forbidden', message: `role ${p.role} may not do this; needs ${roles.join(' or ')}` });
  };
}

const userPatchSchema = z.strictObject({
  role: z.enum(ROLES).optional(),
  area: userCreateSchema.shape.area.optional(),
  displayName: z.string().max(64).optional(),
  password: userCreateSchema.shape.password.optional(),
  disabled: z.boolean().optional(),
});

function invalid(res: Response, error: z.ZodError): void {
  const issue = error.issues[0];
  fail(res, 400, { code: 'invalid_payload', message: issue?.message ?? 'invalid body', path: issue?.path.join('.') || undefined });
}

/**
 * `POST /api/login`, `GET /api/me`, `POST /api/token/refresh`, and the admin user API
 * (`GET|POST /api/users`, `PATCH|DELETE /api/users/:name`).
 */
export function authRouter(deps: AuthRouteDeps): Router {
  const router = express.Router();
  const json = express.json({ limit: '16kb' });
  const authed = requirePrincipal(deps);

  router.post('/api/login', json, async (req, res, next) => {
    try {
      const parsed = loginRequestSchema.safeParse(req.body);
      if (!parsed.success) {
        deps.rejected('invalid_payload');
        return invalid(res, parsed.error);
      }
      const { name, password } = parsed.data;
      const wait = await deps.loginLimit.take(`${req.ip ?? '?'}|${name}`);
      if (wait > 0) {
        deps.rejected('rate_limited');
        res.set('Retry-After', String(Math.ceil(wait / 1000)));
        return fail(res, 429, { code: 'rate_limited', message: `too many login attempts; try again in ${Math.ceil(wait / 1000)} s`, retryAfterMs: wait });
      }
      const session = await deps.auth.login(name, password);
      if (!session) {
        deps.rejected('login_failed');
        return fail(res, 401, { code: 'unauthorized', message: 'wrong user name or password (or the user is disabled)' });
      }
      res.json(session);
    } catch (err) {
      next(err);
    }
  });

  router.get('/api/me', authed, (_req, res) => {
    res.json({ user: principalOf(res), anonymousAllowed: deps.auth.anonymous });
  });

  router.post('/api/token/refresh', authed, async (_req, res, next) => {
    try {
      const p = principalOf(res);
      if (p.anonymous) return fail(res, 400, { code: 'invalid_payload', message: 'the anonymous wall has no token to refresh' });
      res.json({ ...(await deps.auth.issue(p)), user: p });
    } catch (err) {
      next(err);
    }
  });

  const admin = [authed, requireRole('admin')];
  router.get('/api/users', ...admin, async (_req, res, next) => {
    try {
      res.json({ users: await deps.auth.users.list() });
    } catch (err) {
      next(err);
    }
  });
  router.post('/api/users', ...admin, json, async (req, res, next) => {
    try {
      const parsed = userCreateSchema.safeParse(req.body);
      if (!parsed.success) return invalid(res, parsed.error);
      await deps.auth.addUser(parsed.data);
      const { passwordHash: _h, ...view } = (await deps.auth.users.get(parsed.data.name))!;
      res.status(201).json({ user: view });
    } catch (err) {
      if (err instanceof UserExistsError) return fail(res, 409, { code: 'conflict', message: err.message, path: 'name' });
      next(err);
    }
  });
  router.patch('/api/users/:name', ...admin, json, async (req, res, next) => {
    try {
      const parsed = userPatchSchema.safeParse(req.body);
      if (!parsed.success) return invalid(res, parsed.error);
      const { password, ...rest } = parsed.data;
      const user = await deps.auth.users.update(String(req.params.name), {
        ...rest,
        ...(password ? { passwordHash: await hashPassword(password) } : {}),
      });
      if (!user) return fail(res, 404, { code: 'not_found', message: `no user named "${String(req.params.name)}"` });
      res.json({ user });
    } catch (err) {
      next(err);
    }
  });
  router.delete('/api/users/:name', ...admin, async (req, res, next) => {
    try {
      const name = String(req.params.name);
      if (name === principalOf(res).name) return fail(res, 409, { code: 'conflict', message: 'an admin cannot delete their own account' });
      if (!(await deps.auth.users.remove(name))) return fail(res, 404, { code: 'not_found', message: `no user named "${name}"` });
      res.status(204).end();
    } catch (err) {
      next(err);
    }
  });
  return router;
}
