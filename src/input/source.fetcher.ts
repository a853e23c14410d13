import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { isIP } from 'node:net';
import type { Dispatcher } from 'undici';
import { UFOP_CONFIG } from '../ufop.constants';
import { UfopOptions } from '../interfaces/ufop-options.interface';
import {
  UfopBadGatewayError,
  UfopBadRequestError,
  UfopError,
  UfopForbiddenError,
  UfopPayloadTooLargeError,
  UfopTimeoutError,
} from '../errors/ufop.errors';
import { classifyAddress, hostAllowed } from './address.classifier';
import { AddressRefusedError, createGuardedLookup } from './guarded-lookup';
import { InputSink, StoredInput, tooLargeMessage } from './input.sink';

export interface FetchedSource {
  stored: StoredInput;
  contentType?: string;
}

/** Makes the sink a download is written to, once its declared size (Content-Length) is known. */
export type SinkFactory = (declared: number | undefined) => InputSink;

interface UndiciClient {
  agent: Dispatcher;
  request: typeof import('undici').request;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/**
 * Downloads a `url` source with undici: a total deadline, the size cap enforced while streaming, a
 * redirect cap, and the address guard applied to every hop (host allowlist and IP literals here,
 * resolved addresses in the socket's lookup).
 */
@Injectable()
export class SourceFetcher implements OnModuleDestroy {
  private client?: Promise<UndiciClient>;

  constructor(@Inject(UFOP_CONFIG) private readonly options: UfopOptions) {}

  /**
   * Downloads `url` into the sink that `sink` makes: memory, or a temp file for a large source, within the size cap
   * and the process's byte budgets (a source that does not fit is a 413 or a 503 as soon as that is known).
   */
  async fetch(url: string, sink: SinkFactory, signal?: AbortSignal): Promise<FetchedSource> {
    const deadline = AbortSignal.timeout(this.options.fetchTimeoutMs);
    const combined = signal ? AbortSignal.any([deadline, signal]) : deadline;
    try {
      return await this.follow(this.parse(url), sink, combined);
    } catch (error) {
      throw this.translate(error, deadline);
    }
  }

  async onModuleDestroy(): Promise<void> {
    if (this.client) await (await this.client).agent.destroy();
  }

  /**
   * undici and the agent, made at the first download: loading undici costs about as much CPU as booting an empty Nest
   * application, which a process that never downloads (`qiniu-ufop process`, most services) need not pay.
   */
  private undici(): Promise<UndiciClient> {
    this.client ??= import('undici').then(({ Agent, request }) => ({
      request,
      agent: new Agent({
        connect: {
          timeout: this.options.fetchTimeoutMs,
          ...(this.options.allowPrivateUrls ? {} : { lookup: createGuardedLookup() }),
        },
        headersTimeout: this.options.fetchTimeoutMs,
        bodyTimeout: this.options.fetchTimeoutMs,
      }),
    }));
    return this.client;
  }

  private async follow(start: URL, makeSink: SinkFactory, signal: AbortSignal): Promise<FetchedSource> {
    const { agent, request } = await this.undici();
    let target = start;
    for (let redirects = 0; ; redirects++) {
      this.checkHost(target);
      const response = await request(target, { dispatcher: agent, signal, method: 'GET' });
      if (REDIRECT_STATUSES.has(response.statusCode) && response.headers.location) {
        await response.body.dump();
        if (redirects >= this.options.fetchMaxRedirects) {
          throw new UfopBadGatewayError(`source redirected more than ${this.options.fetchMaxRedirects} times`);
        }
        target = this.parse(String(response.headers.location), target);
        continue;
      }
      if (response.statusCode < 200 || response.statusCode >= 300) {
        await response.body.dump();
        throw new UfopBadGatewayError(`source download failed: ${target.host} answered ${response.statusCode}`);
      }
      const length = Number(response.headers['content-length']);
      const declared = Number.isSafeInteger(length) && length >= 0 ? length : undefined;
      if (declared !== undefined && declared > this.options.maxBodyBytes) {
        response.body.destroy();
        throw new UfopPayloadTooLargeError(tooLargeMessage(this.options.maxBodyBytes));
      }
      const stored = await this.receive(response.body, makeSink, declared);
      const contentType = response.headers['content-type'];
      return { stored, contentType: Array.isArray(contentType) ? contentType[0] : contentType };
    }
  }

  private async receive(
    body: Dispatcher.ResponseData['body'],
    makeSink: SinkFactory,
    declared?: number,
  ): Promise<StoredInput> {
    let sink: InputSink | undefined;
    try {
      // A source whose Content-Length does not fit the budgets is refused before its body is read.
      sink = makeSink(declared);
      return await drainInto(body, sink);
    } catch (error) {
      body.destroy();
      await sink?.abort();
      throw error;
    }
  }

  private parse(raw: string, base?: URL): URL {
    let url: URL;
    try {
      url = new URL(raw, base);
    } catch {
      throw new UfopBadRequestError(`invalid source url ${JSON.stringify(raw)}`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new UfopBadRequestError(`source url must be http or https, not ${url.protocol}`);
    }
    return url;
  }

  private checkHost(url: URL): void {
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (!hostAllowed(host, this.options.urlAllowlist)) {
      throw new UfopForbiddenError(`source host ${host} is not in UFOP_URL_ALLOWLIST`);
    }
    if (!this.options.allowPrivateUrls && isIP(host)) {
      const verdict = classifyAddress(host);
      if (!verdict.allowed) throw new UfopForbiddenError(`source host ${host} refused: ${verdict.reason}`);
    }
  }

  private translate(error: unknown, deadline: AbortSignal): Error {
    if (error instanceof UfopError) return error;
    const refused = findCause(error, (e) => e instanceof AddressRefusedError);
    if (refused) return new UfopForbiddenError(refused.message);
    if (deadline.aborted || findCause(error, (e) => /Timeout/i.test((e as { code?: string }).code ?? ''))) {
      return new UfopTimeoutError(`source download timed out after ${this.options.fetchTimeoutMs} ms`);
    }
    const code = findCause(error, (e) => typeof (e as { code?: unknown }).code === 'string') as
      { code?: string } | undefined;
    return new UfopBadGatewayError(
      `source download failed: ${code?.code ?? (error as Error)?.message ?? 'unknown error'}`,
    );
  }
}

/**
 * Reads a download into the sink without ever pausing undici's body stream. undici 7 (the line that runs on
 * Node 20) crashes the whole process with an uncatchable assertion when the source closes its socket while the
 * HTTP parser is paused by backpressure (nodejs/undici#5360, fixed in undici 8, which needs Node 22). So the body
 * flows, and the sink writes its temp file synchronously (`syncWrites`): while it writes, the socket is not read,
 * and TCP holds the source back instead.
 */
function drainInto(body: Dispatcher.ResponseData['body'], sink: InputSink): Promise<StoredInput> {
  return new Promise<StoredInput>((resolve, reject) => {
    let failed = false;
    const fail = (error: unknown) => {
      if (failed) return;
      failed = true;
      body.off('data', onData);
      reject(error);
    };
    const onData = (chunk: Buffer) => {
      try {
        sink.write(chunk);
      } catch (error) {
        fail(error);
      }
    };
    body.on('data', onData);
    body.once('error', fail);
    body.once('end', () => {
      if (!failed) sink.finish().then(resolve, reject);
    });
  });
}

function findCause(error: unknown, test: (e: Error) => boolean): Error | undefined {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; depth++) {
    if (test(current)) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
