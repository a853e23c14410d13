import { DynamicModule, MiddlewareConsumer, Module, NestModule, Provider } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { DiscoveryModule } from '@nestjs/core';
import { resolveUfopOptions } from './config/ufop-options.factory';
import { UfopMetadataAccessor } from './discovery/ufop-metadata.accessor';
import { UfopExplorer } from './discovery/ufop.explorer';
import { InlineExecutor } from './execution/inline.executor';
import { UfopDispatcher } from './execution/ufop.dispatcher';
import { UfopHealthService } from './http/health.service';
import { UfopController } from './http/ufop.controller';
import { PlaygroundController } from './http/playground.controller';
import { SourceFetcher } from './input/source.fetcher';
import { UfopAdmission } from './resources/ufop-admission.service';
import { UfopExecutor } from './interfaces/ufop-executor.interface';
import { UfopModuleOptions, UfopOptions } from './interfaces/ufop-options.interface';
import { UfopRouteRegistry } from './routing/ufop-route.registry';
import { UfopAdminService } from './admin/ufop-admin.service';
import { UfopQueueDashboard } from './dashboard/queue-dashboard';
import { UfopMetricsServer } from './metrics/metrics.server';
import { UfopMetrics } from './metrics/ufop.metrics';
import { UfopRequestContextMiddleware } from './observability/request-context.middleware';
import { UfopRequestTracker } from './observability/request.tracker';
import { UFOP_CONFIG, UFOP_EXECUTOR } from './ufop.constants';
import { getQueueToken } from '@nestjs/bull';
import type { Queue } from 'bull';
import { QueueExecutor } from './queue/queue.executor';
import { UFOP_QUEUE } from './queue/ufop-queue.constants';
import { UfopQueueModule } from './queue/ufop-queue.module';
import { UfopQueueWorker } from './queue/ufop-queue.worker';
import { queueNotRegisteredMessage, roleNeedsQueueMessage } from './queue/ufop-queue.messages';
import {
  UFOP_MODULE_OPTIONS,
  UFOP_ASYNC_OPTIONS_TYPE,
  UFOP_OPTIONS_TYPE,
  UfopConfigurableModule,
} from './ufop.module-definition';

const configProvider: Provider = {
  provide: UFOP_CONFIG,
  inject: [UFOP_MODULE_OPTIONS, ConfigService],
  useFactory: (explicit: UfopModuleOptions, config: ConfigService) =>
    resolveUfopOptions(explicit, (name) => config.get<string>(name)),
};

const executorProvider: Provider = {
  provide: UFOP_EXECUTOR,
  inject: [UFOP_CONFIG, InlineExecutor, { token: getQueueToken(UFOP_QUEUE), optional: true }],
  useFactory: (options: UfopOptions, inline: InlineExecutor, queue?: Queue): UfopExecutor => {
    if (options.mode === 'inline') {
      if (options.role !== 'all') throw new Error(roleNeedsQueueMessage(options.role));
      return inline;
    }
    if (!queue) throw new Error(queueNotRegisteredMessage());
    return new QueueExecutor(queue, options);
  },
};

/**
 * Serves every `@UfopHandler` of the application on Qiniu's contract. Import it once, in the root module:
 * `UfopModule.forRoot()` reads the environment (and `.env`); options given here win over it.
 */
@Module({
  imports: [DiscoveryModule, ConfigModule.forRoot()],
  controllers: [UfopController, PlaygroundController],
  providers: [
    configProvider,
    executorProvider,
    UfopMetadataAccessor,
    UfopExplorer,
    UfopRouteRegistry,
    UfopDispatcher,
    InlineExecutor,
    SourceFetcher,
    UfopAdmission,
    UfopHealthService,
    UfopQueueWorker,
    UfopMetrics,
    UfopMetricsServer,
    UfopRequestTracker,
    UfopAdminService,
    UfopQueueDashboard,
  ],
  exports: [UFOP_CONFIG, UFOP_EXECUTOR, UfopDispatcher, UfopRouteRegistry],
})
export class UfopModule extends UfopConfigurableModule implements NestModule {
  /** Every request gets its id and context first, so that all that follows (errors included) carries it. */
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(UfopRequestContextMiddleware).forRoutes('{*path}');
  }

  static override forRoot(options: typeof UFOP_OPTIONS_TYPE = {}): DynamicModule {
    return withQueue(super.forRoot(options), options);
  }

  /** Queue settings (mode, Redis, queue name) come from the environment here: async options are known too late. */
  static override forRootAsync(options: typeof UFOP_ASYNC_OPTIONS_TYPE): DynamicModule {
    return withQueue(super.forRootAsync(options), {});
  }
}

/** Adds the Bull queue (inert in inline mode) to the module that `forRoot`/`forRootAsync` built. */
function withQueue(module: DynamicModule, explicit: UfopModuleOptions): DynamicModule {
  return { ...module, imports: [...(module.imports ?? []), UfopQueueModule.register(explicit)] };
}
