import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { lineHasReqid } from '../logging/log-line';
import { RotatingFile } from '../logging/rotating-file';

/**
 * The last `count` lines of a rotated log (oldest file first, so lines come out in order), only those of `reqid`
 * when given. Streams the files: memory stays at `count` lines however large they are.
 */
export async function tailLog(path: string, files: number, count: number, reqid?: string): Promise<string[]> {
  const kept: string[] = [];
  for (const file of RotatingFile.paths(path, files)) {
    const stream = createReadStream(file, { encoding: 'utf8' });
    const opened = await new Promise<boolean>((resolve) => {
      stream.once('open', () => resolve(true));
      stream.once('error', () => resolve(false)); // not there (not rotated yet)
    });
    if (!opened) continue;
    for await (const line of createInterface({ input: stream, crlfDelay: Infinity })) {
      if (line === '' || (reqid !== undefined && !lineHasReqid(line, reqid))) continue;
      kept.push(line);
      if (kept.length >= 2 * count) kept.splice(0, kept.length - count); // amortised: no shift() per line
    }
  }
  return kept.slice(-count);
}
