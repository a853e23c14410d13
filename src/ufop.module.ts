import { DynamicModule, MiddlewareConsumer, Module, NestModule, Provider } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { UFOP_ASYNC_OPTIONS_TYPE, UFOP_OPTIONS_TYPE, UfopConfigModule } from './config/ufop-config.module';
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
import { UfopOptions } from './interfaces/ufop-options.interface';
import { UfopRouteRegistry } from './routing/ufop-route.registry';
import { UfopAdminService } from './admin/ufop-admin.service';
import { UfopQueueDashboard } from './dashboard/queue-dashboard';
import { UfopMetricsServer } from './metrics/metrics.server';
import { UfopMetrics } from './metrics/ufop.metrics';
import { UfopRequestContextMiddleware } from './observability/request-context.middleware';
import { UfopRequestTracker } from './observability/request.tracker';
import { UFOP_CONFIG, UFOP_EXECUTOR } from './ufop.constants';
import type { Queue } from 'bull';
import { QueueExecutor } from './queue/queue.executor';
import { UFOP_QUEUE_TOKEN } from './queue/ufop-queue.constants';
import { UfopQueueModule } from './queue/ufop-queue.module';
import { UfopQueueWorker } from './queue/ufop-queue.worker';
import { queueNotRegisteredMessage, roleNeedsQueueMessage } from './queue/ufop-queue.messages';
import { UfopStartupError } from './errors/ufop-startup.error';

const executorProvider: Provider = {
  provide: UFOP_EXECUTOR,
  inject: [UFOP_CONFIG, InlineExecutor, { token: UFOP_QUEUE_TOKEN, optional: true }],
  useFactory: (options: UfopOptions, inline: InlineExecutor, queue?: Queue): UfopExecutor => {
    if (options.mode === 'inline') {
      if (options.role !== 'all') throw new UfopStartupError(roleNeedsQueueMessage(options.role));
      return inline;
    }
    if (!queue) throw new UfopStartupError(queueNotRegisteredMessage());
    return new QueueExecutor(queue, options);
  },
};

/**
 * Serves every `@UfopHandler` of the application on Qiniu's contract. Import it once, in the root module:
 * `UfopModule.forRoot()` reads the environment (and `.env`); options given here win over it. `forRootAsync()`
 * takes them from a factory (`imports`, `inject`, `useFactory`, as Nest's other modules do), the queue's included.
 */
@Module({
  imports: [DiscoveryModule],
  controllers: [UfopController, PlaygroundController],
  providers: [
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
  exports: [UFOP_EXECUTOR, UfopDispatcher, UfopRouteRegistry],
})
export class UfopModule implements NestModule {
  /** Every request gets its id and context first, so that all that follows (errors included) carries it. */
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(UfopRequestContextMiddleware).forRoutes('{*path}');
  }

  static forRoot(options: typeof UFOP_OPTIONS_TYPE = {}): DynamicModule {
    return withOptions(UfopConfigModule.forRoot(options));
  }

  static forRootAsync(options: typeof UFOP_ASYNC_OPTIONS_TYPE): DynamicModule {
    return withOptions(UfopConfigModule.forRootAsync(options));
  }
}

/** The module with its options: the same options module feeds the handlers' side and the queue. */
function withOptions(config: DynamicModule): DynamicModule {
  const queue = UfopQueueModule.register(config);
  return { module: UfopModule, imports: [config, queue], exports: [config, queue] };
}
