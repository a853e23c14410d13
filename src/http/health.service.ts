import { Inject, Injectable } from '@nestjs/common';
import { UfopExplorer } from '../discovery/ufop.explorer';
import { UfopUnavailableError } from '../errors/ufop.errors';
import { UfopExecutor } from '../interfaces/ufop-executor.interface';
import { UFOP_EXECUTOR } from '../ufop.constants';

/** What `GET /health` means: the executor's dependencies answer and every service's own check passes. */
@Injectable()
export class UfopHealthService {
  constructor(
    private readonly explorer: UfopExplorer,
    @Inject(UFOP_EXECUTOR) private readonly executor: UfopExecutor,
  ) {}

  async check(): Promise<void> {
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
