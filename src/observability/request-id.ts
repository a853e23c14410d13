import { randomBytes } from 'node:crypto';

export const REQID_HEADER = 'x-reqid';

/** Qiniu's ids are short base64-ish strings; anything else (too long, spaces, quotes) is replaced, not echoed. */
const SAFE_REQID = /^[A-Za-z0-9_.:=+\/-]{1,64}$/;

/** The request's id: the caller's `X-Reqid` when it is safe to echo and to log, else a new one. */
export function requestId(header: string | string[] | undefined): string {
  const given = Array.isArray(header) ? header[0] : header;
  return given !== undefined && SAFE_REQID.test(given) ? given : newRequestId();
}

/** 16 random bytes in url-safe base64: 22 characters, unique enough to grep for. */
export function newRequestId(): string {
  return randomBytes(16).toString('base64url');
}
