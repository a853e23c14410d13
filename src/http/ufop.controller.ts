import { All, Controller, Get, Header, HttpCode, Inject, Post, Req, Res, UseFilters } from '@nestjs/common';
import type { Request, Response } from 'express';
import { pipeline } from 'node:stream/promises';
import { UfopBadRequestError } from '../errors/ufop.errors';
import { UfopError } from '../errors/ufop.errors';
import { UfopExceptionFilter } from '../errors/ufop-exception.filter';
import { declaredLength, readBody } from '../input/body.reader';
import { LazyAbort } from '../execution/lazy-abort';
import { InputSink, StoredInput } from '../input/input.sink';
import { decodeQiniuHeaders } from '../input/qiniu-headers';
import { SourceFetcher } from '../input/source.fetcher';
import { UfopInput } from '../input/ufop-input';
import { UfopExecutor } from '../interfaces/ufop-executor.interface';
import { UfopOptions } from '../interfaces/ufop-options.interface';
import { afterSent, UfopResponse } from '../output/ufop-response';
import { webBuffers } from '../resources/buffer-pool';
import { AdmittedRequest, UfopAdmission } from '../resources/ufop-admission.service';
import { UNBOUNDED_RESERVATION } from '../resources/input.reservation';
import { parseCmd } from '../routing/ufop-cmd.parser';
import { UfopDispatcher } from '../execution/ufop.dispatcher';
import { UFOP_CONFIG, UFOP_EXECUTOR } from '../ufop.constants';
import { UfopHealthService } from './health.service';
import { UfopAdminService } from '../admin/ufop-admin.service';
import { ufopContext } from '../observability/request-context';

/** Why a request's signal is aborted: the response is over (sent, timed out, or the client went away). */
const REQUEST_OVER = Object.freeze(new Error('the request is over'));

/** The largest legacy `/uop` JSON envelope accepted: it only names a source. */
const MAX_LEGACY_ENVELOPE_BYTES = 64 * 1024;

interface SourceRequest {
  cmd: unknown;
  url?: unknown;
  contentType?: string;
  /** Bytes the body will bring (Content-Length), reserved on admission; undefined when unknown or when the body is not the input. */
  declared?: number;
  /** Reads the body as the input; absent when the input is not the body (`/uop`). */
  readBody?: (admitted: AdmittedRequest) => Promise<StoredInput>;
}

/** Qiniu's contract: `POST /handler?cmd=…[&url=…]`, `GET /health`, and the legacy `POST /uop`. */
@Controller()
@UseFilters(UfopExceptionFilter)
export class UfopController {
  constructor(
    private readonly dispatcher: UfopDispatcher,
    private readonly fetcher: SourceFetcher,
    private readonly health: UfopHealthService,
    private readonly admission: UfopAdmission,
    @Inject(UFOP_EXECUTOR) private readonly executor: UfopExecutor,
    @Inject(UFOP_CONFIG) private readonly options: UfopOptions,
    private readonly admin: UfopAdminService,
  ) {}

  @All('handler')
  async handle(@Req() req: Request, @Res() res: Response): Promise<void> {
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST');
      throw new UfopError(405, `method ${req.method} not allowed on /handler: use POST`);
    }
    const query = req.query; // a getter that parses the query string again on every read
    await this.process(req, res, {
      cmd: query.cmd,
      url: query.url,
      contentType: req.headers['content-type'],
      declared: query.url === undefined ? declaredLength(req) : undefined,
      readBody: (admitted) => readBody(req, this.sinkOptions(admitted, this.options.maxBodyBytes)),
    });
  }

  /** The deprecated `qufopctl` form: a JSON envelope naming the source by url. */
  @Post('uop')
  async legacy(@Req() req: Request, @Res() res: Response): Promise<void> {
    const envelope = parseEnvelope(await readEnvelope(req, this.options.bodyTimeoutMs));
    const src = (envelope.src ?? {}) as Record<string, unknown>;
    if (typeof src.url !== 'string') throw new UfopBadRequestError('legacy /uop request needs src.url');
    const mimetype = typeof src.mimetype === 'string' ? src.mimetype : undefined;
    await this.process(req, res, { cmd: envelope.cmd, url: src.url, contentType: mimetype });
  }

  @Get('health')
  @HttpCode(200)
  @Header('cache-control', 'no-store')
  async healthCheck(): Promise<{ status: 'ok' }> {
    await this.health.check();
    return { status: 'ok' };
  }

  private async process(req: Request, res: Response, source: SourceRequest): Promise<void> {
    const started = performance.now();
    const cmd = parseCmd(firstValue(source.cmd), this.options.ufopName);
    const admin = await this.admin.tryAnswer(cmd); // operator commands: answered here, never routed or queued
    if (admin) return send(res, admin, '');
    // Route and validate before reading a byte of input: a bad cmd costs nothing.
    const { handler, params, args } = await this.dispatcher.route(cmd.command, cmd.raw);
    const url = firstValue(source.url);
    if (url !== undefined && typeof url !== 'string') throw new UfopBadRequestError('url must be a string');

    // Then admission, still before reading: a place and the declared bytes, or 503 + Retry-After now.
    const admitted = this.admission.admit(source.declared);
    try {
      const input = await this.loadInput(req, res, source, cmd, url, admitted);
      const fetched = performance.now();
      const response = await this.executor.execute({
        handlerId: handler.id,
        params,
        args,
        input,
        place: admitted.place,
      });
      const processed = performance.now();
      ufopContext()?.mark('process');
      const timing = `input;dur=${(fetched - started).toFixed(1)}, process;dur=${(processed - fetched).toFixed(1)}`;
      await send(res, response, timing);
    } finally {
      // Places, bytes and temp files are given back once the answer is sent (or the request failed): a streamed
      // result may still be reading its input's temp file until then.
      void admitted.release();
    }
  }

  /**
   * The request's input, downloaded or read from its body. A method of its own so that nothing of the loading is
   * kept by `process` while the request runs: in queue mode the executor lets the bytes go once they are in Redis,
   * and they are then freed by V8's young-generation collection rather than living on until a full one.
   */
  private async loadInput(
    req: Request,
    res: Response,
    source: SourceRequest,
    cmd: { raw: string; command: string },
    url: string | undefined,
    admitted: AdmittedRequest,
  ): Promise<UfopInput> {
    const signal = requestSignal(res);
    const loaded = url
      ? await this.fetcher.fetch(
          url,
          (declared) =>
            new InputSink({ ...this.sinkOptions(admitted, this.options.maxBodyBytes), declared, syncWrites: true }),
          signal(),
        )
      : { stored: await (source.readBody?.(admitted) ?? emptyInput()), contentType: source.contentType };
    ufopContext()?.inputDone(loaded.stored.size);
    return new UfopInput({
      ...UfopInput.stored(loaded.stored),
      contentType: loaded.contentType ?? source.contentType,
      cmd: cmd.raw,
      command: cmd.command,
      url,
      qiniu: decodeQiniuHeaders(req.headers),
      signal,
      temp: admitted.temp,
    });
  }

  private sinkOptions(admitted: AdmittedRequest, maxBytes: number) {
    return {
      maxBytes,
      spillBytes: this.options.spillBytes,
      reservation: admitted.reservation,
      temp: admitted.temp,
      countAllAsMemory: this.options.mode === 'queue',
      // A web-only process gives the input back to the pool once Redis has it (see `QueueExecutor`). Not with
      // UFOP_ROLE=all: its own worker may run the job on this very buffer (`LocalHandoff`), and a handler may keep it.
      allocate: this.options.mode === 'queue' && this.options.role === 'web' ? webBuffers.acquire : undefined,
      timeoutMs: this.options.bodyTimeoutMs,
    };
  }
}

async function emptyInput(): Promise<StoredInput> {
  return { buffer: Buffer.alloc(0), size: 0 };
}

/** The `/uop` envelope: small, always in memory, never counted (it only names a source). */
async function readEnvelope(req: Request, timeoutMs: number): Promise<Buffer> {
  const stored = await readBody(req, {
    maxBytes: MAX_LEGACY_ENVELOPE_BYTES,
    spillBytes: MAX_LEGACY_ENVELOPE_BYTES,
    reservation: UNBOUNDED_RESERVATION,
    timeoutMs,
  });
  return stored.buffer ?? Buffer.alloc(0);
}

/**
 * The request's AbortSignal, made on first use only: an AbortController and a listener per request are a
 * measurable part of a small request's cost, and most handlers never look at the signal.
 */
function requestSignal(res: Response): () => AbortSignal {
  return new LazyAbort(REQUEST_OVER, (end) => (res.closed ? end() : res.once('close', end))).signal;
}

/** Writes status and headers in one call (cheaper than a setHeader per header), then the body. */
async function send(res: Response, response: UfopResponse, timing: string): Promise<void> {
  const headers: Record<string, string | number> = { ...response.headers };
  if (timing) headers['server-timing'] = timing;
  if (Buffer.isBuffer(response.body)) {
    headers['content-length'] = response.body.length;
    res.writeHead(response.status, headers);
    // 'finish': the last byte is in the kernel's hands, the buffer is no longer read (a cut response never gets it).
    const sent = response[afterSent];
    if (sent) res.once('finish', sent);
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
