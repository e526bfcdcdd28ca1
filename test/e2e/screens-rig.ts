/**
 * What the browser tests of the operator screens (duty console, tablet, wall alerts) share: the whole product
 * (startCockpit) with alert rules that fire on one report and a few users, alarms through POST /api/ingest, a
 * login through the real form, and layout checks.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { Page } from 'playwright-core';
import type { Role } from '../../protocol';
import { alertRuleSchema } from '../../server/alerts/rule.schema';
import { startCockpit } from '../helpers/start-cockpit';
import { ingest, ndjson } from '../helpers/start-app';

export type Cockpit = Awaited<ReturnType<typeof startCockpit>>;

/** Critical smoke alarm and major SOS per grid, raised on the first report (no `for`), no escalation. */
export const SCREEN_RULES = [
  alertRuleSchema.parse({
    id: 'smoke-alarm',
    kind: 'threshold',
    name: '烟感报警',
    nameEn: 'Smoke alarm',
    severity: 'critical',
    level: 'grid',
    metric: 'live.smokeAlarms',
    op: '>=',
    value: 1,
    escalation: null,
  }),
  alertRuleSchema.parse({
    id: 'elderly-sos',
    kind: 'threshold',
    name: '老人手环呼救',
    nameEn: 'Elderly SOS',
    severity: 'major',
    level: 'grid',
    metric: 'live.sosActive',
    op: '>=',
    value: 1,
    escalation: null,
  }),
];

export const PASSWORD = 'screens-test-password';

/** The cockpit with the rules loaded (reloaded at run time, as an admin would) and the given users. */
export async function startScreens(users: { name: string; role: Role; area?: string }[]): Promise<Cockpit> {
  const cockpit = await startCockpit();
  cockpit.gp.alerts.setRules(SCREEN_RULES);
  for (const u of users)
    await cockpit.gp.auth.addUser({ name: u.name, password: PASSWORD, role: u.role, area: u.area ?? '*' });
  return cockpit;
}

export function grids(cockpit: Cockpit, community?: string) {
  return cockpit.district.areas.filter((a) => a.level === 'grid' && (!community || a.parent === community));
}

export function communities(cockpit: Cockpit) {
  return cockpit.district.areas.filter((a) => a.level === 'community');
}

let seq = 0;
/** A smoke detector (critical) or an SOS wearable (major) alarming at the centre of a grid. */
export async function alarm(
  url: string,
  grid: { center: [number, number] },
  kind: 'smoke' | 'sos' = 'smoke',
): Promise<void> {
  const n = ++seq;
  const device =
    kind === 'smoke'
      ? { deviceId: `e2e-smoke-${n}`, deviceType: 'smoke', metrics: { smoke: 1 } }
      : { deviceId: `e2e-band-${n}`, deviceType: 'wearable', metrics: { sos: 1 } };
  const event = {
    kind: 'device.telemetry',
    id: `e2e-alarm-${n}-${Date.now()}`,
    source: 'e2e',
    time: Date.now() - 500,
    lon: grid.center[0],
    lat: grid.center[1],
    ...device,
  };
  const res = await ingest(url, ndjson([event]));
  if (res.status !== 200 || res.body.accepted !== 1) throw new Error(`ingest refused: ${JSON.stringify(res.body)}`);
}

/** Signs in through the page's own form. */
export async function signIn(page: Page, name: string): Promise<void> {
  await page.getByTestId('login-name').fill(name);
  await page.getByTestId('login-password').fill(PASSWORD);
  await page.getByTestId('login-submit').click();
}

/**
 * Layout problems of a page: anything wider than the viewport (a horizontal scroll), regions outside the viewport
 * (or outside the `frame` element, such as the wall's scaled canvas), regions that overlap each other, and, with
 * `parts`, anything drawn outside the region's part that holds it (cut off, or spilling over a neighbour).
 */
export async function layoutProblems(
  page: Page,
  regions: string[],
  options: { frame?: string; parts?: string } = {},
): Promise<string[]> {
  return page.evaluate(
    ({ sels, frame, parts }) => {
      const problems: string[] = [];
      if (document.documentElement.scrollWidth > window.innerWidth + 1)
        problems.push(`page scrolls sideways: ${document.documentElement.scrollWidth} > ${window.innerWidth}`);
      const outer = frame
        ? document.querySelector(frame)!.getBoundingClientRect()
        : { left: 0, top: 0, right: window.innerWidth, bottom: window.innerHeight };
      const boxes = sels.map((sel) => {
        const el = document.querySelector(sel);
        if (!el) {
          problems.push(`${sel}: missing`);
          return undefined;
        }
        const r = el.getBoundingClientRect();
        if (
          r.left < outer.left - 1 ||
          r.top < outer.top - 1 ||
          r.right > outer.right + 1 ||
          r.bottom > outer.bottom + 1
        )
          problems.push(`${sel}: outside ${frame ?? 'the viewport'}`);
        for (const part of parts ? el.querySelectorAll(parts) : []) {
          const box = part.getBoundingClientRect();
          for (const child of part.querySelectorAll('*')) {
            const c = child.getBoundingClientRect();
            if (c.width === 0 || c.height === 0) continue;
            if (c.left < box.left - 1 || c.right > box.right + 1 || c.top < box.top - 1 || c.bottom > box.bottom + 1) {
              problems.push(`${sel}: ${child.className || child.tagName} overflows ${part.className}`);
              break;
            }
          }
        }
        return { sel, r };
      });
      for (let i = 0; i < boxes.length; i++) {
        for (let j = i + 1; j < boxes.length; j++) {
          const a = boxes[i];
          const b = boxes[j];
          if (!a || !b) continue;
          const x = Math.min(a.r.right, b.r.right) - Math.max(a.r.left, b.r.left);
          const y = Math.min(a.r.bottom, b.r.bottom) - Math.max(a.r.top, b.r.top);
          if (x > 1 && y > 1) problems.push(`${a.sel} overlaps ${b.sel}`);
        }
      }
      return problems;
    },
    { sels: regions, frame: options.frame, parts: options.parts },
  );
}

/** Text cut off inside elements that must show it whole (a label that does not fit its box). */
export async function clippedText(page: Page, selector: string): Promise<string[]> {
  return page.evaluate((sel) => {
    const out: string[] = [];
    for (const el of document.querySelectorAll<HTMLElement>(sel)) {
      if (el.offsetParent === null) continue;
      if (el.scrollWidth > el.clientWidth + 1)
        out.push(`${el.className || el.tagName}: "${el.textContent?.trim().slice(0, 30)}"`);
    }
    return out;
  }, selector);
}

/**
 * A TCP relay on a fixed local port, so a page keeps its address while the server behind it is stopped and a new
 * one started (a restart on another port). `target(undefined)` refuses connections, like a stopped server.
 */
export async function relay(): Promise<{ url: string; target(url: string | undefined): void; close(): Promise<void> }> {
  let upstream: number | undefined;
  const open = new Set<Socket>();
  const server: Server = createServer((client) => {
    open.add(client);
    client.on('close', () => open.delete(client));
    if (upstream === undefined) return void client.destroy();
    const up = connect(upstream, '127.0.0.1');
    open.add(up);
    const end = () => {
      client.destroy();
      up.destroy();
      open.delete(up);
    };
    client.on('error', end);
    up.on('error', end);
    client.on('close', end);
    up.on('close', end);
    client.pipe(up);
    up.pipe(client);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    target(url) {
      upstream = url ? Number(new URL(url).port) : undefined;
      if (!url) for (const s of open) s.destroy();
    },
    close: () =>
      new Promise<void>((done) => {
        for (const s of open) s.destroy();
        server.close(() => done());
      }),
  };
}
