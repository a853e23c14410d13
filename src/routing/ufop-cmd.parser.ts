import { UfopBadRequestError } from '../errors/ufop.errors';

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
 * The platform always sends the UFOP name first (PROTOCOL.md); when `expectedName` is set it must match.
 */
export function parseCmd(raw: unknown, expectedName?: string): ParsedCmd {
  if (typeof raw !== 'string' || raw.trim() === '') {
    throw new UfopBadRequestError('missing cmd: expected /handler?cmd=<ufopname>[/<args>]');
  }
  if (raw.length > MAX_CMD_LENGTH) {
    throw new UfopBadRequestError(`cmd is longer than ${MAX_CMD_LENGTH} characters`);
  }
  const slash = raw.indexOf('/');
  const name = slash === -1 ? raw : raw.slice(0, slash);
  const command = slash === -1 ? '' : raw.slice(slash + 1);
  if (expectedName !== undefined && name !== expectedName) {
    throw new UfopBadRequestError(`cmd ${JSON.stringify(raw)} is not for this UFOP: expected it to start with ${expectedName}`);
  }
  return { raw, name, command };
}

/**
 * Parses Qiniu-style trailing key/value pairs (`w/200/h/100` → `{w: '200', h: '100'}`).
 * Returns undefined when the segments do not form pairs, so that the route does not match.
 */
export function parseKeyValuePairs(rest: string): Record<string, string> | undefined {
  const trimmed = rest.replace(/^\/+/, '');
  if (trimmed === '') return {};
  const segments = trimmed.split('/');
  if (segments.length % 2 !== 0) return undefined;
  const pairs: Record<string, string> = Object.create(null);
  for (let i = 0; i < segments.length; i += 2) {
    const key = segments[i];
    if (key === '' || key === '__proto__' || key in pairs) return undefined;
    pairs[key] = segments[i + 1];
  }
  return pairs;
}
