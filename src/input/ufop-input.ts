import { QiniuHeaders } from './qiniu-headers';

export const DEFAULT_CONTENT_TYPE = 'application/octet-stream';

export interface UfopInputInit {
  body: Buffer;
  contentType?: string;
  cmd: string;
  command: string;
  url?: string;
  qiniu?: QiniuHeaders;
  /** The request's signal, or a function that makes it on first use (most handlers never look at it). */
  signal?: AbortSignal | (() => AbortSignal);
}

/** What a handler receives as its first argument: the source bytes and everything known about the request. */
export class UfopInput {
  /** The source bytes: the request body, or what was downloaded from `url`. */
  readonly body: Buffer;
  /** The source's media type, `application/octet-stream` when unknown. */
  readonly contentType: string;
  /** The cmd as received, UFOP name included: `thumb/200/100`. */
  readonly cmd: string;
  /** The cmd without the UFOP name, as routes see it: `200/100`. */
  readonly command: string;
  /** The source URL, when the platform sent one. */
  readonly url?: string;
  /** The decoded `X-Qiniu-*` headers. */
  readonly qiniu: QiniuHeaders;
  private signalSource: AbortSignal | (() => AbortSignal) | undefined;

  constructor(init: UfopInputInit) {
    this.body = init.body;
    this.contentType = init.contentType || DEFAULT_CONTENT_TYPE;
    this.cmd = init.cmd;
    this.command = init.command;
    this.url = init.url;
    this.qiniu = init.qiniu ?? {};
    this.signalSource = init.signal;
  }

  /** Aborted when the request times out or the client goes away: long handlers should stop then. */
  get signal(): AbortSignal {
    if (typeof this.signalSource !== 'object') {
      this.signalSource = this.signalSource ? this.signalSource() : new AbortController().signal;
    }
    return this.signalSource;
  }

  get size(): number {
    return this.body.length;
  }

  /** The body as UTF-8 text. */
  text(): string {
    return this.body.toString('utf8');
  }
}
