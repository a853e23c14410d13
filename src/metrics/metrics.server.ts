import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import cluster from 'node:cluster';
import type { Server } from 'node:http';
import { UfopOptions } from '../interfaces/ufop-options.interface';
import { UFOP_CONFIG } from '../ufop.constants';
import { reportToClusterPrimary } from './cluster-metrics';
import { listenForScrapes, metricsListeningMessage } from './metrics.listener';
import { UfopMetrics } from './ufop.metrics';

/**
 * Serves `/metrics` on `UFOP_METRICS_PORT`. Under node:cluster (`runserver`, `runworker`) the supervisor serves
 * that port and sums every process's metrics in one scrape; each process only answers its requests.
 */
@Injectable()
export class UfopMetricsServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('UfopMetrics');
  private server?: Server;

  constructor(
    private readonly metrics: UfopMetrics,
    @Inject(UFOP_CONFIG) private readonly options: UfopOptions,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (cluster.isWorker) return reportToClusterPrimary(this.metrics.registry);
    if (this.options.metricsPort === undefined) return;
    const registry = this.metrics.registry;
    this.server = await listenForScrapes(this.options.metricsPort, async () => ({
      contentType: registry.contentType,
      text: await registry.metrics(),
    }));
    this.logger.log(metricsListeningMessage(this.server, 'this process'));
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    await new Promise((resolve) => server.close(resolve));
  }
}
