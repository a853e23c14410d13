import type { Duplex } from 'node:stream';

/** Counts the system writes of a socket from now on: Node calls `_write` for one chunk or `_writev` for all it holds. */
export function countWrites(socket: Duplex): { writes: number } {
  const counter = { writes: 0 };
  const stream = socket as Duplex & { _writev?: (...args: unknown[]) => void };
  const write = stream._write;
  const writev = stream._writev;
  stream._write = function (...args: Parameters<Duplex['_write']>) {
    counter.writes++;
    return write.apply(this, args);
  };
  if (writev)
    stream._writev = function (...args: unknown[]) {
      counter.writes++;
      return writev.apply(this, args);
    };
  return counter;
}
