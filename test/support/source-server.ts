import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

export interface SourceServer {
  /** `http://localhost:<port>` */
  origin: string;
  port: number;
  close(): Promise<void>;
}

export const SOURCE_BYTES = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 31 + 7) % 256));

/**
 * A local HTTP server standing in for a bucket domain, so download tests never leave loopback:
 * files, redirect chains, slow answers, oversized bodies and errors.
 */
export async function startSourceServer(): Promise<SourceServer> {
  const timers = new Set<NodeJS.Timeout>();
  const later = (ms: number, fn: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      fn();
    }, ms);
    timers.add(timer);
  };
  let port = 0;
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const [, route, arg] = url.pathname.split('/');
    switch (route) {
      case 'file':
        res.writeHead(200, { 'content-type': 'image/png', 'content-length': SOURCE_BYTES.length });
        return res.end(SOURCE_BYTES);
      case 'redirect': {
        const left = Number(arg);
        res.writeHead(302, { location: left > 1 ? `/redirect/${left - 1}` : '/file' });
        return res.end();
      }
      case 'redirect-to':
        res.writeHead(302, { location: url.searchParams.get('target') ?? '/file' });
        return res.end();
      case 'slow-headers':
        return later(Number(arg), () => res.end('late'));
      case 'slow-body':
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.write('start');
        return later(Number(arg), () => res.end('end'));
      case 'huge': {
        // No Content-Length: the cap must hold while streaming.
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        let sent = 0;
        const total = Number(arg);
        const pump = () => {
          while (sent < total) {
            sent += 64 * 1024;
            if (!res.write(Buffer.alloc(64 * 1024, 1))) return res.once('drain', pump);
          }
          res.end();
        };
        res.on('error', () => undefined);
        return pump();
      }
      case 'huge-declared':
        res.writeHead(200, { 'content-length': Number(arg), 'content-type': 'application/octet-stream' });
        return res.end(); // the declared length alone must be refused; the socket is cut either way
      case 'status':
        res.writeHead(Number(arg), { 'content-type': 'text/plain' });
        return res.end('nope');
      default:
        res.writeHead(404);
        return res.end();
    }
  });
  server.on('clientError', (_error, socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  return {
    origin: `http://localhost:${port}`,
    port,
    close: async () => {
      timers.forEach(clearTimeout);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
