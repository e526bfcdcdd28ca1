/**
 * When a page shows the demo replay (DESIGN §9.8: clearly marked DEMO): `?demo=1` asks for it, and a server
 * started with `--demo <file>` says `mode: 'demo'` in its status, which every page then follows.
 */
export function demoRequested(search: string): boolean {
  const v = new URLSearchParams(search).get('demo');
  return v !== null && v !== '0' && v !== 'false';
}

export interface DemoMarkInput {
  path: string;
  search: string;
  /** Mode in the status of the namespace the page is connected to, if any. */
  socketMode?: 'live' | 'demo';
  /** Mode the server reported over HTTP at load, if known. */
  serverMode?: 'live' | 'demo';
}

/** Whether the page shows demo data and must carry the DEMO mark. */
export function showsDemo(input: DemoMarkInput): boolean {
  return (
    input.path === '/demo' || demoRequested(input.search) || input.socketMode === 'demo' || input.serverMode === 'demo'
  );
}
