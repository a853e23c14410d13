import { randomBytes } from 'node:crypto';

export const REQID_HEADER = 'x-reqid';

/** Qiniu's ids are short base64-ish strings; anything else (too long, spaces, quotes) is replaced, not echoed. */
const SAFE_REQID = /^[A-Za-z0-9_.:=+/-]{1,64}$/;

/** The request's id: the caller's `X-Reqid` when it is safe to echo and to log, else a new one. */
export function requestId(header: string | string[] | undefined): string {
  const given = Array.isArray(header) ? header[0] : header;
  return given !== undefined && SAFE_REQID.test(given) ? given : newRequestId();
}

/**
 * 12 random characters drawn once per process, then a counter: unique across processes and machines, and about a
 * hundred times cheaper than random bytes per request (`randomBytes` was the largest single cost a request added).
 */
const PROCESS_PREFIX = randomBytes(9).toString('base64url');
let counter = 0;

/** A new id: `<12 random url-safe characters><counter in base 36>`, e.g. `q2ZfK8LwUe0B1a`. */
export function newRequestId(): string {
  counter = counter === Number.MAX_SAFE_INTEGER ? 0 : counter + 1;
  return PROCESS_PREFIX + counter.toString(36);
}
