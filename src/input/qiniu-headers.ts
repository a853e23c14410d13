/** The optional `X-Qiniu-*` headers the platform sends, decoded from standard base64. */
export interface QiniuHeaders {
  uid?: string;
  bucket?: string;
  key?: string;
  mode?: string;
  /** The whole `|` chain this step belongs to. */
  pipeCmds?: string;
}

const HEADER_FIELDS: ReadonlyArray<[keyof QiniuHeaders, string]> = [
  ['uid', 'x-qiniu-uid'],
  ['bucket', 'x-qiniu-bucket'],
  ['key', 'x-qiniu-key'],
  ['mode', 'x-qiniu-mode'],
  ['pipeCmds', 'x-qiniu-pipe-cmds'],
];

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export function decodeQiniuHeaders(headers: Record<string, string | string[] | undefined>): QiniuHeaders {
  const decoded: QiniuHeaders = {};
  for (const [field, name] of HEADER_FIELDS) {
    const raw = headers[name];
    const value = Array.isArray(raw) ? raw[0] : raw;
    if (value !== undefined && value !== '') decoded[field] = decodeBase64(value.trim());
  }
  return decoded;
}

/** The platform's values are base64; a value that is not is kept as sent rather than turned into garbage. */
function decodeBase64(value: string): string {
  return BASE64.test(value) ? Buffer.from(value, 'base64').toString('utf8') : value;
}
