import { INestApplication, INestApplicationContext, Logger, NestApplicationOptions } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { UfopExceptionFilter } from './errors/ufop-exception.filter';
import { createUfopLogger } from './logging/ufop.logger';
import { UfopOptions } from './interfaces/ufop-options.interface';
import { setBootReporter, UfopStartupError } from './errors/ufop-startup.error';
import { readUfopEnv } from './config/ufop-env';
import { UFOP_CONFIG } from './ufop.constants';
import { applyServerLimits } from './http/server-limits';
import { applyHeapGrowth } from './config/heap-growth';
import { raiseMallocThresholds } from './config/malloc-thresholds';

/** The root module of an application, as `NestFactory.create` takes it. */
export type EntryModule = Parameters<typeof NestFactory.create>[0];

/**
 * Creates and starts UFOP applications. Use it instead of `NestFactory.create`: the body must reach
 * `/handler` as raw bytes, so Nest's JSON and form parsers are turned off, and every error is answered
 * as `{"error": ...}`.
 */
export class UfopFactory {
  static async create(module: EntryModule, options: NestApplicationOptions = {}): Promise<INestApplication> {
    raiseMallocThresholds(); // first: boot's own collections free the block
    // Logs go to stdout and, when UFOP_LOG_DIR is set (the image sets it), to a file too: see src/logging.
    const logger = options.logger ?? createUfopLogger();
    // abortOnError off: a boot error reaches the caller (bootstrap prints it as one line) instead of process.abort().
    const app = await NestFactory.create(module, {
      bufferLogs: false,
      abortOnError: false,
      ...options,
      logger,
      bodyParser: false,
    });
    app.useGlobalFilters(new UfopExceptionFilter());
    // SIGTERM: drain (HTTP server closes and waits for requests, workers finish their jobs), then exit 0.
    app.enableShutdownHooks([], { useProcessExit: true });
    app.getHttpAdapter().getInstance().disable?.('x-powered-by');
    // Handlers are discovered in onModuleInit: initialise now so a route conflict fails here, not at listen().
    await app.init();
    const resolved = app.get<UfopOptions>(UFOP_CONFIG);
    applyHeapGrowth(resolved.heapGrowingPercent);
    // Timeouts, the connection cap and deferred `100 Continue`: what a client can hold of this process.
    applyServerLimits(app.getHttpServer(), resolved);
    return app;
  }

  /** A queue worker: a Nest application context (no HTTP server) that runs jobs until SIGTERM. */
  static async createWorker(
    module: EntryModule,
    options: NestApplicationOptions = {},
  ): Promise<INestApplicationContext> {
    raiseMallocThresholds();
    const logger = options.logger ?? createUfopLogger();
    const app = await NestFactory.createApplicationContext(module, {
      bufferLogs: false,
      abortOnError: false,
      ...options,
      logger,
    });
    applyHeapGrowth(app.get<UfopOptions>(UFOP_CONFIG).heapGrowingPercent);
    app.enableShutdownHooks([], { useProcessExit: true });
    return app;
  }

  /**
   * Starts the process in its `UFOP_ROLE`: `all` and `web` listen on `PORT`, else `PORT_HTTP`, else 9100, on all
   * interfaces; `worker` starts no HTTP server. A process that cannot start (a bad setting, Redis unreachable)
   * prints why as one line and exits 1, so that its supervisor sees it.
   */
  static async bootstrap(module: EntryModule, options: NestApplicationOptions = {}): Promise<INestApplicationContext> {
    setBootReporter(true);
    try {
      return await UfopFactory.start(module, options);
    } catch (error) {
      if (error instanceof UfopStartupError) new Logger('Ufop').error(error.message);
      else
        new Logger('Ufop').error(
          `cannot start: ${(error as Error)?.message ?? String(error)}`,
          (error as Error)?.stack,
        );
      process.exit(1);
    } finally {
      setBootReporter(false);
    }
  }

  private static async start(module: EntryModule, options: NestApplicationOptions): Promise<INestApplicationContext> {
    // The role decides what to create before the module's own options can be read: take it from the environment
    // (and .env); a role given in code is seen below, once the module has resolved its options.
    if (readUfopEnv().UFOP_ROLE?.trim().toLowerCase() === 'worker') {
      const worker = await UfopFactory.createWorker(module, options);
      const config = worker.get<UfopOptions>(UFOP_CONFIG);
      new Logger('Ufop').log(`worker started (queue ${config.queueName}, up to ${config.concurrency} jobs at once)`);
      return worker;
    }
    const app = await UfopFactory.create(module, options);
    const config = app.get<UfopOptions>(UFOP_CONFIG);
    if (config.role === 'worker') {
      // forRoot({ role: 'worker' }) in code: the HTTP application exists but does not listen.
      new Logger('Ufop').log(`worker started (queue ${config.queueName}, up to ${config.concurrency} jobs at once)`);
      return app;
    }
    await app.listen(config.port).catch((error: NodeJS.ErrnoException) => {
      if (error?.code !== 'EADDRINUSE' && error?.code !== 'EACCES') throw error;
      throw new UfopStartupError(
        `cannot listen on port ${config.port}: ${error.code === 'EADDRINUSE' ? 'it is in use' : 'permission denied'} (set PORT)`,
      );
    });
    const address = app.getHttpServer().address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    new Logger('Ufop').log(`listening on port ${port} (${config.mode} mode, ${config.role} role)`);
    return app;
  }
}
