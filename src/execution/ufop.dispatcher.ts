import { Injectable } from '@nestjs/common';
import { UfopNotFoundError } from '../errors/ufop.errors';
import { UfopInvocation } from '../interfaces/ufop-executor.interface';
import { UfopHandlerDefinition } from '../interfaces/ufop-handler-definition.interface';
import { encodeResult } from '../output/result.encoder';
import { UfopResponse } from '../output/ufop-response';
import { validateArgs } from '../routing/ufop-args.validator';
import { HandlerMatch, UfopRouteRegistry } from '../routing/ufop-route.registry';
import { noHandlerMessage } from '../ufop.messages';
import { ufopContext } from '../observability/request-context';

/**
 * Routes a command to its handler and calls it. Used wherever a handler runs: the inline executor,
 * the queue worker, the CLI's `process` and the testing helpers.
 */
@Injectable()
export class UfopDispatcher {
  constructor(private readonly registry: UfopRouteRegistry) {}

  /** Finds the handler of a command (the cmd without the UFOP name) and validates its args: fails fast with 4xx. */
  async route(command: string, cmdForMessages = command): Promise<HandlerMatch & { args: object }> {
    const found = this.registry.match(command);
    if (!found) throw new UfopNotFoundError(noHandlerMessage(cmdForMessages));
    // The request's metric label and access-log route, known before args are validated: a 400 counts under it too.
    ufopContext()?.setRoute(found.handler.route.pattern);
    return { ...found, args: await validateArgs(found.handler.argsType, found.params) };
  }

  async invoke(invocation: UfopInvocation): Promise<UfopResponse> {
    const handler = this.registry.get(invocation.handlerId);
    if (!handler) throw new UfopNotFoundError(`no handler ${invocation.handlerId} in this process`);
    return this.call(handler, invocation);
  }

  private async call(handler: UfopHandlerDefinition, invocation: UfopInvocation): Promise<UfopResponse> {
    const args = invocation.args ?? (await validateArgs(handler.argsType, invocation.params));
    const instance = await handler.resolveInstance();
    const result = await instance[handler.methodName](invocation.input, args);
    return encodeResult(result);
  }
}
