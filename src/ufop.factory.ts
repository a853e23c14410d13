import { INestApplication, Logger, NestApplicationOptions } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { UfopExceptionFilter } from './errors/ufop-exception.filter';
import { UfopOptions } from './interfaces/ufop-options.interface';
import { UFOP_CONFIG } from './ufop.constants';

/** The root module of an application, as `NestFactory.create` takes it. */
export type EntryModule = Parameters<typeof NestFactory.create>[0];

/**
 * Creates and starts UFOP applications. Use it instead of `NestFactory.create`: the body must reach
 * `/handler` as raw bytes, so Nest's JSON and form parsers are turned off, and every error is answered
 * as `{"error": ...}`.
 */
export class UfopFactory {
  static async create(module: EntryModule, options: NestApplicationOptions = {}): Promise<INestApplication> {
    const app = await NestFactory.create(module, { bufferLogs: false, ...options, bodyParser: false });
    app.useGlobalFilters(new UfopExceptionFilter());
    app.enableShutdownHooks();
    app.getHttpAdapter().getInstance().disable?.('x-powered-by');
    // Handlers are discovered in onModuleInit: initialise now so a route conflict fails here, not at listen().
    await app.init();
    return app;
  }

  /** Creates the application and listens on `PORT`, else `PORT_HTTP`, else 9100, on all interfaces. */
  static async bootstrap(module: EntryModule, options: NestApplicationOptions = {}): Promise<INestApplication> {
    const app = await UfopFactory.create(module, options);
    const config = app.get<UfopOptions>(UFOP_CONFIG);
    await app.listen(config.port);
    const address = app.getHttpServer().address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    new Logger('Ufop').log(`listening on port ${port} (${config.mode} mode)`);
    return app;
  }
}
