import { UfopBadRequestError } from '../errors/ufop.errors';
import { emptyKeyMessage, missingValueMessage, repeatedKeyMessage, reservedKeyMessage } from './ufop-routing.messages';

export interface ParsedCmd {
  /** The cmd exactly as received: `thumb/200/100`. */
  raw: string;
  /** Its first segment, the UFOP name: `thumb`. */
  name: string;
  /** The rest, which routes are matched against: `200/100` (empty when the cmd is only the name). */
  command: string;
}

/** Maximum cmd length accepted; Qiniu's URLs are bounded and a longer cmd is a mistake or an attack. */
export const MAX_CMD_LENGTH = 4096;

/**
 * Splits a Qiniu cmd into the UFOP name and the command routes see.
 * The platform always sends the UFOP name as the first segment of the cmd (`<ufop>/<rest>`); when `expectedName` is set it must match.
 */
export function parseCmd(raw: unknown, expectedName?: string): ParsedCmd {
  if (typeof raw !== 'string' || raw.trim() === '') {
    throw new UfopBadRequestError('missing cmd: expected /handler?cmd=<ufopname>[/<args>]');
  }
  if (raw.length > MAX_CMD_LENGTH) {
    throw new UfopBadRequestError(`cmd is longer than ${MAX_CMD_LENGTH} characters`);
  }
  const { name, command } = splitCmd(raw);
  if (expectedName !== undefined && name !== expectedName) {
    throw new UfopBadRequestError(
      `cmd ${JSON.stringify(raw)} is not for this UFOP: expected it to start with ${expectedName}`,
    );
  }
  return { raw, name, command };
}

/** The first segment of a cmd (the UFOP name) and the rest (what routes see): `a/b/c` → `a` and `b/c`. */
export function splitCmd(raw: string): { name: string; command: string } {
  const slash = raw.indexOf('/');
  return slash === -1 ? { name: raw, command: '' } : { name: raw.slice(0, slash), command: raw.slice(slash + 1) };
}

/**
 * Reads Qiniu-style trailing key/value pairs (`/w/200/h/100` → `{w: '200', h: '100'}`) into `into`.
 * Returns undefined when they are well formed, else what is wrong with them (for a 400: the command
 * matched a route, so "no handler" would mislead). Allocates nothing when `rest` is empty.
 */
export function readKeyValuePairs(rest: string, into: Record<string, string>): string | undefined {
  let start = 0;
  while (start < rest.length && rest.charCodeAt(start) === SLASH) start++;
  if (start === rest.length) return undefined;
  const segments = rest.slice(start).split('/');
  for (let i = 0; i < segments.length; i += 2) {
    const key = segments[i];
    if (i + 1 === segments.length) return missingValueMessage(key);
    if (key === '') return emptyKeyMessage(segments[i + 1]);
    if (key === '__proto__') return reservedKeyMessage(key);
    if (Object.hasOwn(into, key)) return repeatedKeyMessage(key);
    into[key] = segments[i + 1];
  }
  return undefined;
}

const SLASH = 0x2f;
