import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown, Optional } from '@nestjs/common';
import type { Queue } from 'bull';
import { once } from 'node:events';
import { createServer, RequestListener, Server } from 'node:http';
import { UfopOptions } from '../interfaces/ufop-options.interface';
import { UFOP_QUEUE_TOKEN } from '../queue/ufop-queue.constants';
import { UFOP_CONFIG } from '../ufop.constants';
import { hasBasicAuth } from './basic-auth';
import { dashboardMissingMessage, dashboardNeedsQueueMessage } from './dashboard.messages';

/**
 * The Bull queue in bull-board on `UFOP_DASHBOARD_PORT`, behind basic auth (`UFOP_DASHBOARD_USER`/`PASSWORD`; the
 * options refuse a port without them). bull-board is an optional peer dependency, loaded only when the port is set:
 * services that do not use it do not install it. Web and all-in-one processes serve it (under `runserver` the
 * processes share the port through node:cluster); workers do not.
 */
@Injectable()
export class UfopQueueDashboard implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('UfopDashboard');
  private server?: Server;

  constructor(
    @Inject(UFOP_CONFIG) private readonly options: UfopOptions,
    @Optional() @Inject(UFOP_QUEUE_TOKEN) private readonly queue?: Queue,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { dashboardPort: port, dashboardUser: user, dashboardPassword: password } = this.options;
    if (port === undefined || this.options.role === 'worker') return;
    if (this.options.mode !== 'queue' || !this.queue) throw new Error(dashboardNeedsQueueMessage());
    const board = boardHandler(this.queue);
    this.server = createServer((req, res) => {
      if (!hasBasicAuth(req, user!, password!)) {
        res.writeHead(401, {
          'www-authenticate': 'Basic realm="ufop queue", charset="UTF-8"',
          'content-type': 'text/plain',
        });
        res.end('authentication required\n');
        return;
      }
      board(req, res);
    });
    this.server.listen(port);
    await once(this.server, 'listening');
    const address = this.server.address();
    this.logger.log(`queue dashboard on port ${typeof address === 'object' && address ? address.port : port}`);
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

/** bull-board's Express app for one queue, loaded lazily (optional peer dependency). */
function boardHandler(queue: Queue): RequestListener {
  const api = loadOptionalPeer<typeof import('@bull-board/api')>('@bull-board/api');
  const { BullAdapter } = loadOptionalPeer<typeof import('@bull-board/api/bullAdapter')>('@bull-board/api/bullAdapter');
  const { ExpressAdapter } = loadOptionalPeer<typeof import('@bull-board/express')>('@bull-board/express');
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath('');
  api.createBullBoard({ queues: [new BullAdapter(queue, { readOnlyMode: false })], serverAdapter });
  return serverAdapter.getRouter() as RequestListener;
}

/** `require(name)`, or an error that says how to install it when it is not installed. */
export function loadOptionalPeer<T>(name: string): T {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(name) as T;
  } catch (error) {
    if ((error as NodeJS.ErrnoException)?.code === 'MODULE_NOT_FOUND') throw new Error(dashboardMissingMessage(name));
    throw error;
  }
}
