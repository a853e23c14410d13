import { request as httpRequest } from 'node:http';
import { animation, bands, frames, pixel, Rgb, solid } from './images';
import { SOURCE_BYTES, SourceServer, startSourceServer } from './source-server';

export interface StartedServer {
  baseUrl: string;
  close(): Promise<void>;
}

/** Starts the TestAppModule (sample + fixtures) with these environment variables on a free port. */
export type StartServer = (env: Record<string, string>) => Promise<StartedServer>;

export interface Reply {
  status: number;
  type: string | null;
  body: Buffer;
  headers: Headers;
  json<T = Record<string, unknown>>(): T;
}

export async function post(
  baseUrl: string,
  query: Record<string, string>,
  init: {
    body?: Buffer | string;
    contentType?: string;
    headers?: Record<string, string>;
    method?: string;
    path?: string;
  } = {},
): Promise<Reply> {
  const url = new URL(init.path ?? '/handler', baseUrl);
  for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
  const headers: Record<string, string> = { ...init.headers };
  if (init.contentType) headers['content-type'] = init.contentType;
  const response = await fetch(url, { method: init.method ?? 'POST', body: init.body, headers });
  const body = Buffer.from(await response.arrayBuffer());
  return {
    status: response.status,
    type: response.headers.get('content-type'),
    body,
    headers: response.headers,
    json: <T>() => JSON.parse(body.toString('utf8')) as T,
  };
}

/** Sends a chunked body (no Content-Length) and reports what the server answered and whether it closed the socket. */
export function postChunked(
  baseUrl: string,
  cmd: string,
  totalBytes: number,
): Promise<{ status: number; body: string; closed: boolean }> {
  return new Promise((resolve, reject) => {
    const url = new URL(`/handler?cmd=${encodeURIComponent(cmd)}`, baseUrl);
    const req = httpRequest(url, { method: 'POST', headers: { 'content-type': 'application/octet-stream' } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, closed: res.headers.connection === 'close' }));
    });
    req.on('error', reject);
    const chunk = Buffer.alloc(64 * 1024, 7);
    let sent = 0;
    const pump = () => {
      while (sent < totalBytes) {
        sent += chunk.length;
        if (!req.write(chunk)) return req.once('drain', pump);
      }
      req.end();
    };
    // The server may answer 413 and close before all is sent: that is the point, not an error.
    req.on('socket', (socket) => socket.on('error', () => undefined));
    pump();
  });
}

/**
 * Every behaviour of Qiniu's contract that a user relies on, run against a server that `start` boots.
 * The inline and queue modes both run it: their answers (status, type, bytes) must be the same.
 */
export function describeProtocolSuite(label: string, start: StartServer): void {
  describe(`UFOP protocol (${label})`, () => {
    let source: SourceServer;
    let server: StartedServer; // defaults: private addresses refused
    let dev: StartedServer; // UFOP_NAME, small limits, private addresses allowed for the local source server
    let narrowed: StartedServer; // allowlist of one host name

    beforeAll(async () => {
      source = await startSourceServer();
      server = await start({});
      dev = await start({
        UFOP_NAME: 'demo',
        UFOP_MAX_BODY_BYTES: String(1024 * 1024),
        UFOP_HANDLER_TIMEOUT_MS: '1000',
        UFOP_FETCH_TIMEOUT_MS: '1000',
        UFOP_FETCH_MAX_REDIRECTS: '3',
        UFOP_ALLOW_PRIVATE_URLS: 'true',
      });
      narrowed = await start({ UFOP_ALLOW_PRIVATE_URLS: 'true', UFOP_URL_ALLOWLIST: 'localhost' });
    }, 60_000);

    afterAll(async () => {
      await Promise.all([server?.close(), dev?.close(), narrowed?.close(), source?.close()]);
    });

    describe('sample handlers', () => {
      it('hello/:name? answers text with the name, or world', async () => {
        const named = await post(server.baseUrl, { cmd: 'demo/hello/qq' });
        expect([named.status, named.type, named.body.toString()]).toEqual([
          200,
          'text/plain; charset=utf-8',
          'hello qq',
        ]);
        const bare = await post(server.baseUrl, { cmd: 'demo/hello' });
        expect(bare.body.toString()).toBe('hello world');
      });

      it('json answers a JSON object naming the input type', async () => {
        const reply = await post(server.baseUrl, { cmd: 'demo/json' }, { body: 'x', contentType: 'image/gif' });
        expect(reply.status).toBe(200);
        expect(reply.type).toBe('application/json');
        expect(reply.json()).toEqual({ msg: 'hello world', content_type: 'image/gif' });
      });

      it('echo returns the raw body bytes with their type, whatever the type (no body parsing)', async () => {
        for (const [body, type] of [
          [SOURCE_BYTES, 'application/octet-stream'],
          [Buffer.from('{"a":1}'), 'application/json'],
          [Buffer.from('a=1&b=2'), 'application/x-www-form-urlencoded'],
        ] as const) {
          const reply = await post(server.baseUrl, { cmd: 'demo/echo' }, { body, contentType: type });
          expect(reply.status).toBe(200);
          expect(reply.type).toBe(type);
          expect(reply.body.equals(body)).toBe(true);
        }
      });

      it('echo of an empty body is an empty body', async () => {
        const reply = await post(server.baseUrl, { cmd: 'demo/echo' });
        expect(reply.status).toBe(200);
        expect(reply.body.length).toBe(0);
      });

      it('thumb fits a real image inside the requested size, keeping its aspect ratio', async () => {
        const png = await solid(400, 300, '#3366cc');
        const reply = await post(
          server.baseUrl,
          { cmd: 'demo/thumb/200/100' },
          { body: png, contentType: 'image/png' },
        );
        expect(reply.status).toBe(200);
        expect(reply.type).toBe('image/png');
        expect(await frames(reply.body)).toMatchObject({ format: 'png', width: 133, height: 100 });
        const byWidth = await post(server.baseUrl, { cmd: 'demo/thumb/100' }, { body: png, contentType: 'image/png' });
        expect(await frames(byWidth.body)).toMatchObject({ width: 100, height: 75 });
      });

      it('thumb mode/crop gives exactly width × height, cut around the centre rather than squeezed', async () => {
        const reply = await post(
          server.baseUrl,
          { cmd: 'demo/thumb/100/100/mode/crop' },
          { body: await bands(), contentType: 'image/png' },
        );
        expect(reply.status).toBe(200);
        expect(await frames(reply.body)).toMatchObject({ format: 'png', width: 100, height: 100 });
        const blue: Rgb = [0, 0, 255];
        // The red and green side bands were cut off, not squeezed in: every edge is the blue middle.
        expect(
          await Promise.all(
            [
              [0, 0],
              [99, 0],
              [0, 99],
              [99, 99],
              [50, 50],
            ].map(([x, y]) => pixel(reply.body, x, y)),
          ),
        ).toEqual(Array(5).fill(blue));
        const fit = await post(
          server.baseUrl,
          { cmd: 'demo/thumb/100/100/mode/fit' },
          { body: await bands(), contentType: 'image/png' },
        );
        expect(await frames(fit.body)).toMatchObject({ width: 100, height: 50 });
      });

      it.each(['gif', 'webp'] as const)(
        'thumb keeps every frame of an animated %s, fitted and cropped',
        async (format) => {
          const animated = await animation(format, 400, 300);
          expect(await frames(animated)).toMatchObject({ format, pages: 2 });
          const fitted = await post(
            server.baseUrl,
            { cmd: 'demo/thumb/200' },
            { body: animated, contentType: `image/${format}` },
          );
          expect([fitted.status, fitted.type]).toEqual([200, `image/${format}`]);
          expect(await frames(fitted.body)).toEqual({ format, pages: 2, width: 200, height: 150 });
          expect([await pixel(fitted.body, 100, 75, 0), await pixel(fitted.body, 100, 75, 1)]).toEqual([
            [255, 0, 0],
            [0, 0, 255],
          ]);
          const cropped = await post(
            server.baseUrl,
            { cmd: 'demo/thumb/50/100/mode/crop' },
            { body: animated, contentType: `image/${format}` },
          );
          expect(await frames(cropped.body)).toEqual({ format, pages: 2, width: 50, height: 100 });
        },
      );

      it('thumb refuses bad sizes and non-images with 400', async () => {
        const bad = await post(server.baseUrl, { cmd: 'demo/thumb/abc' }, { body: 'x' });
        expect([bad.status, bad.json()]).toEqual([400, { error: 'invalid args: width must be an integer number' }]);
        const huge = await post(server.baseUrl, { cmd: 'demo/thumb/100000' }, { body: 'x' });
        expect(huge.status).toBe(400);
        const badMode = await post(server.baseUrl, { cmd: 'demo/thumb/10/10/mode/stretch' }, { body: 'x' });
        expect([badMode.status, badMode.json()]).toEqual([
          400,
          { error: 'invalid args: mode must be one of the following values: fit, crop' },
        ]);
        const notImage = await post(
          server.baseUrl,
          { cmd: 'demo/thumb/10/10' },
          { body: 'not an image', contentType: 'image/png' },
        );
        expect(notImage.status).toBe(400);
        expect(notImage.json().error).toMatch(/not an image/);
      });
    });

    describe('cmd and routing', () => {
      it('an unknown cmd is a 404 naming the cmd (echo is not a catch-all)', async () => {
        const reply = await post(server.baseUrl, { cmd: 'demo/nosuch/thing' });
        expect(reply.status).toBe(404);
        expect(reply.json()).toEqual({ error: 'no handler for cmd "demo/nosuch/thing"' });
        expect((await post(server.baseUrl, { cmd: 'demo/echox' })).status).toBe(404);
      });

      it('a missing cmd is a 400', async () => {
        const reply = await post(server.baseUrl, {});
        expect(reply.status).toBe(400);
        expect(reply.json().error).toMatch(/missing cmd/);
      });

      it('the UFOP name is stripped whatever it is, unless UFOP_NAME pins it', async () => {
        expect((await post(server.baseUrl, { cmd: 'anyname/hello/x' })).body.toString()).toBe('hello x');
        expect((await post(dev.baseUrl, { cmd: 'demo/hello/x' })).body.toString()).toBe('hello x');
        const other = await post(dev.baseUrl, { cmd: 'other/hello/x' });
        expect(other.status).toBe(400);
        expect(other.json().error).toMatch(/not for this UFOP/);
      });

      it('Qiniu-style key/value pairs reach the handler as args', async () => {
        const reply = await post(server.baseUrl, { cmd: 'demo/fixture/args/w/200/h/100' });
        expect(reply.json()).toEqual({ w: '200', h: '100' });
      });

      it('a cmd that matches a route but leaves a value out is a 400 naming it, not a 404', async () => {
        const noValue = await post(server.baseUrl, { cmd: 'demo/fixture/args/w/200/h' });
        expect([noValue.status, noValue.json().error]).toEqual([
          400,
          'invalid args: missing value for "h": args after the route come in key/value pairs (h/<value>)',
        ]);
        const noWidth = await post(server.baseUrl, { cmd: 'demo/thumb/' }, { body: 'x' });
        expect([noWidth.status, noWidth.json().error]).toEqual([
          400,
          'invalid args: missing value for "width": the route is thumb/:width/:height?',
        ]);
      });

      it('numbers and booleans in args are read strictly: plain decimals, true/false/1/0', async () => {
        const typed = await post(server.baseUrl, { cmd: 'demo/fixture/typed/count/007/ratio/-2.5/strict/0' });
        expect(typed.json()).toEqual({ count: ['number', 7], ratio: ['number', -2.5], strict: ['boolean', false] });
        for (const width of ['1e3', '0x10', '+5', '3.0', ' 5', 'Infinity', 'NaN']) {
          const reply = await post(server.baseUrl, { cmd: `demo/thumb/${width}` }, { body: 'x' });
          expect([width, reply.status, reply.json()]).toEqual([
            width,
            400,
            { error: 'invalid args: width must be an integer number' },
          ]);
        }
        const blank = await post(server.baseUrl, { cmd: 'demo/fixture/typed/count//strict/1' });
        expect([blank.status, blank.json()]).toEqual([400, { error: 'invalid args: count must be an integer number' }]);
        const several = await post(server.baseUrl, { cmd: 'demo/fixture/typed/count/-1/ratio/1e3/strict/false' });
        expect(several.json()).toEqual({
          error:
            'invalid args: count must not be less than 0; ratio must be a number conforming to the specified constraints',
        });
        const notBoolean = await post(server.baseUrl, { cmd: 'demo/fixture/typed/strict/yes' });
        expect([notBoolean.status, notBoolean.json()]).toEqual([
          400,
          { error: 'invalid args: strict must be a boolean value' },
        ]);
      });

      it('RegExp routes pass their named groups as args', async () => {
        const reply = await post(server.baseUrl, { cmd: 'demo/fixture/re/abc-42' });
        expect(reply.json()).toEqual({ first: 'abc', second: '42' });
      });

      it('methods other than POST on /handler are 405 with Allow: POST', async () => {
        for (const method of ['GET', 'PUT', 'DELETE']) {
          const reply = await post(server.baseUrl, { cmd: 'demo/hello' }, { method });
          expect(reply.status).toBe(405);
          expect(reply.headers.get('allow')).toBe('POST');
          expect(reply.json().error).toMatch(/use POST/);
        }
      });

      it('unknown paths answer 404 as JSON', async () => {
        const reply = await post(server.baseUrl, {}, { path: '/nope', method: 'GET' });
        expect(reply.status).toBe(404);
        expect(typeof reply.json().error).toBe('string');
      });
    });

    describe('input', () => {
      it('hands the handler the raw and stripped cmd, the type and the decoded X-Qiniu-* headers', async () => {
        const b64 = (s: string) => Buffer.from(s).toString('base64');
        const reply = await post(
          server.baseUrl,
          { cmd: 'demo/fixture/input' },
          {
            body: 'abc',
            contentType: 'text/csv',
            headers: {
              'X-Qiniu-Uid': b64('1380000000'),
              'X-Qiniu-Bucket': b64('photos'),
              'X-Qiniu-Key': b64('2024/猫.jpg'),
              'X-Qiniu-Pipe-Cmds': b64('demo/fixture/input|saveas/xyz'),
            },
          },
        );
        expect(reply.json()).toEqual({
          size: 3,
          contentType: 'text/csv',
          cmd: 'demo/fixture/input',
          command: 'fixture/input',
          url: null,
          qiniu: { uid: '1380000000', bucket: 'photos', key: '2024/猫.jpg', pipeCmds: 'demo/fixture/input|saveas/xyz' },
        });
      });

      it('a body over UFOP_MAX_BODY_BYTES is a 413, declared or streamed, and the server stays up', async () => {
        const declared = await post(dev.baseUrl, { cmd: 'demo/echo' }, { body: Buffer.alloc(1024 * 1024 + 1) });
        expect(declared.status).toBe(413);
        expect(declared.json().error).toMatch(/larger than the limit of 1048576 bytes/);
        const streamed = await postChunked(dev.baseUrl, 'demo/echo', 64 * 1024 * 1024);
        expect(streamed.status).toBe(413);
        // Answered while the client was still sending: it reads the 413 (the rest is discarded, within bounds).
        expect(streamed.body).toMatch(/larger than the limit/);
        const atLimit = await post(dev.baseUrl, { cmd: 'demo/echo' }, { body: Buffer.alloc(1024 * 1024, 3) });
        expect(atLimit.status).toBe(200);
        expect(atLimit.body.length).toBe(1024 * 1024);
      });

      it('downloads the source from url, with its type', async () => {
        const reply = await post(dev.baseUrl, { cmd: 'demo/echo', url: `${source.origin}/file` });
        expect(reply.status).toBe(200);
        expect(reply.type).toBe('image/png');
        expect(reply.body.equals(SOURCE_BYTES)).toBe(true);
        const described = await post(dev.baseUrl, { cmd: 'demo/fixture/input', url: `${source.origin}/file` });
        expect(described.json()).toMatchObject({ size: SOURCE_BYTES.length, url: `${source.origin}/file` });
      });

      it('follows redirects up to UFOP_FETCH_MAX_REDIRECTS, then 502', async () => {
        const ok = await post(dev.baseUrl, { cmd: 'demo/echo', url: `${source.origin}/redirect/3` });
        expect(ok.status).toBe(200);
        expect(ok.body.equals(SOURCE_BYTES)).toBe(true);
        const tooMany = await post(dev.baseUrl, { cmd: 'demo/echo', url: `${source.origin}/redirect/4` });
        expect(tooMany.status).toBe(502);
        expect(tooMany.json().error).toMatch(/redirected more than 3 times/);
      });

      it('a source answering 404 or 500 is a 502', async () => {
        for (const status of [404, 500]) {
          const reply = await post(dev.baseUrl, { cmd: 'demo/echo', url: `${source.origin}/status/${status}` });
          expect(reply.status).toBe(502);
          expect(reply.json().error).toMatch(new RegExp(`answered ${status}`));
        }
      });

      it('an unreachable source is a 502', async () => {
        const closed = await startSourceServer();
        const origin = closed.origin;
        await closed.close();
        const reply = await post(dev.baseUrl, { cmd: 'demo/echo', url: `${origin}/file` });
        expect(reply.status).toBe(502);
      });

      it('a source slower than UFOP_FETCH_TIMEOUT_MS is a 504, in headers or in body', async () => {
        for (const path of ['slow-headers/5000', 'slow-body/5000']) {
          const reply = await post(dev.baseUrl, { cmd: 'demo/echo', url: `${source.origin}/${path}` });
          expect(reply.status).toBe(504);
          expect(reply.json().error).toMatch(/timed out after 1000 ms/);
        }
      });

      it('a source larger than the cap is a 413, by Content-Length or while streaming', async () => {
        for (const path of ['huge-declared/2000000', 'huge/50000000']) {
          const reply = await post(dev.baseUrl, { cmd: 'demo/echo', url: `${source.origin}/${path}` });
          expect(reply.status).toBe(413);
        }
      });

      it('a malformed or non-http url is a 400', async () => {
        for (const url of ['not a url', 'file:///etc/passwd', 'ftp://localhost/x']) {
          const reply = await post(dev.baseUrl, { cmd: 'demo/echo', url });
          expect(reply.status).toBe(400);
        }
      });

      it('refuses loopback sources by default, by name and by address, IPv4 and IPv6', async () => {
        for (const host of [
          `localhost:${source.port}`,
          `127.0.0.1:${source.port}`,
          `[::1]:${source.port}`,
          `[::ffff:127.0.0.1]:${source.port}`,
        ]) {
          const reply = await post(server.baseUrl, { cmd: 'demo/echo', url: `http://${host}/file` });
          expect(reply.status).toBe(403);
          expect(reply.json().error).toMatch(/refused/);
        }
      });

      it('UFOP_URL_ALLOWLIST refuses other hosts, on the first hop and on every redirect', async () => {
        const allowed = await post(narrowed.baseUrl, { cmd: 'demo/echo', url: `${source.origin}/file` });
        expect(allowed.status).toBe(200);
        const direct = await post(narrowed.baseUrl, { cmd: 'demo/echo', url: `http://127.0.0.1:${source.port}/file` });
        expect(direct.status).toBe(403);
        const target = `http://127.0.0.1:${source.port}/file`;
        const redirected = await post(narrowed.baseUrl, {
          cmd: 'demo/echo',
          url: `${source.origin}/redirect-to?target=${encodeURIComponent(target)}`,
        });
        expect(redirected.status).toBe(403);
        expect(redirected.json().error).toMatch(/not in UFOP_URL_ALLOWLIST/);
      });

      it('accepts the legacy POST /uop envelope', async () => {
        const reply = await post(
          dev.baseUrl,
          {},
          {
            path: '/uop',
            body: JSON.stringify({ cmd: 'demo/echo', src: { url: `${source.origin}/file`, mimetype: 'image/png' } }),
            contentType: 'application/json',
          },
        );
        expect(reply.status).toBe(200);
        expect(reply.body.equals(SOURCE_BYTES)).toBe(true);
        const broken = await post(dev.baseUrl, {}, { path: '/uop', body: '{"cmd":', contentType: 'application/json' });
        expect(broken.status).toBe(400);
      });
    });

    describe('results and errors', () => {
      it('streams a Readable result', async () => {
        const reply = await post(server.baseUrl, { cmd: 'demo/fixture/stream/3' });
        expect(reply.status).toBe(200);
        expect(reply.type).toBe('application/octet-stream');
        expect(reply.body.toString()).toBe('chunk 0\nchunk 1\nchunk 2\n');
      });

      it('a UfopResult sets status, type and headers; no result is a 204', async () => {
        const created = await post(server.baseUrl, { cmd: 'demo/fixture/created' });
        expect([created.status, created.type, created.headers.get('x-fixture'), created.body.toString()]).toEqual([
          201,
          'text/x-custom',
          'yes',
          'made',
        ]);
        const nothing = await post(server.baseUrl, { cmd: 'demo/fixture/nothing' });
        expect(nothing.status).toBe(204);
      });

      it('a thrown UfopError or HttpException keeps its status and message', async () => {
        const failed = await post(server.baseUrl, { cmd: 'demo/fixture/fail/422' });
        expect([failed.status, failed.json()]).toEqual([422, { error: 'failed on purpose with 422' }]);
        const nest = await post(server.baseUrl, { cmd: 'demo/fixture/http-exception' });
        expect([nest.status, nest.json()]).toEqual([400, { error: 'nest exceptions work too' }]);
      });

      it('an unexpected error is a 500 with a generic message and no stack', async () => {
        const reply = await post(server.baseUrl, { cmd: 'demo/fixture/crash' });
        expect(reply.status).toBe(500);
        expect(reply.json()).toEqual({ error: 'internal error' });
        expect(reply.body.toString()).not.toMatch(/secret|TypeError|at /);
      });

      it('a handler running past UFOP_HANDLER_TIMEOUT_MS is a 504, and its input.signal tells it to stop', async () => {
        const aborted = async () =>
          (await post(dev.baseUrl, { cmd: 'demo/fixture/aborts' })).json<{ aborted: number }>().aborted;
        const before = await aborted();
        const reply = await post(dev.baseUrl, { cmd: 'demo/fixture/slow/3000' });
        expect(reply.status).toBe(504);
        expect(reply.json().error).toMatch(/did not finish within 1000 ms/);
        // The abort reaches the handler just after the 504 is sent: wait for it a bounded while (the handler would
        // otherwise sleep 3 s, so seeing the count rise within ~1 s shows the signal, not the sleep, ended it).
        let after = before;
        for (let i = 0; i < 20 && after === before; i++) {
          await new Promise((resolve) => setTimeout(resolve, 50));
          after = await aborted();
        }
        expect(after).toBe(before + 1);
        expect((await post(dev.baseUrl, { cmd: 'demo/fixture/slow/10' })).body.toString()).toBe('slow done');
      });

      it('request-scoped handlers get fresh dependencies on every call', async () => {
        const first = (await post(server.baseUrl, { cmd: 'demo/fixture/scoped' })).json<{ serial: number }>();
        const second = (await post(server.baseUrl, { cmd: 'demo/fixture/scoped' })).json<{ serial: number }>();
        expect(second.serial).toBeGreaterThan(first.serial);
      });
    });

    describe('health', () => {
      it('GET /health is 200 and the servers are still up after every error above', async () => {
        for (const target of [server, dev, narrowed]) {
          const reply = await post(target.baseUrl, {}, { path: '/health', method: 'GET' });
          expect(reply.status).toBe(200);
          expect(reply.json()).toEqual({ status: 'ok' });
        }
        expect((await post(dev.baseUrl, { cmd: 'demo/hello/again' })).body.toString()).toBe('hello again');
      });
    });
  });
}
