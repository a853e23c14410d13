import { UfopInput } from '../input/ufop-input';
import { UfopResponse } from '../output/ufop-response';
import { UfopSlots } from './ufop-slots.interface';
import type { LimiterPlace } from '../execution/concurrency.limiter';

/** One call of a handler: which handler, with which raw args, on which input. */
export interface UfopInvocation {
  handlerId: string;
  /** Route params and key/value pairs as strings; the handler's args class validates them where it runs. */
  params: Record<string, string>;
  /** The validated args, when they were validated in this process already (inline mode): saves a second pass. */
  args?: object;
  input: UfopInput;
  /** Inline mode: the place this request took on admission, before its input was read; runs the handler in its slot. */
  place?: LimiterPlace;
}

/**
 * Where handlers run. Chosen once at boot from `UFOP_MODE`: in this process (inline) or on a worker
 * through the job queue. Both answer with the same encoded response, so clients cannot tell them apart.
 */
export interface UfopExecutor {
  execute(invocation: UfopInvocation): Promise<UfopResponse>;
  /** Throws when a dependency the executor needs (Redis, say) is down; `/health` reports it. */
  checkHealth?(): Promise<void>;
  /** Handler slots of this process, when the executor runs handlers here (inline mode): read by the metrics. */
  readonly slots?: UfopSlots;
}
