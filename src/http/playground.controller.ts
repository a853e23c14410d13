import { Controller, Get, Header, Inject, NotFoundException, Req } from '@nestjs/common';
import type { Request } from 'express';
import { UfopOptions } from '../interfaces/ufop-options.interface';
import { UfopRouteRegistry } from '../routing/ufop-route.registry';
import { UFOP_CONFIG } from '../ufop.constants';
import { PLAYGROUND_CSP, PLAYGROUND_PATH, playgroundPage } from './playground.page';
import { describeRoutes, PlaygroundRoute } from './playground.routes';

export interface PlaygroundData {
  /** `UFOP_NAME`, which the page puts before every cmd; null when unset (the page then uses `ufop`). */
  ufopName: string | null;
  mode: UfopOptions['mode'];
  routes: PlaygroundRoute[];
}

/**
 * `GET /_ufop/playground`: a page to try handlers from a browser during development, and the routes it offers.
 * Off unless `UFOP_PLAYGROUND` (or `npm run start:dev`) turns it on; then both answer 404 as an unknown path does.
 */
@Controller(PLAYGROUND_PATH)
export class PlaygroundController {
  constructor(
    @Inject(UFOP_CONFIG) private readonly options: UfopOptions,
    private readonly registry: UfopRouteRegistry,
  ) {}

  @Get()
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('content-security-policy', PLAYGROUND_CSP)
  @Header('cache-control', 'no-store')
  page(@Req() req: Request): string {
    this.requireEnabled(req);
    return playgroundPage();
  }

  @Get('routes')
  @Header('cache-control', 'no-store')
  routes(@Req() req: Request): PlaygroundData {
    this.requireEnabled(req);
    return {
      ufopName: this.options.ufopName ?? null,
      mode: this.options.mode,
      routes: describeRoutes(this.registry.all()),
    };
  }

  private requireEnabled(req: Request): void {
    // The same answer as a path that does not exist: a production server does not reveal that the page could be on.
    if (!this.options.playground) throw new NotFoundException(`Cannot GET ${req.path}`);
  }
}
