import { Inject, Injectable } from '@nestjs/common';
import { UfopTimeoutError } from '../errors/ufop.errors';
import { UfopExecutor, UfopInvocation } from '../interfaces/ufop-executor.interface';
import { UfopOptions } from '../interfaces/ufop-options.interface';
import { UfopResponse } from '../output/ufop-response';
import { UFOP_CONFIG } from '../ufop.constants';
import { UfopAdmission } from '../resources/ufop-admission.service';
import { UfopDispatcher } from './ufop.dispatcher';
import { UfopSlots } from '../interfaces/ufop-slots.interface';
import { ufopContext } from '../observability/request-context';
import { raceDeadline } from './deadline';

export const handlerTimeoutMessage = (ms: number) => `handler did not finish within ${ms} ms`;

/**
 * Runs handlers in this process: at most `UFOP_CONCURRENCY` at once, up to `UFOP_MAX_WAITING` more waiting their
 * turn (then 503), each bounded by `UFOP_HANDLER_TIMEOUT_MS` counted from arrival, waiting included.
 */
@Injectable()
export class InlineExecutor implements UfopExecutor {
  constructor(
    private readonly dispatcher: UfopDispatcher,
    private readonly admission: UfopAdmission,
    @Inject(UFOP_CONFIG) private readonly options: UfopOptions,
  ) {}

  /** Read by the `ufop_handler_slots*` gauges. */
  get slots(): UfopSlots {
    return this.admission.limiter;
  }

  execute(invocation: UfopInvocation): Promise<UfopResponse> {
    let expired = false;
    const call = () => {
      ufopContext()?.mark('queue'); // a slot is ours: the wait is over
      return this.dispatcher.invoke(invocation);
    };
    // A request admitted over HTTP holds its place already; other callers (the CLI, tests) take one here.
    const work = invocation.place
      ? invocation.place.run(call, () => expired)
      : this.admission.limiter.run(call, () => expired);
    return withTimeout(work, this.options.handlerTimeoutMs, () => (expired = true));
  }
}

/** Rejects with a 504 once `ms` have passed; JavaScript cannot stop the handler, its input's signal tells it to. */
export function withTimeout<T>(work: Promise<T>, ms: number, onTimeout?: () => void): Promise<T> {
  return raceDeadline(work, ms, () => {
    onTimeout?.();
    return new UfopTimeoutError(handlerTimeoutMessage(ms));
  });
}
