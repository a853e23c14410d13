import { Inject, Injectable } from '@nestjs/common';
import { UfopTimeoutError } from '../errors/ufop.errors';
import { UfopExecutor, UfopInvocation } from '../interfaces/ufop-executor.interface';
import { UfopOptions } from '../interfaces/ufop-options.interface';
import { UfopResponse } from '../output/ufop-response';
import { UFOP_CONFIG } from '../ufop.constants';
import { UfopDispatcher } from './ufop.dispatcher';

export const handlerTimeoutMessage = (ms: number) => `handler did not finish within ${ms} ms`;

/** Runs handlers in this process, bounded by `UFOP_HANDLER_TIMEOUT_MS`. */
@Injectable()
export class InlineExecutor implements UfopExecutor {
  constructor(
    private readonly dispatcher: UfopDispatcher,
    @Inject(UFOP_CONFIG) private readonly options: UfopOptions,
  ) {}

  execute(invocation: UfopInvocation): Promise<UfopResponse> {
    return withTimeout(this.dispatcher.invoke(invocation), this.options.handlerTimeoutMs);
  }
}

/** Rejects with a 504 once `ms` have passed; JavaScript cannot stop the handler, its input's signal tells it to. */
export function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new UfopTimeoutError(handlerTimeoutMessage(ms))), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}
