import { Type } from '@nestjs/common';
import { getMetadataStorage } from 'class-validator';
import { parse } from 'path-to-regexp';
import { UfopHandlerDefinition } from '../interfaces/ufop-handler-definition.interface';

export interface PlaygroundArg {
  name: string;
  optional: boolean;
  /** `path`: a segment of the route; `pair`: a Qiniu-style `name/value` pair after it (declared by the args class only). */
  in: 'path' | 'pair';
  /** The args class's validation rules, as class-validator names them (`isInt`, `min 1`). */
  rules: string[];
}

export interface PlaygroundRoute {
  /** The route as declared: `thumb/:width/:height?`, or a RegExp's source. */
  pattern: string;
  /** What the cmd box is filled with when the route is picked: the route's literal start (`thumb/`). */
  start: string;
  handler: string;
  args: PlaygroundArg[];
}

/** The discovered routes, most specific first, with what the playground shows of their args. */
export function describeRoutes(handlers: readonly UfopHandlerDefinition[]): PlaygroundRoute[] {
  return handlers.map((def) => {
    const pattern = def.route.pattern;
    const rules = argsRules(def.argsType);
    const path = typeof pattern === 'string' ? pathArgs(pattern) : regexpArgs(pattern);
    const args: PlaygroundArg[] = path.map((arg) => ({ ...arg, rules: rules.get(arg.name)?.rules ?? [] }));
    for (const [name, declared] of rules) {
      if (!args.some((arg) => arg.name === name))
        args.push({ name, optional: declared.optional, in: 'pair', rules: declared.rules });
    }
    return {
      pattern: typeof pattern === 'string' ? pattern : String(pattern),
      start: typeof pattern === 'string' ? literalStart(pattern) : '',
      handler: `${def.className}.${def.methodName}()`,
      args,
    };
  });
}

function pathArgs(pattern: string): Array<Omit<PlaygroundArg, 'rules'>> {
  return parse(pattern.replace(/^\/+|\/+$/g, ''))
    .filter((token): token is Exclude<typeof token, string> => typeof token !== 'string')
    .map((key) => ({
      name: String(key.name),
      optional: key.modifier === '?' || key.modifier === '*',
      in: 'path' as const,
    }));
}

function regexpArgs(pattern: RegExp): Array<Omit<PlaygroundArg, 'rules'>> {
  return [...pattern.source.matchAll(/\(\?<([A-Za-z_$][\w$]*)>/g)].map((match) => ({
    name: match[1],
    optional: false,
    in: 'path' as const,
  }));
}

/** `thumb/:width` → `thumb/`; `hello/:name?` → `hello/`; `json` → `json`. */
function literalStart(pattern: string): string {
  const normalized = pattern.replace(/^\/+|\/+$/g, '');
  const param = normalized.search(/[:(*]/);
  return param === -1 ? normalized : normalized.slice(0, param);
}

/** Property names of the args class with their class-validator rules; `@IsOptional()` makes one optional. */
function argsRules(argsType?: Type<object>): Map<string, { optional: boolean; rules: string[] }> {
  const rules = new Map<string, { optional: boolean; rules: string[] }>();
  if (!argsType) return rules;
  for (const meta of getMetadataStorage().getTargetValidationMetadatas(argsType, '', true, false)) {
    const entry = rules.get(meta.propertyName) ?? { optional: false, rules: [] };
    if (meta.type === 'conditionalValidation') entry.optional = true;
    else if (meta.name)
      entry.rules.push(
        [meta.name, ...(meta.constraints ?? []).filter((c) => c !== undefined && typeof c !== 'object')].join(' '),
      );
    rules.set(meta.propertyName, entry);
  }
  // Decorators run bottom-up: back to the order they are written in.
  for (const entry of rules.values()) entry.rules.reverse();
  return rules;
}
