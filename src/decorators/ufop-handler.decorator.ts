import { SetMetadata } from '@nestjs/common';
import { UFOP_HANDLER_METADATA } from '../ufop.constants';
import { UfopHandlerMetadata, UfopHandlerOptions } from '../interfaces/ufop-handler-options.interface';
import { UfopRoutePattern } from '../routing/ufop-route';

/**
 * Marks a method of an injectable class as the handler of the commands matching `route`
 * (the cmd without the UFOP name). The method receives `(input: UfopInput, args)`.
 *
 * @example
 * @UfopHandler('thumb/:width/:height?')
 * thumb(input: UfopInput, args: ThumbArgs) { ... }
 */
export function UfopHandler(route: UfopRoutePattern, options: UfopHandlerOptions = {}): MethodDecorator {
  return SetMetadata<string, UfopHandlerMetadata>(UFOP_HANDLER_METADATA, { ...options, route });
}
