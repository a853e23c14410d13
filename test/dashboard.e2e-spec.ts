import { Browser } from 'playwright-core';
import { launchBrowser } from './support/browser';
import { freePort } from './support/free-port';
import { startTestApp } from './support/in-process-server';
import { StartedServer } from './support/protocol.suite';
import { endQueueTest, TestRedis, uniquePrefix, useTestRedis } from './support/redis';

/** The opt-in queue dashboard (bull-board) in a real headless Chromium. */
describe('queue dashboard (queue mode, headless Chromium)', () => {
  let redis: TestRedis;
  let prefix: string;
  let server: StartedServer;
  let browser: Browser;
  let dashboard: string;

  beforeAll(async () => {
    redis = await useTestRedis();
    prefix = uniquePrefix('dashboard');
    const port = await freePort();
    dashboard = `http://127.0.0.1:${port}/`;
    server = await startTestApp({
      REDIS_URL: redis.url,
      UFOP_MODE: 'queue',
      UFOP_QUEUE_PREFIX: prefix,
      UFOP_DASHBOARD_PORT: String(port),
      UFOP_DASHBOARD_USER: 'ops',
      UFOP_DASHBOARD_PASSWORD: 'dashboard-secret',
    });
    browser = await launchBrowser();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await endQueueTest(redis, [prefix]);
  });

  /** The status the browser got for the dashboard. Chromium ends a navigation answered 401 with an auth error. */
  async function statusSeen(credentials?: {
    username: string;
    password: string;
  }): Promise<{ status: number; auth?: string }> {
    const context = await browser.newContext(credentials ? { httpCredentials: credentials } : {});
    try {
      const page = await context.newPage();
      const response = page.waitForResponse((r) => r.url() === dashboard);
      await page.goto(dashboard).catch(() => undefined);
      const seen = await response;
      return { status: seen.status(), auth: seen.headers()['www-authenticate'] };
    } finally {
      await context.close();
    }
  }

  it('answers 401 without credentials (and with wrong ones)', async () => {
    expect(await statusSeen()).toEqual({ status: 401, auth: expect.stringMatching(/^Basic realm=/) });
    expect((await statusSeen({ username: 'ops', password: 'nope' })).status).toBe(401);
  });

  it('lists the ufop queue with them', async () => {
    // A job through the queue first, so the board has something to show.
    expect((await fetch(`${server.baseUrl}/handler?cmd=demo/hello/board`, { method: 'POST' })).status).toBe(200);
    const context = await browser.newContext({ httpCredentials: { username: 'ops', password: 'dashboard-secret' } });
    try {
      const page = await context.newPage();
      const response = await page.goto(dashboard);
      expect(response?.status()).toBe(200);
      // bull-board renders the queue list client-side from its API.
      await page.getByText('ufop', { exact: true }).first().waitFor({ timeout: 15_000 });
      const api = await page.evaluate(async () => (await fetch('api/queues')).json());
      expect((api as { queues: Array<{ name: string }> }).queues.map((queue) => queue.name)).toEqual(['ufop']);
    } finally {
      await context.close();
    }
  });
});

describe('queue dashboard refusals', () => {
  it('refuses to start in inline mode, where there is no queue to show', async () => {
    const port = await freePort();
    await expect(
      startTestApp({
        UFOP_MODE: 'inline',
        UFOP_DASHBOARD_PORT: String(port),
        UFOP_DASHBOARD_USER: 'u',
        UFOP_DASHBOARD_PASSWORD: 'p',
      }),
    ).rejects.toThrow(/inline mode/);
  });
});
