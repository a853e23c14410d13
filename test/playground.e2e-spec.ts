import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import sharp from 'sharp';
import type { PlaygroundData } from '../src/http/playground.controller';
import { launchBrowser } from './support/browser';
import { startTestApp } from './support/in-process-server';
import { StartedServer } from './support/protocol.suite';

/** Screenshots land here (gitignored), for a person to look at after a run. */
const ARTIFACTS = join(__dirname, 'artifacts');

/** What the functions given to the page use of the browser's DOM (the tests are compiled without its types). */
interface PageImage {
  complete: boolean;
  naturalWidth: number;
}
declare const document: { querySelector(selector: string): PageImage | null };

/**
 * The playground page at GET /_ufop/playground: when it is served, and the page itself in a real headless Chromium
 * (upload a JPEG, run thumb/200, see a 200 px image; an unknown cmd shows the 404 message).
 */
describe('playground (GET /_ufop/playground)', () => {
  describe('when it is served', () => {
    const servers: StartedServer[] = [];
    const start = async (env: Record<string, string>) => {
      const server = await startTestApp({ UFOP_PLAYGROUND: '', npm_lifecycle_event: '', NODE_ENV: '', ...env });
      servers.push(server);
      return server;
    };
    afterAll(() => Promise.all(servers.map((server) => server.close())));

    it('is a 404 {"error"} by default, as an unknown path is, and so is its routes list', async () => {
      const { baseUrl } = await start({});
      for (const path of ['/_ufop/playground', '/_ufop/playground/routes']) {
        const res = await fetch(`${baseUrl}${path}`);
        expect(res.status).toBe(404);
        expect(await res.json()).toEqual({ error: `Cannot GET ${path}` });
      }
    });

    it('is served under npm run start:dev, but not with NODE_ENV=production unless UFOP_PLAYGROUND=true', async () => {
      const dev = await start({ npm_lifecycle_event: 'start:dev' });
      expect((await fetch(`${dev.baseUrl}/_ufop/playground`)).status).toBe(200);
      const prod = await start({ npm_lifecycle_event: 'start:dev', NODE_ENV: 'production' });
      expect((await fetch(`${prod.baseUrl}/_ufop/playground`)).status).toBe(404);
      const asked = await start({ NODE_ENV: 'production', UFOP_PLAYGROUND: 'true' });
      expect((await fetch(`${asked.baseUrl}/_ufop/playground`)).status).toBe(200);
    });

    it('is one self-contained HTML page that may load nothing from elsewhere, with the discovered routes beside it', async () => {
      const { baseUrl } = await start({ UFOP_PLAYGROUND: 'true' });
      const res = await fetch(`${baseUrl}/_ufop/playground`);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(res.headers.get('content-security-policy')).toMatch(/default-src 'none'.*connect-src 'self'/);
      const html = await res.text();
      expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)=/i);
      expect(html.replace(/placeholder="[^"]*"/g, '')).not.toMatch(/https?:\/\//);

      const routes = (await (await fetch(`${baseUrl}/_ufop/playground/routes`)).json()) as PlaygroundData;
      expect(routes.mode).toBe('inline');
      expect(routes.routes).toEqual(
        expect.arrayContaining([
          {
            pattern: 'thumb/:width/:height?',
            start: 'thumb/',
            handler: 'ThumbHandler.thumb()',
            args: [
              { name: 'width', optional: false, in: 'path', rules: ['isInt', 'min 1', 'max 8192'] },
              { name: 'height', optional: true, in: 'path', rules: ['isInt', 'min 1', 'max 8192'] },
              expect.objectContaining({ name: 'mode', optional: true, in: 'pair' }),
            ],
          },
          expect.objectContaining({
            pattern: 'hello/:name?',
            start: 'hello/',
            args: [expect.objectContaining({ name: 'name', optional: true })],
          }),
        ]),
      );
    });
  });

  describe('in a browser', () => {
    let server: StartedServer;
    let browser: Browser;
    let jpeg: Buffer;
    const outside: string[] = [];

    beforeAll(async () => {
      mkdirSync(ARTIFACTS, { recursive: true });
      server = await startTestApp({ UFOP_PLAYGROUND: 'true' });
      browser = await launchBrowser();
      const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="640" height="400">
        <defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="#0a6cff"/><stop offset="1" stop-color="#ff7a45"/></linearGradient></defs>
        <rect width="640" height="400" fill="url(#g)"/><circle cx="470" cy="130" r="70" fill="#ffd166"/>
        <polygon points="0,400 220,170 420,400" fill="#14213d"/><polygon points="260,400 460,210 640,400" fill="#274472"/></svg>`;
      jpeg = await sharp(Buffer.from(svg)).jpeg({ quality: 85 }).toBuffer();
    }, 60_000);

    afterAll(async () => {
      await browser?.close();
      await server?.close();
    });

    it('runs thumb/200 on an uploaded JPEG and shows a 200 px wide result, then the 404 of an unknown cmd', async () => {
      const page = await browser.newPage({ viewport: { width: 1200, height: 820 } });
      // Everything the page asks for must come from this server: the page works offline.
      page.on('request', (request) => {
        if (!request.url().startsWith(server.baseUrl) && !/^(blob|data):/.test(request.url()))
          outside.push(request.url());
      });
      await page.goto(`${server.baseUrl}/_ufop/playground`);
      await page.getByRole('button', { name: 'thumb/:width/:height?' }).waitFor();

      await page.getByLabel('Input file').setInputFiles({ name: 'photo.jpg', mimeType: 'image/jpeg', buffer: jpeg });
      await page.getByLabel('cmd', { exact: true }).fill('thumb/200');
      await page.getByRole('button', { name: 'Run', exact: true }).click();

      const result = page.getByRole('img', { name: 'result' });
      await result.waitFor();
      await page.waitForFunction(() => document.querySelector('img[alt="result"]')?.complete === true);
      expect(await result.evaluate((img: PageImage) => img.naturalWidth)).toBe(200);
      const facts = page.locator('#facts');
      await expect(facts.textContent()).resolves.toMatch(/status200 OK/);
      await expect(facts.textContent()).resolves.toMatch(/content typeimage\/jpeg/);
      await expect(facts.textContent()).resolves.toMatch(/Server-Timinginput [\d.]+ ms.*process [\d.]+ ms/);
      await expect(page.getByRole('link', { name: /Download the result/ }).getAttribute('download')).resolves.toBe(
        'result.jpeg',
      );
      await page.screenshot({ path: join(ARTIFACTS, 'playground.png'), fullPage: true });

      await page.getByLabel('cmd', { exact: true }).fill('no-such-command');
      await page.getByRole('button', { name: 'Run', exact: true }).click();
      const alert = page.getByRole('alert');
      await alert.waitFor();
      await expect(alert.textContent()).resolves.toBe('404: no handler for cmd "ufop/no-such-command"');
      expect(await page.getByRole('img', { name: 'result' }).count()).toBe(0);
      await page.screenshot({ path: join(ARTIFACTS, 'playground-404.png'), fullPage: true });

      expect(outside).toEqual([]);
      await page.close();
    }, 60_000);
  });
});
