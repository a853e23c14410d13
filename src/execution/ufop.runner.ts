import { INestApplicationContext, Logger } from '@nestjs/common';
import { toErrorBody } from '../errors/error-body';
import { UfopInput } from '../input/ufop-input';
import { UfopExecutor } from '../interfaces/ufop-executor.interface';
import { buffer } from 'node:stream/consumers';
import { JSON_TYPE } from '../output/result.encoder';
import { UFOP_EXECUTOR } from '../ufop.constants';
import { UfopDispatcher } from './ufop.dispatcher';

export interface UfopRunRequest {
  /** The command without the UFOP name, as routes see it: `thumb/200/100`. */
  command: string;
  body?: Buffer | string;
  contentType?: string;
  /** The full cmd as Qiniu would send it; defaults to `<command>` prefixed by nothing. */
  cmd?: string;
}

/** A finished response with its bytes in memory: what the CLI writes and what tests assert on. */
export interface UfopRunResponse {
  status: number;
  headers: Record<string, string>;
  contentType?: string;
  body: Buffer;
  /** The `{"error"}` message when status is not 2xx. */
  error?: string;
}

/**
 * Runs one command against an application in this process, through the same routing, validation,
 * executor and encoding as `POST /handler`, without HTTP. Errors come back as responses, not throws.
 */
export async function runUfopCommand(app: INestApplicationContext, request: UfopRunRequest): Promise<UfopRunResponse> {
  const dispatcher = app.get(UfopDispatcher, { strict: false });
  const executor = app.get<UfopExecutor>(UFOP_EXECUTOR, { strict: false });
  try {
    const { handler, params, args } = await dispatcher.route(request.command);
    const body = typeof request.body === 'string' ? Buffer.from(request.body) : (request.body ?? Buffer.alloc(0));
    const input = new UfopInput({
      body,
      contentType: request.contentType,
      cmd: request.cmd ?? request.command,
      command: request.command,
    });
    const response = await executor.execute({ handlerId: handler.id, params, args, input });
    const bytes = Buffer.isBuffer(response.body) ? response.body : await buffer(response.body);
    return {
      status: response.status,
      headers: response.headers,
      contentType: response.headers['content-type'],
      body: bytes,
    };
  } catch (error) {
    const { status, message, unexpected } = toErrorBody(error);
    if (unexpected) new Logger('Ufop').error(`${request.command} failed`, (error as Error)?.stack ?? String(error));
    const body = Buffer.from(JSON.stringify({ error: message }));
    return { status, headers: { 'content-type': JSON_TYPE }, contentType: JSON_TYPE, body, error: message };
  }
}
