import { Injectable } from '@nestjs/common';
import { UfopBadRequestError } from '../errors/ufop.errors';
import { UfopHandlerDefinition } from '../interfaces/ufop-handler-definition.interface';
import { ADMIN_PREFIX, reservedRouteMessage } from '../admin/ufop-admin.messages';
import { duplicateRouteMessage } from '../ufop.messages';
import { compareRoutes } from './ufop-route';
import { INVALID_ARGS } from './ufop-routing.messages';
import { UfopStartupError } from '../errors/ufop-startup.error';

export interface HandlerMatch {
  handler: UfopHandlerDefinition;
  /** Route params and key/value pairs, as strings: validated later against the handler's args class. */
  params: Record<string, string>;
}

/**
 * All handlers of the application, tried from the most specific route to the least (see `compareRoutes`);
 * equally specific routes keep the order in which they were discovered.
 */
@Injectable()
export class UfopRouteRegistry {
  private readonly byId = new Map<string, UfopHandlerDefinition>();
  private ordered: UfopHandlerDefinition[] = [];

  add(handler: UfopHandlerDefinition): void {
    if (isReserved(handler)) {
      throw new UfopStartupError(
        reservedRouteMessage(`${handler.className}.${handler.methodName}()`, String(handler.route.pattern)),
      );
    }
    const clash = this.ordered.find((other) => other.route.signature === handler.route.signature);
    if (clash) throw new UfopStartupError(duplicateRouteMessage(clash, handler));
    let id = handler.id;
    for (let n = 2; this.byId.has(id); n++) id = `${handler.id}#${n}`;
    const stored = { ...handler, id };
    this.byId.set(id, stored);
    this.ordered.push(stored);
    this.ordered.sort((a, b) => compareRoutes(a.route, b.route));
  }

  /**
   * The handler of a command, or undefined when no route matches it. When none matches but one matched its
   * pattern and was followed by malformed key/value pairs (`wordcount/min`), that is a 400 saying what is wrong.
   */
  match(command: string): HandlerMatch | undefined {
    let problem: string | undefined;
    for (const handler of this.ordered) {
      const found = handler.route.match(command);
      if (found === undefined) continue;
      if (found.problem === undefined) return { handler, params: found.params };
      problem ??= found.problem; // the most specific route's reason
    }
    if (problem !== undefined) throw new UfopBadRequestError(INVALID_ARGS + problem);
    return undefined;
  }

  get(id: string): UfopHandlerDefinition | undefined {
    return this.byId.get(id);
  }

  all(): readonly UfopHandlerDefinition[] {
    return this.ordered;
  }
}

/** `_ufop/…` belongs to the framework's operator commands; a user route there would shadow or be shadowed by them. */
function isReserved(handler: UfopHandlerDefinition): boolean {
  const { pattern } = handler.route;
  const text = pattern instanceof RegExp ? pattern.source.replace(/^\^/, '') : pattern.replace(/^\/+/, '');
  return text === ADMIN_PREFIX || text.startsWith(`${ADMIN_PREFIX}/`) || text.startsWith(`${ADMIN_PREFIX}\\/`);
}
