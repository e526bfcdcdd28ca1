import { connect } from 'node:net';

/** Whether something accepts TCP connections on host:port within `timeoutMs`. */
export function portOpen(port: number, host = '127.0.0.1', timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * Why tests needing a local service cannot run, or undefined when they can. Under CI=true the service must be
 * there (.ci/run starts it): a missing one is a failure, not a skip.
 */
export async function serviceUnavailable(name: string, port: number, host = '127.0.0.1'): Promise<string | undefined> {
  if (await portOpen(port, host)) return undefined;
  const reason = `${name} is not listening on ${host}:${port}`;
  if (process.env.CI === 'true') throw new Error(`${reason}; under CI=true these tests must run (.ci/run starts it)`);
  console.warn(`skipping ${name} tests: ${reason}`);
  return reason;
}
