import { BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import { UfopExplorer } from '../discovery/ufop.explorer';
import { UfopUnavailableError } from '../errors/ufop.errors';
import { UfopExecutor } from '../interfaces/ufop-executor.interface';
import { UfopRequestTracker } from '../observability/request.tracker';
import { UFOP_EXECUTOR } from '../ufop.constants';

export const DRAINING_MESSAGE = 'draining: this instance is shutting down';

/**
 * What `GET /health` means: the instance is not draining, the executor's dependencies answer and every service's
 * own check passes. From the moment shutdown begins it answers 503 (as @nestjs/terminus does), so the platform stops
 * sending requests while the ones in flight finish: the server stays open until they have.
 */
@Injectable()
export class UfopHealthService implements BeforeApplicationShutdown {
  private readonly logger = new Logger('Ufop');
  private draining = false;

  constructor(
    private readonly explorer: UfopExplorer,
    @Inject(UFOP_EXECUTOR) private readonly executor: UfopExecutor,
    private readonly tracker: UfopRequestTracker,
  ) {}

  /** Runs before Nest closes the HTTP server: /health turns 503 at once, then the requests in flight finish. */
  async beforeApplicationShutdown(): Promise<void> {
    this.draining = true;
    if (this.tracker.active === 0) return;
    this.logger.log(`draining: waiting for ${this.tracker.active} request(s) in flight`);
    await this.tracker.idle();
  }

  async check(): Promise<void> {
    if (this.draining) throw new UfopUnavailableError(DRAINING_MESSAGE);
    const checks: Array<() => unknown> = [
      () => this.executor.checkHealth?.(),
      ...this.explorer.getHealthChecks().map((service) => () => service.onUfopHealthCheck()),
    ];
    const results = await Promise.allSettled(checks.map((check) => Promise.resolve().then(check)));
    const failures = results.flatMap((result) => {
      if (result.status === 'rejected') return [(result.reason as Error)?.message ?? String(result.reason)];
      return result.value === false ? ['a health check returned false'] : [];
    });
    if (failures.length > 0) throw new UfopUnavailableError(`unhealthy: ${failures.join('; ')}`);
  }
}
