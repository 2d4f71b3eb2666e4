import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type DemoEnvironment, startDemoEnvironment } from '../demo-environment.js';
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
      // No 404 (the favicon included) and no console error while the page polled under load.
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
