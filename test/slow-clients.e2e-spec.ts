import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { post, StartedServer } from './support/protocol.suite';
import { startTestApp } from './support/in-process-server';
import { postBody } from './support/large-body';

/** A raw connection to the server, to send exactly the bytes a slow or hostile client would. */
class RawClient {
  received = '';
  closedAt?: number;
  readonly openedAt = Date.now();
  readonly closed: Promise<void>;

  constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => (this.received += chunk.toString('latin1')));
    socket.on('error', () => undefined);
    this.closed = once(socket, 'close').then(() => void (this.closedAt = Date.now()));
  }

  /** Connects; a connection the server refuses at once (reset) is returned closed rather than thrown. */
  static async open(baseUrl: string): Promise<RawClient> {
    const { port } = new URL(baseUrl);
    const client = new RawClient(connect(Number(port), '127.0.0.1'));
    await Promise.race([once(client.socket, 'connect'), client.closed]);
    return client;
  }

  async waitFor(pattern: RegExp, ms = 10_000): Promise<RegExpMatchArray> {
    const deadline = Date.now() + ms;
    for (;;) {
      const match = this.received.match(pattern);
      if (match) return match;
      if (Date.now() > deadline || this.closedAt) throw new Error(`no ${pattern} in ${JSON.stringify(this.received)}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

const head = (cmd: string, headers: string) => `POST /handler?cmd=${cmd} HTTP/1.1\r\nHost: test\r\n${headers}\r\n`;

describe('slow and hostile clients: every connection is bounded in time and count', () => {
  let server: StartedServer;

  beforeAll(async () => {
    server = await startTestApp({
      UFOP_MODE: 'inline',
      REDIS_URL: '',
      UFOP_HEADERS_TIMEOUT_MS: '1000',
      UFOP_BODY_TIMEOUT_MS: '1500',
      UFOP_KEEPALIVE_TIMEOUT_MS: '500',
      UFOP_MAX_BODY_BYTES: String(1024 * 1024),
    });
  });
  afterAll(() => server?.close());

  it('closes a connection that sends nothing once the header timeout has passed (not after Node’s 60–90 s)', async () => {
    const client = await RawClient.open(server.baseUrl);
    await Promise.race([client.closed, new Promise((resolve) => setTimeout(resolve, 10_000))]);
    expect(client.closedAt).toBeDefined();
    expect(client.closedAt! - client.openedAt).toBeGreaterThanOrEqual(900);
    expect(client.received).toMatch(/^HTTP\/1\.1 408 [^]*\r\n\r\n\{"error":"request headers not received in time"\}$/);
  });

  it('answers malformed requests with 400 {"error"}', async () => {
    const client = await RawClient.open(server.baseUrl);
    client.socket.write('GARBAGE / NOPE\r\n\r\n');
    await client.closed;
    expect(client.received).toMatch(/^HTTP\/1\.1 400 [^]*\{"error":"malformed HTTP request"\}$/);
  });

  it('answers a body trickling in with 408 {"error"} at the body deadline, and keeps serving others meanwhile', async () => {
    const client = await RawClient.open(server.baseUrl);
    client.socket.write(head('demo/echo', 'Content-Length: 100\r\n'));
    const trickle = setInterval(() => client.socket.write('x'), 200);
    try {
      // Others are served in the meantime.
      expect((await post(server.baseUrl, { cmd: 'demo/hello/meanwhile' })).body.toString()).toBe('hello meanwhile');
      const [status] = await client.waitFor(/HTTP\/1\.1 408[^]*\r\n\r\n\{"error":"[^"]*"\}/);
      expect(status).toMatch(/request body not received within 1500 ms/);
      expect(status).toMatch(/content-type: application\/json/i);
    } finally {
      clearInterval(trickle);
      client.socket.destroy();
    }
  });

  it('closes an idle keep-alive connection after UFOP_KEEPALIVE_TIMEOUT_MS', async () => {
    const client = await RawClient.open(server.baseUrl);
    client.socket.write(head('demo/hello/ka', 'Content-Length: 0\r\n'));
    await client.waitFor(/hello ka/);
    await Promise.race([client.closed, new Promise((resolve) => setTimeout(resolve, 5_000))]);
    expect(client.closedAt).toBeDefined();
  });

  describe('Expect: 100-continue', () => {
    it('refuses an upload over the cap before 100 Continue: the client never sends its body', async () => {
      const client = await RawClient.open(server.baseUrl);
      client.socket.write(head('demo/echo', `Content-Length: ${30 * 1024 * 1024}\r\nExpect: 100-continue\r\n`));
      await client.waitFor(/\{"error":"input is larger than the limit of 1048576 bytes"\}/);
      expect(client.received).toMatch(/^HTTP\/1\.1 413 /);
      expect(client.received).not.toMatch(/100 Continue/);
      client.socket.destroy();
    });

    it('refuses an unknown cmd before 100 Continue', async () => {
      const client = await RawClient.open(server.baseUrl);
      client.socket.write(head('demo/nothing-here', 'Content-Length: 500000\r\nExpect: 100-continue\r\n'));
      await client.waitFor(/no handler for cmd/);
      expect(client.received).toMatch(/^HTTP\/1\.1 404 /);
      client.socket.destroy();
    });

    it('sends 100 Continue to an admitted request, then answers it', async () => {
      const client = await RawClient.open(server.baseUrl);
      client.socket.write(
        head('demo/echo', 'Content-Length: 5\r\nContent-Type: text/plain\r\nExpect: 100-continue\r\n'),
      );
      await client.waitFor(/^HTTP\/1\.1 100 Continue\r\n\r\n/);
      client.socket.write('hello');
      await client.waitFor(/HTTP\/1\.1 200 [^]*\r\n\r\nhello$/);
      client.socket.destroy();
    });
  });

  it('an upload over the cap sent without Expect still gets a readable 413, never a reset', async () => {
    const results = await Promise.all(
      [1, 2, 3].map(() => postBody(server.baseUrl, 'cmd=demo/echo', Buffer.alloc(8 * 1024 * 1024, 1))),
    );
    expect(results.map((r) => [r.status, r.error])).toEqual([1, 2, 3].map(() => [413, undefined]));
    expect(results[0].head).toMatch(/larger than the limit/);
  });
});

describe('curl --data-binary @30MB-file against the default 20 MiB cap', () => {
  let server: StartedServer;
  let dir: string;

  beforeAll(async () => {
    server = await startTestApp({ UFOP_MODE: 'inline', REDIS_URL: '' });
    dir = mkdtempSync(join(tmpdir(), 'ufop-curl-'));
    writeFileSync(join(dir, '30MB.bin'), Buffer.alloc(30 * 1000 * 1000, 7));
  });
  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints 413 and exits 0, every time', async () => {
    // Asynchronously: the server runs in this process and must keep answering while curl runs.
    const run = promisify(execFile);
    for (let i = 0; i < 5; i++) {
      const { stdout, stderr } = await run('curl', [
        '-sS',
        '-o',
        '-',
        '-w',
        '\n%{http_code}',
        '--data-binary',
        `@${join(dir, '30MB.bin')}`,
        `${server.baseUrl}/handler?cmd=demo/echo`,
      ]);
      expect(stderr).toBe('');
      expect(stdout).toMatch(/\{"error":"input is larger than the limit of 20971520 bytes"\}\n413$/);
    }
  });
});

describe('UFOP_MAX_CONNECTIONS', () => {
  let server: StartedServer;

  beforeAll(async () => {
    server = await startTestApp({ UFOP_MODE: 'inline', REDIS_URL: '', UFOP_MAX_CONNECTIONS: '3' });
  });
  afterAll(() => server?.close());

  it('closes connections past the cap at once, and serves again when they are gone', async () => {
    const held = await Promise.all([1, 2, 3].map(() => RawClient.open(server.baseUrl)));
    // Each held connection is being served once its first byte is read: wait until the server has them all.
    held.forEach((client) => client.socket.write('P'));
    await new Promise((resolve) => setTimeout(resolve, 200));
    const extra = await RawClient.open(server.baseUrl);
    if (!extra.closedAt) extra.socket.write(head('demo/hello/extra', 'Content-Length: 0\r\n'));
    await Promise.race([extra.closed, new Promise((resolve) => setTimeout(resolve, 5_000))]);
    expect(extra.closedAt).toBeDefined();
    expect(extra.received).toBe('');
    held.forEach((client) => client.socket.destroy());
    await Promise.all(held.map((client) => client.closed));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await post(server.baseUrl, { cmd: 'demo/hello/back' })).body.toString()).toBe('hello back');
  });
});
