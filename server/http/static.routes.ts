import { existsSync } from 'node:fs';
import { join } from 'node:path';
import express, { type Router } from 'express';

/** Paths the SPA fallback must never answer with index.html. */
const NOT_SPA = /^\/(api|socket\.io|healthz|metrics)(\/|$)/;

/**
 * Serves the built client (dist/client). Hashed assets are cached for a year; page routes (/wall, /tablet,
 * /duty, …) fall back to index.html; a missing asset is a real 404, never HTML (TOOLCHAIN: a 200 text/html
 * for a missing worker script hides a broken map).
 */
export function staticRouter(dir: string): Router {
  const router = express.Router();
  const index = join(dir, 'index.html');
  router.use('/assets', express.static(join(dir, 'assets'), { immutable: true, maxAge: '1y', fallthrough: false }));
  router.use(express.static(dir, { index: false }));
  router.get('/{*splat}', (req, res, next) => {
    if (NOT_SPA.test(req.path) || /\.[a-z0-9]+$/i.test(req.path)) return next();
    if (!existsSync(index)) {
      res.status(503).type('text/plain').send('The GridPulse client is not built yet: run `npm run build` (npm start does it for you).');
      return;
    }
    res.set('Cache-Control', 'no-cache').sendFile(index);
  });
  return router;
}
