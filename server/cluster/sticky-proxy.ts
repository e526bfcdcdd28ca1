import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';

export interface ProxyTarget {
  id: string;
  host: string;
  port: number;
}

export interface StickyProxyOptions {
  targets: readonly ProxyTarget[];
  /** Cookie that pins a browser to its node (Socket.IO's HTTP long-polling needs every request on one node). */
  cookie?: string;
  /** How long a node that refused a connection is left out (ms). */
  downForMs?: number;
  log?: (line: string) => void;
}

/**
 * A small sticky load balancer for `npm run cluster` (DESIGN §7): HTTP and WebSocket upgrades go to the node
 * named by the `gp_node` cookie, or to the least-loaded live node, which then sets the cookie. A node that refuses
 * a connection is skipped for a while and its clients are moved to another node, so a killed node's screens
 * reconnect elsewhere. Not a production proxy: use nginx or HAProxy with cookie or IP-hash stickiness there.
 */
export function createStickyProxy(opts: StickyProxyOptions): Server {
  const cookieName = opts.cookie ?? 'gp_node';
  const downForMs = opts.downForMs ?? 2000;
  const downUntil = new Map<string, number>();
  const active = new Map<string, number>(opts.targets.map((t) => [t.id, 0]));
  const log = opts.log ?? (() => undefined);
  // Health timing is the proxy's own business, on a monotonic timer (not the core's event clock).
  const now = () => performance.now();

  const live = () => opts.targets.filter((t) => (downUntil.get(t.id) ?? 0) <= now());
  const pick = (req: IncomingMessage): { target: ProxyTarget; pinned: boolean } | undefined => {
    const wanted = new RegExp(`(?:^|;\\s*)${cookieName}=([^;]+)`).exec(req.headers.cookie ?? '')?.[1];
    const candidates = live();
    const pinned = candidates.find((t) => t.id === wanted);
    if (pinned) return { target: pinned, pinned: true };
    const least = [...candidates].sort((a, b) => active.get(a.id)! - active.get(b.id)!)[0];
    return least && { target: least, pinned: false };
  };
  const markDown = (t: ProxyTarget, err: Error) => {
    if ((downUntil.get(t.id) ?? 0) <= now()) log(`node ${t.id} unreachable (${err.message}); routing around it for ${downForMs} ms`);
    downUntil.set(t.id, now() + downForMs);
  };

  const server = createServer((req, res) => {
    const forward = (attempt: number) => {
      const choice = pick(req);
      if (!choice) {
        res.writeHead(503, { 'content-type': 'application/json' }).end('{"error":{"code":"internal","message":"no GridPulse node is reachable"}}');
        return;
      }
      const { target, pinned } = choice;
      active.set(target.id, active.get(target.id)! + 1);
      const upstream = request(
        { host: target.host, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, 'x-forwarded-for': req.socket.remoteAddress ?? '' } },
        (up) => {
          const headers = { ...up.headers };
          if (!pinned) {
            const set = headers['set-cookie'] ?? [];
            headers['set-cookie'] = [...(Array.isArray(set) ? set : [set]), `${cookieName}=${target.id}; Path=/; HttpOnly; SameSite=Lax`];
          }
          res.writeHead(up.statusCode ?? 502, headers);
          up.pipe(res);
        },
      );
      upstream.on('close', () => active.set(target.id, Math.max(0, active.get(target.id)! - 1)));
      upstream.on('error', (err) => {
        markDown(target, err);
        // Only a request whose body was not consumed yet can be retried on another node.
        if (!res.headersSent && attempt < opts.targets.length && (req.method === 'GET' || req.method === 'HEAD')) forward(attempt + 1);
        else if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' }).end('{"error":{"code":"internal","message":"the node went away; retry"}}');
        else res.destroy();
      });
      req.pipe(upstream);
    };
    forward(1);
  });

  server.on('upgrade', (req: IncomingMessage, client: Socket, head: Buffer) => {
    const choice = pick(req);
    if (!choice) return client.destroy();
    const { target } = choice;
    // A WebSocket is a long-lived client of its node: it counts towards the node's load while open.
    active.set(target.id, active.get(target.id)! + 1);
    let counted = true;
    const release = () => {
      if (counted) active.set(target.id, Math.max(0, active.get(target.id)! - 1));
      counted = false;
    };
    const upstream = connect(target.port, target.host, () => {
      const lines = [`${req.method} ${req.url} HTTP/${req.httpVersion}`];
      for (let i = 0; i < req.rawHeaders.length; i += 2) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
      upstream.write(`${lines.join('\r\n')}\r\n\r\n`);
      if (head.length) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', (err) => {
      markDown(target, err);
      client.destroy();
    });
    client.on('error', () => upstream.destroy());
    upstream.on('close', () => {
      release();
      client.destroy();
    });
    client.on('close', () => {
      release();
      upstream.destroy();
    });
  });
  return server;
}
