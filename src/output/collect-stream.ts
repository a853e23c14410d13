import { Readable } from 'node:stream';

/** Reads a stream result to its end, for the places that need the bytes (the queue worker, the CLI, tests). */
export async function collectStream(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks);
}
