/** Metadata key under which @UfopHandler stores its route on a method. */
export const UFOP_HANDLER_METADATA = 'qiniu-ufop:handler';

/** Injection token of the executor chosen at boot (inline or queue). */
export const UFOP_EXECUTOR = Symbol('UFOP_EXECUTOR');

/** Injection token of the resolved, immutable configuration. */
export const UFOP_CONFIG = Symbol('UFOP_CONFIG');

export const DEFAULT_PORT = 9100;
/** Qiniu's own image processing caps synchronous input at 20 MB; the default follows it. */
export const DEFAULT_MAX_BODY_BYTES = 20 * 1024 * 1024;
export const DEFAULT_FETCH_TIMEOUT_MS = 30_000;
export const DEFAULT_FETCH_MAX_REDIRECTS = 5;
export const DEFAULT_HANDLER_TIMEOUT_MS = 120_000;
/** Requests that may wait for a handler slot in inline mode before new ones are refused with 503. */
export const DEFAULT_MAX_WAITING = 100;
/** A log file is rotated past this size; `UFOP_LOG_FILES` of them are kept (10 MiB × 5 = 50 MiB per role at most). */
export const DEFAULT_LOG_MAX_BYTES = 10 * 1024 * 1024;
export const DEFAULT_LOG_FILES = 5;

/** Inputs larger than this go to a temp file instead of memory: 8 MiB holds most images, not videos or archives. */
export const DEFAULT_SPILL_BYTES = 8 * 1024 * 1024;
/** Share of the instance's memory that inputs held by the framework may take, split among its processes. */
export const DEFAULT_INFLIGHT_MEMORY_SHARE = 0.25;
/** Share of the temp folder's free space at boot that spilled inputs may take, split among processes. */
export const DEFAULT_DISK_SHARE = 0.5;
/** A client has this long to send the request line and headers (Node's default is 60 s, checked every 30 s). */
export const DEFAULT_HEADERS_TIMEOUT_MS = 20_000;
/** A client has this long to send the whole body once its headers are in; past it: 408. */
export const DEFAULT_BODY_TIMEOUT_MS = 60_000;
/** An idle keep-alive connection is closed after this long (Node's default). */
export const DEFAULT_KEEP_ALIVE_TIMEOUT_MS = 5_000;
/** A connection that neither sends nor takes a byte for this long, outside a handler's run, is closed. */
export const DEFAULT_IDLE_TIMEOUT_MS = 60_000;
/** Open connections one process accepts; more are closed at once by the server. */
export const DEFAULT_MAX_CONNECTIONS = 1024;
/** V8 may grow the old generation to this % past the live heap before a full collection (see heap-growth.ts). */
export const DEFAULT_HEAP_GROWING_PERCENT = 300;
/** The seconds a 503 (too busy, over budget) asks the client to wait before trying again. */
export const RETRY_AFTER_SECONDS = 1;
