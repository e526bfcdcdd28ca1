import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Why browser tests cannot run here, or undefined when they can. Under CI=true they must run: a missing
 * browser is then a failure, not a skip.
 */
export function browserUnavailable(): string | undefined {
  if (existsSync(CHROMIUM)) return undefined;
  const reason = `Chromium not found at ${CHROMIUM} (apt-get install -y chromium fonts-noto-cjk)`;
  if (process.env.CI === 'true') throw new Error(`${reason}; under CI=true browser tests must run`);
  console.warn(`skipping browser tests: ${reason}`);
  return reason;
}

/** Headless Chromium with WebGL in software (Mesa llvmpipe through ANGLE/EGL; see TOOLCHAIN.md). */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--use-angle=gl-egl',
      '--ignore-gpu-blocklist',
    ],
  });
}

/**
 * Blocks every request that is not to localhost and remembers it, so a test can assert that the page
 * attempted none (DESIGN §9.9: nothing leaves the deployment).
 */
export async function blockExternalRequests(page: Page): Promise<string[]> {
  const attempted: string[] = [];
  await page.context().route('**/*', (route) => {
    const url = new URL(route.request().url());
    const local = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname) || url.protocol === 'data:' || url.protocol === 'blob:';
    if (local) return route.continue();
    attempted.push(url.href);
    return route.abort('blockedbyclient');
  });
  return attempted;
}
