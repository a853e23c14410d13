/** Metadata key under which @UfopHandler stores its route on a method. */
export const UFOP_HANDLER_METADATA = 'qiniu-ufop:handler';

/** Injection token of the executor chosen at boot (inline or queue). */
export const UFOP_EXECUTOR = Symbol('UFOP_EXECUTOR');

/** Injection token of the resolved, immutable configuration. */
export const UFOP_CONFIG = Symbol('UFOP_CONFIG');

export const DEFAULT_PORT = 9100;
/** Qiniu's own image processing caps synchronous input at 20 MB (PROTOCOL.md). */
export const DEFAULT_MAX_BODY_BYTES = 20 * 1024 * 1024;
export const DEFAULT_FETCH_TIMEOUT_MS = 30_000;
export const DEFAULT_FETCH_MAX_REDIRECTS = 5;
export const DEFAULT_HANDLER_TIMEOUT_MS = 120_000;
/** Requests that may wait for a handler slot in inline mode before new ones are refused with 503. */
export const DEFAULT_MAX_WAITING = 100;
/** A log file is rotated past this size; `UFOP_LOG_FILES` of them are kept (10 MiB × 5 = 50 MiB per role at most). */
export const DEFAULT_LOG_MAX_BYTES = 10 * 1024 * 1024;
export const DEFAULT_LOG_FILES = 5;
