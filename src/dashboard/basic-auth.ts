import type { IncomingMessage } from 'node:http';
import { sameSecret } from '../admin/admin-command';

/** True when the request's `Authorization: Basic …` names this user and password (compared in constant time). */
export function hasBasicAuth(req: IncomingMessage, user: string, password: string): boolean {
  const header = req.headers.authorization ?? '';
  const match = /^Basic ([A-Za-z0-9+/=]+)$/i.exec(header.trim());
  if (!match) return false;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon === -1) return false;
  // Both compared, always: no early exit that would tell which one was wrong.
  const userOk = sameSecret(decoded.slice(0, colon), user);
  const passwordOk = sameSecret(decoded.slice(colon + 1), password);
  return userOk && passwordOk;
}
