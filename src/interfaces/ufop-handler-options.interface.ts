import { Type } from '@nestjs/common';
import { UfopRoutePattern } from '../routing/ufop-route';

export interface UfopHandlerOptions {
  /**
   * Class the route params and key/value pairs are turned into and validated as (class-validator).
   * Defaults to the declared type of the handler's second parameter when that is a class.
   */
  args?: Type<object>;
}

export interface UfopHandlerMetadata extends UfopHandlerOptions {
  route: UfopRoutePattern;
}
