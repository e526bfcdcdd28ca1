import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blockExternalRequests, browserUnavailable, launchBrowser } from '../helpers/browser';
import { loginToken } from '../helpers/auth';
import { alarm, clippedText, grids, layoutProblems, signIn, startScreens, type Cockpit } from './screens-rig';

const skip = browserUnavailable();

const REGIONS = ['.duty__bar', '[data-testid="alert-kpis"]', '.duty__queue', '.duty__detail', '.duty__foot'];

/** The queue rows as the page shows them: id, acknowledged, severity class. */
function rows(page: Page) {
  return page.locator('[data-testid="alert-queue"] [role="option"]');
}

describe.skipIf(skip)('the duty console in Chromium', () => {
  let cockpit: Cockpit;
  let browser: Browser;
  let page: Page;
  let external: string[];

  beforeAll(async () => {
    cockpit = await startScreens([
      { name: 'zhangsan', role: 'duty' },
      { name: 'lisi', role: 'duty' },
      { name: 'wangwu', role: 'leader' },
    ]);
    browser = await launchBrowser();
    mkdirSync('test-results', { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await cockpit?.close();
  });

  it('signs in, refuses a wrong password, and keeps the session across a reload', async () => {
    page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    external = await blockExternalRequests(page);
    await page.goto(`${cockpit.url}/duty`);
    await page.getByTestId('login-name').fill('zhangsan');
    await page.getByTestId('login-password').fill('wrong-password');
    await page.getByTestId('login-submit').click();
    await expect
      .poll(() => page.getByTestId('login-error').innerText(), { timeout: 10_000 })
      .toBe('用户名或密码不正确');
    await signIn(page, 'zhangsan');
    await page.getByTestId('duty-console').waitFor({ timeout: 10_000 });
    await page.locator('[data-testid="duty-connection"][data-state="live"]').waitFor({ timeout: 10_000 });
    expect(await page.getByTestId('duty-user').innerText()).toContain('zhangsan');
    await page.reload();
    await page.locator('[data-testid="duty-connection"][data-state="live"]').waitFor({ timeout: 10_000 });
  }, 60_000);

  it('works an alert from raise to resolve with the keyboard, the audit trail growing live', async () => {
    const [g1, g2] = grids(cockpit);
    await alarm(cockpit.url, g1!, 'sos');
    await alarm(cockpit.url, g2!, 'smoke');
    // Most severe first: the critical smoke alarm heads the queue. The selection stays where the officer left it
    // (the SOS, first to arrive) so a key press never lands on an alert that just slid under it; Home goes up.
    await expect.poll(() => rows(page).count(), { timeout: 10_000 }).toBe(2);
    await expect.poll(() => rows(page).first().getAttribute('class')).toContain('is-critical');
    const critical = await rows(page).first().getAttribute('data-alert-id');
    expect(await page.getByTestId('alert-detail').getAttribute('data-alert-id')).toMatch(/^elderly-sos:/);
    await page.getByTestId('alert-queue').focus();
    await page.keyboard.press('Home');
    await expect.poll(() => page.getByTestId('alert-detail').getAttribute('data-alert-id')).toBe(critical);
    // Time since raised is on screen and ticks.
    const age = page.locator('[data-testid="alert-age"]').first();
    const before = await age.innerText();
    await expect.poll(() => age.innerText(), { timeout: 5_000 }).not.toBe(before);
    // Sound until acknowledged: the alarm is on (or waits for the browser's go-ahead).
    expect(['playing', 'blocked']).toContain(await page.getByTestId('sound-toggle').getAttribute('data-sound'));

    // `a` opens the acknowledgement; a critical alert needs a note first.
    await page.getByTestId('alert-queue').focus();
    await page.keyboard.press('a');
    await page.getByTestId('action-dialog').waitFor();
    expect(await page.getByTestId('dialog-submit').isDisabled()).toBe(true);
    await page.getByTestId('dialog-note').fill('已电话联系网格员到场核实');
    await page.keyboard.press('Control+Enter');
    await page.getByTestId('action-dialog').waitFor({ state: 'detached', timeout: 10_000 });
    await expect.poll(() => rows(page).first().getAttribute('data-acknowledged')).toBe('true');
    await expect
      .poll(() => page.locator('[data-testid="alert-audit"] li[data-action="ack"]').innerText())
      .toContain('已电话联系网格员到场核实');
    await expect.poll(() => page.getByTestId('sound-toggle').getAttribute('data-sound')).toBe('idle');

    // `n` adds a note, `s` assigns, `d` dispatches as a case, `r` resolves: each one an audit row at once.
    await page.keyboard.press('n');
    await page.getByTestId('dialog-note').fill('消防站已出发');
    await page.getByTestId('dialog-submit').click();
    await page.locator('[data-testid="alert-audit"] li[data-action="note"]').waitFor({ timeout: 10_000 });
    await page.keyboard.press('s');
    await page.getByTestId('dialog-assignee').fill('lisi');
    await page.keyboard.press('Enter');
    await page.locator('[data-testid="alert-audit"] li[data-action="assign"]').waitFor({ timeout: 10_000 });
    await page.keyboard.press('d');
    await page.getByTestId('dialog-submit').click();
    await page.locator('[data-testid="alert-audit"] li[data-action="dispatch"]').waitFor({ timeout: 10_000 });
    await page.getByTestId('alert-cases').waitFor({ timeout: 10_000 });
    expect(await page.getByTestId('alert-detail').innerText()).toMatch(/关联工单/);
    await page.keyboard.press('r');
    await page.getByTestId('dialog-submit').click();
    // Resolved, it leaves the live queue (the detector still reports smoke, so the rule raises a fresh alert).
    await expect
      .poll(() => page.locator(`[data-alert-id="${critical}"][role="option"]`).count(), { timeout: 10_000 })
      .toBe(0);
    expect(await page.getByTestId('alert-detail').getAttribute('data-alert-id')).not.toBe(critical);
    await expect.poll(() => rows(page).count(), { timeout: 10_000 }).toBe(2);

    // j/k move; / focuses the search; the filter narrows the queue.
    await page.keyboard.press('/');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('filter-text');
    await page.keyboard.type('不存在的内容');
    await expect.poll(() => rows(page).count()).toBe(0);
    await page.keyboard.press('Escape');
    await page.getByTestId('filter-text').fill('');
    await expect.poll(() => rows(page).count()).toBe(2);
    await page.getByTestId('filter-sev-major').click();
    await expect.poll(() => rows(page).count()).toBe(1);
    expect(await rows(page).first().getAttribute('data-alert-id')).toMatch(/^elderly-sos:/);
    await page.getByTestId('filter-sev-major').click();

    // ? shows the keyboard sheet.
    await page.getByTestId('alert-queue').focus();
    await page.keyboard.press('?');
    await page.getByTestId('duty-help').waitFor();
    await page.keyboard.press('Escape');
    await page.getByTestId('duty-help').waitFor({ state: 'detached' });
  }, 90_000);

  it('tells the second operator who acknowledged first and when, in the page language', async () => {
    const before = await rows(page).count();
    await alarm(cockpit.url, grids(cockpit)[5]!, 'smoke');
    await expect.poll(() => rows(page).count(), { timeout: 10_000 }).toBe(before + 1);
    // The newest critical alert: unacknowledged critical ones come first, oldest first, so it is the last of them.
    const id = await page
      .locator('[role="option"].is-critical[data-acknowledged="false"]')
      .last()
      .getAttribute('data-alert-id');
    await page.locator(`[role="option"][data-alert-id="${id}"]`).click();
    await page.getByTestId('alert-queue').focus();
    await page.keyboard.press('a');
    await page.getByTestId('dialog-note').fill('我来处理');
    // Another operator acknowledges through the REST API while this dialog is open.
    const token = await loginToken(
      cockpit.url,
      { name: 'lisi', role: 'duty', area: '*', password: 'screens-test-password' },
      cockpit.gp,
    );
    const res = await fetch(`${cockpit.url}/api/alerts/${encodeURIComponent(id!)}/ack`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ opId: 'e2e-rest-ack-0001', note: '已派人' }),
    });
    expect(res.status).toBe(201);
    await page.getByTestId('dialog-submit').click();
    await expect
      .poll(() => page.getByTestId('dialog-error').innerText(), { timeout: 10_000 })
      .toMatch(/^操作未执行：已由 lisi 于 \d\d:\d\d:\d\d 确认$/);
    await page.keyboard.press('Escape');
    // The other operator's acknowledgement reached this console live, with its audit row.
    await expect
      .poll(() => page.locator(`[role="option"][data-alert-id="${id}"]`).getAttribute('data-acknowledged'))
      .toBe('true');
    await page.locator('[data-testid="alert-audit"] li[data-action="ack"]').waitFor();
    expect(await page.locator('[data-testid="alert-audit"] li[data-action="ack"]').innerText()).toContain('lisi');
  }, 60_000);

  it('is read-only for a leader', async () => {
    const leader = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await leader.goto(`${cockpit.url}/duty`);
    await signIn(leader, 'wangwu');
    await leader.getByTestId('alert-detail').waitFor({ timeout: 10_000 });
    expect(await leader.getByTestId('action-ack').isDisabled()).toBe(true);
    await leader.close();
  }, 30_000);

  it('fits 1920×1080, 4K and 1024×768, in Chinese and English, large text and high contrast', async () => {
    const shots: [string, number, number, number, string][] = [
      ['duty-1920x1080', 1920, 1080, 1, ''],
      ['duty-3840x2160', 1920, 1080, 2, ''],
      ['duty-1024x768', 1024, 768, 1, ''],
      ['duty-en-1920x1080', 1920, 1080, 1, '?lang=en'],
      ['duty-large-contrast-1024x768', 1024, 768, 1, '?large=1&contrast=high'],
    ];
    for (const [name, w, h, scale, query] of shots) {
      const ctx = await browser.newContext({ viewport: { width: w, height: h }, deviceScaleFactor: scale });
      const p = await ctx.newPage();
      await blockExternalRequests(p);
      await p.goto(`${cockpit.url}/duty${query}`);
      await signIn(p, 'zhangsan');
      await p.getByTestId('alert-detail').waitFor({ timeout: 10_000 });
      await p.locator('[data-testid="alert-audit"] li').first().waitFor({ timeout: 10_000 });
      await p.waitForTimeout(300);
      await p.screenshot({ path: `test-results/${name}.png` });
      expect(await layoutProblems(p, REGIONS), name).toEqual([]);
      expect(
        await clippedText(
          p,
          '.duty__bar button, .kpis__sev, .kpis__fig small, .filters__chip, .gp-sev, .detail__actions button',
        ),
        name,
      ).toEqual([]);
      await ctx.close();
    }
    expect(external).toEqual([]);
  }, 90_000);
});
