import { Type } from '@nestjs/common';
import { UfopRoute } from '../routing/ufop-route';

/** A discovered handler method, as the registry, the dispatcher and the queue worker know it. */
export interface UfopHandlerDefinition {
  /** Stable across processes of the same build: `ClassName.methodName`. */
  id: string;
  route: UfopRoute;
  className: string;
  methodName: string;
  argsType?: Type<object>;
  /** Returns the instance to call: the singleton, or a fresh one for request-scoped providers. */
  resolveInstance(): Promise<Record<string, (...args: unknown[]) => unknown>>;
}
