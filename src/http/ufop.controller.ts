import { All, Controller, Get, Header, HttpCode, Inject, Post, Req, Res, UseFilters } from '@nestjs/common';
import type { Request, Response } from 'express';
import { pipeline } from 'node:stream/promises';
import { UfopBadRequestError, UfopError } from '../errors/ufop.errors';
import { UfopExceptionFilter } from '../errors/ufop-exception.filter';
import { readBody } from '../input/body.reader';
import { decodeQiniuHeaders } from '../input/qiniu-headers';
import { SourceFetcher } from '../input/source.fetcher';
import { UfopInput } from '../input/ufop-input';
import { UfopExecutor } from '../interfaces/ufop-executor.interface';
import { UfopOptions } from '../interfaces/ufop-options.interface';
import { UfopResponse } from '../output/ufop-response';
import { parseCmd } from '../routing/ufop-cmd.parser';
import { UfopDispatcher } from '../execution/ufop.dispatcher';
import { UFOP_CONFIG, UFOP_EXECUTOR } from '../ufop.constants';
import { UfopHealthService } from './health.service';
import { UfopAdminService } from '../admin/ufop-admin.service'; // [obs]
import { ufopContext } from '../observability/request-context'; // [obs]

/** Why a request's signal is aborted: the response is over (sent, timed out, or the client went away). */
const REQUEST_OVER = Object.freeze(new Error('the request is over'));

/** The largest legacy `/uop` JSON envelope accepted: it only names a source. */
const MAX_LEGACY_ENVELOPE_BYTES = 64 * 1024;

interface SourceRequest {
  cmd: unknown;
  url?: unknown;
  contentType?: string;
}

/** Qiniu's contract: `POST /handler?cmd=…[&url=…]`, `GET /health`, and the legacy `POST /uop`. */
@Controller()
@UseFilters(UfopExceptionFilter)
export class UfopController {
  constructor(
    private readonly dispatcher: UfopDispatcher,
    private readonly fetcher: SourceFetcher,
    private readonly health: UfopHealthService,
    @Inject(UFOP_EXECUTOR) private readonly executor: UfopExecutor,
    @Inject(UFOP_CONFIG) private readonly options: UfopOptions,
    private readonly admin: UfopAdminService, // [obs]
  ) {}

  @All('handler')
  async handle(@Req() req: Request, @Res() res: Response): Promise<void> {
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST');
      throw new UfopError(405, `method ${req.method} not allowed on /handler: use POST`);
    }
    const contentType = req.headers['content-type'];
    const query = req.query; // a getter that parses the query string again on every read
    await this.process(req, res, { cmd: query.cmd, url: query.url, contentType }, () =>
      readBody(req, this.options.maxBodyBytes),
    );
  }

  /** The deprecated `qufopctl` form: a JSON envelope naming the source by url. */
  @Post('uop')
  async legacy(@Req() req: Request, @Res() res: Response): Promise<void> {
    const envelope = parseEnvelope(await readBody(req, MAX_LEGACY_ENVELOPE_BYTES));
    const src = (envelope.src ?? {}) as Record<string, unknown>;
    if (typeof src.url !== 'string') throw new UfopBadRequestError('legacy /uop request needs src.url');
    const mimetype = typeof src.mimetype === 'string' ? src.mimetype : undefined;
    await this.process(req, res, { cmd: envelope.cmd, url: src.url, contentType: mimetype }, async () => Buffer.alloc(0));
  }

  @Get('health')
  @HttpCode(200)
  @Header('cache-control', 'no-store')
  async healthCheck(): Promise<{ status: 'ok' }> {
    await this.health.check();
    return { status: 'ok' };
  }

  private async process(req: Request, res: Response, source: SourceRequest, readInput: () => Promise<Buffer>): Promise<void> {
    const started = performance.now();
    const cmd = parseCmd(firstValue(source.cmd), this.options.ufopName);
    const admin = await this.admin.tryAnswer(cmd); // [obs] operator commands: answered here, never routed or queued
    if (admin) return send(res, admin, ''); // [obs]
    // Route and validate before reading a byte of input: a bad cmd costs nothing.
    const { handler, params, args } = await this.dispatcher.route(cmd.command, cmd.raw);
    const url = firstValue(source.url);
    if (url !== undefined && typeof url !== 'string') throw new UfopBadRequestError('url must be a string');

    const signal = requestSignal(res);
    const loaded = url
      ? await this.fetcher.fetch(url, signal())
      : { body: await readInput(), contentType: source.contentType };
    const fetched = performance.now();
    ufopContext()?.inputDone(loaded.body.length); // [obs]

    const input = new UfopInput({
      body: loaded.body,
      contentType: loaded.contentType ?? source.contentType,
      cmd: cmd.raw,
      command: cmd.command,
      url,
      qiniu: decodeQiniuHeaders(req.headers),
      signal,
    });
    const response = await this.executor.execute({ handlerId: handler.id, params, args, input });
    const processed = performance.now();
    ufopContext()?.mark('process'); // [obs]
    const timing = `input;dur=${(fetched - started).toFixed(1)}, process;dur=${(processed - fetched).toFixed(1)}`;
    await send(res, response, timing);
  }
}

/**
 * The request's AbortSignal, made on first use only: an AbortController and a listener per request are a
 * measurable part of a small request's cost, and most handlers never look at the signal.
 */
function requestSignal(res: Response): () => AbortSignal {
  let signal: AbortSignal | undefined;
  return () => {
    if (signal) return signal;
    const abort = new AbortController();
    signal = abort.signal;
    // A shared reason: abort() without one builds a DOMException (with a stack) each time.
    if (res.closed) abort.abort(REQUEST_OVER);
    else res.once('close', () => abort.abort(REQUEST_OVER));
    return signal;
  };
}

/** Writes status and headers in one call (cheaper than a setHeader per header), then the body. */
async function send(res: Response, response: UfopResponse, timing: string): Promise<void> {
  const headers: Record<string, string | number> = { ...response.headers };
  if (timing) headers['server-timing'] = timing;
  if (Buffer.isBuffer(response.body)) {
    headers['content-length'] = response.body.length;
    res.writeHead(response.status, headers);
    res.end(response.body);
    return;
  }
  res.writeHead(response.status, headers);
  await pipeline(response.body, res);
}

function firstValue(value: unknown): unknown {
  if (Array.isArray(value)) throw new UfopBadRequestError('cmd and url may be given only once');
  return value;
}

function parseEnvelope(body: Buffer): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // fall through to the error below
  }
  throw new UfopBadRequestError('legacy /uop request must be a JSON object {"cmd": ..., "src": {"url": ...}}');
}
