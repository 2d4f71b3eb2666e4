import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type DemoEnvironment, startDemoEnvironment } from '../demo-environment.js';
import { activateTier } from '../pro/activate-tier.js';
import { resetProForTesting, trustKeysForTesting } from '../pro/test-license.js';
import { httpGet, waitUntil } from '../test-support/http-get.js';
import { testConfig } from '../test-support/test-config.js';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) {
  console.warn(`dashboard browser test skipped: ${CHROMIUM} not found (Debian: apt-get install -y chromium)`);
}

let browser: Browser | undefined;
let environment: DemoEnvironment | undefined;
const abandoned: AbortController[] = [];

beforeAll(async () => {
  if (!hasChromium) return;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  resetProForTesting();
  trustKeysForTesting([]);
});

afterEach(async () => {
  for (const controller of abandoned.splice(0)) controller.abort();
  await environment?.close();
  environment = undefined;
});

describe.skipIf(!hasChromium)('live dashboard in headless Chromium', () => {
  it('shows every compartment and its numbers change under load', { timeout: 60_000 }, async () => {
    environment = await startDemoEnvironment(testConfig());
    await environment.useMode('bulkheads');
    const { gateway, downstreams, registry } = environment;
    const page = await (browser as Browser).newPage();
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('requestfailed', (request) => problems.push(`failed: ${request.url()}`));
    page.on('response', (response) => {
      if (response.status() >= 400) problems.push(`${response.status()} ${response.url()}`);
    });
    try {
      await page.goto(`${gateway.url}/dashboard`);
      const cards = page.locator('[data-compartment]');
      await expect
        .poll(
          () =>
            cards.evaluateAll((elements) =>
              elements.map((element) => element.getAttribute('data-compartment')),
            ),
          {
            timeout: 30_000,
          },
        )
        .toEqual(['payment', 'user', 'inventory', 'cpu', 'connection-pool']);
      const payment = page.locator('[data-compartment="payment"]');
      expect(await payment.locator('[data-field="active"]').textContent()).toBe('0 / 2');
      expect(await page.locator('#mode').textContent()).toBe('bulkheads');

      downstreams.setFaults('payment', { latencyMs: 3_600_000 });
      for (let index = 0; index < 4; index++) {
        const controller = new AbortController();
        abandoned.push(controller);
        void httpGet(`${gateway.url}/api/payment`, { signal: controller.signal }).catch(() => undefined);
      }
      const state = registry.get('payment');
      await waitUntil(() => state.getState().rejectedCount === 1, {
        what: 'the fourth payment call to be rejected',
      });

      const paymentShows = (field: string, text: string): string =>
        `document.querySelector('[data-compartment="payment"] [data-field="${field}"]')?.textContent === '${text}'`;
      await page.waitForFunction(
        [paymentShows('active', '2 / 2'), paymentShows('queue', '1 / 1'), paymentShows('rejected', '1')].join(
          ' && ',
        ),
        undefined,
        { timeout: 30_000 },
      );
      expect(await payment.locator('[data-field="utilization"]').textContent()).toBe('100%');
      expect(await page.locator('#payment-latency').textContent()).toBe('3600000 ms');
      expect(await page.locator('#breaker').textContent()).toBe('none');
      // No 404 (the favicon included) and no console error while the page polled under load.
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('shows the PRO payment breaker opening', { timeout: 60_000 }, async () => {
    const tier = await activateTier({ pro: true, env: {}, log: () => {} });
    if (tier.registry === undefined) throw new Error('PRO did not activate');
    environment = await startDemoEnvironment(testConfig(), {
      pro: { registry: tier.registry, breakerResetMs: 3_600_000 },
    });
    await environment.useMode('bulkheads');
    const { gateway, downstreams } = environment;
    const page = await (browser as Browser).newPage();
    try {
      await page.goto(`${gateway.url}/dashboard`);
      await page.waitForFunction("document.getElementById('breaker')?.textContent === 'closed'", undefined, {
        timeout: 30_000,
      });
      downstreams.setFaults('payment', { latencyMs: 1, errorRate: 1 });
      let outcome: unknown;
      for (let attempt = 0; attempt < 100 && outcome !== 'short_circuited'; attempt++) {
        outcome = (await httpGet(`${gateway.url}/api/payment`)).headers['bulkhead-outcome'];
      }
      expect(outcome).toBe('short_circuited');
      await page.waitForFunction("document.getElementById('breaker')?.textContent === 'open'", undefined, {
        timeout: 30_000,
      });
    } finally {
      await page.close();
    }
  });
});
