import { setFlagsFromString } from 'node:v8';

/** The V8 flag set here (V8 takes `-` or `_`); one given on the command line or in NODE_OPTIONS wins. */
const GIVEN = /^--heap[-_]growing[-_]percent\b/;

/**
 * Lets V8's old generation grow to `percent` % past the live heap (300: 4×, the most V8's own heuristics ever
 * choose) before it starts a full, incremental collection. Why the framework sets it: V8 counts every request's
 * short-lived buffers (the socket's chunks and the input, ~2× the body) against the old generation's headroom
 * until the next full collection, and after Nest's boot its heuristics leave a ~20 MB live heap only 20–40 MB of
 * headroom. At ~100 requests/s with 230 KB bodies that headroom ran out every 20–50 requests, so V8 marked the
 * whole heap again and again (55 full collections in 5 s, ~1.5 ms of CPU per request), while a bare server with a
 * 4 MB heap freed the same buffers in cheap young-generation collections. With 4× the buffers die young there too.
 * The cost is bounded garbage: at most 3× the live heap (60 MB for the sample) before V8 collects.
 *
 * Returns whether the flag was set: not when `percent` is 0 (V8 decides) or the process was started with the flag.
 */
export function applyHeapGrowth(
  percent: number,
  execArgv: readonly string[] = process.execArgv,
  nodeOptions: string = process.env.NODE_OPTIONS ?? '',
): boolean {
  if (percent <= 0) return false;
  if ([...execArgv, ...nodeOptions.split(/\s+/)].some((arg) => GIVEN.test(arg))) return false;
  setFlagsFromString(`--heap-growing-percent=${Math.floor(percent)}`);
  return true;
}
