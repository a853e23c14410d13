import { Key, match as compileMatch, MatchFunction, parse, Token } from 'path-to-regexp';
import { readKeyValuePairs } from './ufop-cmd.parser';
import { missingParamMessage } from './ufop-routing.messages';

export type UfopRoutePattern = string | RegExp;

export interface RouteMatch {
  params: Record<string, string>;
  /**
   * Set when the command matches the pattern but what follows it is not key/value pairs (`wordcount/min`):
   * why, for a 400. The registry reports it only if no other route matches the command.
   */
  problem?: string;
}

/**
 * One compiled route. Path patterns use path-to-regexp (v6 syntax: `thumb/:width/:height?`) and may be
 * followed by Qiniu-style key/value pairs; a RegExp is run as written and its named groups become params.
 */
export class UfopRoute {
  /** Equal for two patterns that match exactly the same commands, whatever their param names. */
  readonly signature: string;
  /** Sort key: routes are tried from most to least specific, see `compareRoutes`. */
  readonly specificity: readonly number[];
  private readonly matcher: (command: string) => RouteMatch | undefined;

  constructor(readonly pattern: UfopRoutePattern) {
    if (pattern instanceof RegExp) {
      this.signature = `regexp:${pattern.source}/${pattern.flags}`;
      this.specificity = [0, 0, 0, 0];
      this.matcher = regexpMatcher(pattern);
      return;
    }
    const normalized = pattern.replace(/^\/+|\/+$/g, '');
    const tokens = parse(normalized); // throws on an invalid pattern; the registry names the handler
    this.signature = `path:${tokens.map(tokenSignature).join('')}`;
    this.specificity = pathSpecificity(tokens);
    this.matcher = pathMatcher(normalized, firstRequiredParam(tokens));
  }

  match(command: string): RouteMatch | undefined {
    return this.matcher(command);
  }

  toString(): string {
    return this.pattern instanceof RegExp ? String(this.pattern) : JSON.stringify(this.pattern);
  }
}

/** Most specific first: path patterns before RegExps, then more literal segments, more required params, fewer optional ones. */
export function compareRoutes(a: UfopRoute, b: UfopRoute): number {
  for (let i = 0; i < a.specificity.length; i++) {
    const diff = b.specificity[i] - a.specificity[i];
    if (diff !== 0) return diff;
  }
  return 0;
}

/** The literal start of a pattern and the required param right after it (`thumb` and `width` for `thumb/:width`). */
interface RequiredParam {
  before: string;
  name: string;
}

function firstRequiredParam(tokens: Token[]): RequiredParam | undefined {
  const [literal, key] = tokens;
  if (typeof literal !== 'string' || key === undefined || typeof key === 'string') return undefined;
  if (key.modifier !== '' && key.modifier !== '+') return undefined;
  return { before: literal, name: String(key.name) };
}

function pathMatcher(
  pattern: string,
  required: RequiredParam | undefined,
): (command: string) => RouteMatch | undefined {
  // `end: false` lets key/value pairs follow the pattern; `decode` keeps Qiniu's raw (often url-safe base64) args.
  const fn: MatchFunction<Record<string, string | string[]>> = compileMatch(pattern, {
    end: false,
    decode: (value) => value,
  });
  return (command) => {
    const trimmed = command.replace(/\/+$/, '');
    const result = fn(trimmed);
    if (!result) {
      // `thumb` or `thumb/` for `thumb/:width`: the client left the value out, "no handler" would mislead.
      if (required !== undefined && trimmed === required.before) {
        return { params: {}, problem: missingParamMessage(required.name, pattern) };
      }
      return undefined;
    }
    const params: Record<string, string> = {};
    const problem = readKeyValuePairs(trimmed.slice(result.path.length), params);
    if (problem !== undefined) return { params: {}, problem };
    // Route params win over pairs of the same name.
    for (const key in result.params) {
      const value = result.params[key];
      if (value !== undefined) params[key] = Array.isArray(value) ? value.join('/') : value;
    }
    return { params };
  };
}

function regexpMatcher(pattern: RegExp): (command: string) => RouteMatch | undefined {
  // A copy without the g/y flags: lastIndex would otherwise carry over between requests.
  const re = new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, ''));
  return (command) => {
    const result = re.exec(command);
    if (!result) return undefined;
    const params: Record<string, string> = {};
    for (const [key, value] of Object.entries(result.groups ?? {})) {
      if (value !== undefined) params[key] = value;
    }
    return { params };
  };
}

function tokenSignature(token: Token): string {
  if (typeof token === 'string') return token;
  const key = token as Key;
  return `${key.prefix}{${key.pattern}}${key.modifier}${key.suffix}`;
}

function pathSpecificity(tokens: Token[]): number[] {
  let literalSegments = 0;
  let required = 0;
  let optional = 0;
  for (const token of tokens) {
    if (typeof token === 'string') {
      literalSegments += token.split('/').filter(Boolean).length;
    } else if (token.modifier === '' || token.modifier === '+') {
      required += 1;
    } else {
      optional += 1;
    }
  }
  return [1, literalSegments, required, -optional];
}
