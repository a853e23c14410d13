import { createServer, Server } from 'node:http';
import { once } from 'node:events';

/** What a scrape answers: the exposition text and its content type. */
export type Scrape = () => Promise<{ contentType: string; text: string }>;

/**
 * A listener of its own for `GET /metrics`, apart from the UFOP's port: Qiniu routes only fop requests to the
 * service port, and a scrape must not queue behind handlers for a connection. Anything else is a 404.
 */
export async function listenForScrapes(port: number, scrape: Scrape, host?: string): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: scrape /metrics\n');
      return;
    }
    scrape().then(
      ({ contentType, text }) => res.writeHead(200, { 'content-type': contentType }).end(text),
      (error: Error) =>
        res.writeHead(503, { 'content-type': 'text/plain' }).end(`metrics unavailable: ${error.message}\n`),
    );
  });
  server.listen(port, host);
  await once(server, 'listening');
  return server;
}

export function metricsListeningMessage(server: Server, what: string): string {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : '?';
  return `metrics of ${what} at http://0.0.0.0:${port}/metrics`;
}
