import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import {
  CASE_HEX_RESOLUTIONS,
  CASE_WINDOWS,
  inJurisdiction,
  type ApiError,
  type CaseHexesResponse,
  type Principal,
} from '../../protocol';
import { caseHexCells } from '../../geo/case-hexes';
import { isCaseWindow } from '../../geo/case-window';
import { HTTP_STATUS } from '../duty/duty-errors';
import type { World } from '../world';

export type WorldName = CaseHexesResponse['world'];

export interface CaseRouteDeps {
  /** The world a request reads: the live one, or the demo replay's current one (DESIGN §9.8). */
  world: (name: WorldName) => Pick<World, 'aggregator' | 'clock'>;
  /** Sets `res.locals.principal` (auth.routes `requirePrincipal`) or answers 401. */
  authenticate: (req: Request, res: Response, next: NextFunction) => void;
  /** Counts a refused request by reason (metrics). */
  rejected: (reason: string) => void;
}

/**
 * `GET /api/cases/hexes?scope=&window=&res=&world=` → CaseHexesResponse: the map's case hexagons (weighted case
 * counts per H3 cell, with the cells' boundaries) of one area, counted here so the client needs no h3-js.
 * `scope` defaults to the caller's jurisdiction, `window` to `open`, `res` to 9, `world` to `live`. The same
 * jurisdiction rule as a `scope:subscribe` applies; the cells carry counts only, no personal data.
 */
export function casesRouter(deps: CaseRouteDeps): Router {
  const router = express.Router();
  const refuse = (res: Response, error: ApiError) => {
    deps.rejected(error.code);
    res.status(HTTP_STATUS[error.code]).json({ error });
  };
  const one = (req: Request, name: string): string | undefined => {
    const v = req.query[name];
    return typeof v === 'string' ? v : undefined;
  };

  router.get('/api/cases/hexes', (req, res, next) =>
    res.locals.principal ? next() : deps.authenticate(req, res, next),
  );
  router.get('/api/cases/hexes', (req, res) => {
    const principal = res.locals.principal as Principal;
    for (const name of ['scope', 'window', 'res', 'world']) {
      const v = req.query[name];
      if (v !== undefined && typeof v !== 'string')
        return refuse(res, { code: 'invalid_payload', message: `${name} must be given once`, path: name });
    }
    const window = one(req, 'window') ?? 'open';
    if (!isCaseWindow(window))
      return refuse(res, {
        code: 'invalid_payload',
        message: `window must be one of ${CASE_WINDOWS.join(', ')}; got ${JSON.stringify(window)}`,
        path: 'window',
      });
    const resText = one(req, 'res') ?? '9';
    const resolution = Number(resText);
    const { min, max } = CASE_HEX_RESOLUTIONS;
    if (!/^\d+$/.test(resText) || resolution < min || resolution > max)
      return refuse(res, {
        code: 'invalid_payload',
        message: `res must be an integer from ${min} to ${max}; got ${JSON.stringify(resText)}`,
        path: 'res',
      });
    const worldName = one(req, 'world') ?? 'live';
    if (worldName !== 'live' && worldName !== 'demo')
      return refuse(res, {
        code: 'invalid_payload',
        message: `world must be live or demo; got ${JSON.stringify(worldName)}`,
        path: 'world',
      });
    const scope = one(req, 'scope') ?? principal.area;
    const world = deps.world(worldName);
    if (!world.aggregator.knowsScope(scope))
      return refuse(res, {
        code: 'unknown_scope',
        message: `no area with code ${scope} in this district`,
        path: 'scope',
      });
    // Jurisdiction as for a subscription (DESIGN §3.6, §9.7); the refusal does not echo the other area back.
    if (!inJurisdiction(principal, scope))
      return refuse(res, {
        code: 'forbidden',
        message: `${principal.name} (${principal.role}) may see area ${principal.area} only`,
        path: 'scope',
      });
    const time = world.clock.now();
    const body: CaseHexesResponse = {
      scope,
      world: worldName,
      window,
      resolution,
      time,
      cells: caseHexCells(world.aggregator.cases.views(scope), window, time, resolution),
    };
    res.set('Cache-Control', 'no-store').json(body);
  });
  return router;
}
