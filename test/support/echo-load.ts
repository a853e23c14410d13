import { randomBytes } from 'node:crypto';

/**
 * How one echo request ended: `ok` (200, the very bytes sent), `refused` (503 or 504 with `{"error"}`: allowed
 * while a dependency is away), `wrong` (any other answer: never allowed), `hang` (no answer within the request's
 * timeout) or `error` (the connection failed).
 */
export interface EchoOutcome {
  /** When the request started and ended, in ms since the epoch. */
  start: number;
  end: number;
  size: number;
  status: number;
  verdict: 'ok' | 'refused' | 'wrong' | 'hang' | 'error';
  detail?: string;
}

/** POSTs `size` random bytes to the sample's `echo` handler and checks the answer byte for byte. */
export async function echoOnce(baseUrl: string, size: number, timeoutMs: number): Promise<EchoOutcome> {
  const body = randomBytes(size);
  const start = Date.now();
  const done = (status: number, verdict: EchoOutcome['verdict'], detail?: string): EchoOutcome => ({
    start,
    end: Date.now(),
    size,
    status,
    verdict,
    detail,
  });
  try {
    const response = await fetch(`${baseUrl}/handler?cmd=demo/echo`, {
      method: 'POST',
      body: new Uint8Array(body),
      headers: { 'content-type': 'application/octet-stream' },
      signal: AbortSignal.timeout(timeoutMs),
    });
    const bytes = Buffer.from(await response.arrayBuffer());
    if (response.status === 200) {
      return bytes.equals(body)
        ? done(200, 'ok')
        : done(200, 'wrong', `${bytes.length} bytes differ from the ${size} sent`);
    }
    const text = bytes.toString('utf8');
    const isError = (() => {
      try {
        return typeof JSON.parse(text).error === 'string';
      } catch {
        return false;
      }
    })();
    return (response.status === 503 || response.status === 504) && isError
      ? done(response.status, 'refused', text)
      : done(response.status, 'wrong', text.slice(0, 200));
  } catch (error) {
    const name = (error as Error)?.name;
    return name === 'TimeoutError' || name === 'AbortError'
      ? done(0, 'hang', `no answer within ${timeoutMs} ms`)
      : done(0, 'error', String((error as Error)?.cause ?? error));
  }
}

export interface EchoLoad {
  sizes: number[];
  /** Requests in flight at once. */
  concurrency: number;
  timeoutMs: number;
  /** Stops after this many requests, or when `stop()` returns true (checked before each request). */
  count?: number;
  stop?: () => boolean;
}

/** Keeps `concurrency` echo requests in flight, cycling through `sizes`, and returns every outcome. */
export async function echoLoad(baseUrl: string, load: EchoLoad): Promise<EchoOutcome[]> {
  const outcomes: EchoOutcome[] = [];
  let sent = 0;
  const lane = async () => {
    while (!(load.stop?.() ?? false) && (load.count === undefined || sent < load.count)) {
      const size = load.sizes[sent++ % load.sizes.length];
      outcomes.push(await echoOnce(baseUrl, size, load.timeoutMs));
    }
  };
  await Promise.all(Array.from({ length: load.concurrency }, lane));
  return outcomes.sort((a, b) => a.start - b.start);
}

/** Counts of outcomes by verdict, for assertions that print what went wrong. */
export function tally(outcomes: EchoOutcome[]): Record<EchoOutcome['verdict'], number> {
  const counts = { ok: 0, refused: 0, wrong: 0, hang: 0, error: 0 };
  for (const outcome of outcomes) counts[outcome.verdict]++;
  return counts;
}
