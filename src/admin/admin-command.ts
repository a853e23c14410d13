import { timingSafeEqual, createHash } from 'node:crypto';
import { readKeyValuePairs } from '../routing/ufop-cmd.parser';
import { ADMIN_PREFIX } from './ufop-admin.messages';

export interface AdminCommand {
  name: 'stats' | 'logs';
  /** The key/value pairs after the name, token excluded. */
  params: Record<string, string>;
}

const NAMES = new Set(['stats', 'logs']);

/** True when a command (cmd without the UFOP name) is under the reserved `_ufop/` prefix. */
export function isAdminCommand(command: string): boolean {
  return command === ADMIN_PREFIX || command.startsWith(`${ADMIN_PREFIX}/`);
}

/**
 * Parses `_ufop/<name>/token/<t>[/<key>/<value>…]`. Undefined when it is not a known command with the right token,
 * so the caller answers as it would for any unknown cmd: the commands cannot be probed.
 */
export function parseAdminCommand(command: string, token: string): AdminCommand | undefined {
  const [prefix, name, ...rest] = command.split('/');
  if (prefix !== ADMIN_PREFIX || !NAMES.has(name)) return undefined;
  const pairs: Record<string, string> = Object.create(null);
  if (readKeyValuePairs(rest.join('/'), pairs) !== undefined || !sameSecret(pairs.token ?? '', token)) return undefined;
  const { token: _token, ...params } = pairs;
  return { name: name as AdminCommand['name'], params };
}

/** Constant-time comparison of digests: neither the content nor the length of the token leaks through timing. */
export function sameSecret(given: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}
