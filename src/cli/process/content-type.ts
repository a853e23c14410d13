import { lookup } from 'mime-types';

/** The type `process` gives an input file: `--content-type`, else from its extension, else octet-stream. */
export function inputContentType(file: string, explicit?: string): string {
  if (explicit) return explicit;
  if (file === '-') return 'application/octet-stream';
  return lookup(file) || 'application/octet-stream';
}
