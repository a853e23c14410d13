import { DynamicModule, INestApplicationContext, LogLevel, Module, ModuleMetadata, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { runUfopCommand } from '../execution/ufop.runner';
import { UfopModuleOptions, UfopOptions } from '../interfaces/ufop-options.interface';
import { UfopModule } from '../ufop.module';
import { UFOP_CONFIG } from '../ufop.constants';

/** A finished response: status, content type and bytes, with helpers to read them. */
export interface UfopTestResponse {
  /** The HTTP status `POST /handler` would answer. */
  status: number;
  /** Lower-case header names, as `POST /handler` would send them. */
  headers: Record<string, string>;
  /** The `content-type` header; absent for an empty (204) answer. */
  contentType?: string;
  /** The body's bytes. */
  body: Buffer;
  /** The message of the `{"error": ...}` body when the status is 4xx or 5xx; `undefined` on success. */
  error?: string;
  /** The body as UTF-8 text. */
  text(): string;
  /**
   * The body parsed as JSON: `any` unless you name the type (`res.json<{ width: number }>()`), as `fetch`'s
   * `Response.json()`, so that `expect(res.json().error)` compiles under a strict tsconfig.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json<T = any>(): T;
}

export interface UfopTestApp {
  /** The running application context: `app.get(MyService)` to reach providers. */
  readonly app: INestApplicationContext;
  /**
   * Runs `command` (the cmd without the UFOP name, as routes see it: `thumb/200/100`) on `body`, through the
   * same routing, argument validation, executor and encoding as `POST /handler`. Errors come back as
   * responses (`status` 4xx/5xx, `{"error"}` body), never as throws.
   */
  run(command: string, body?: Buffer | string, contentType?: string): Promise<UfopTestResponse>;
  close(): Promise<void>;
}

export interface UfopTestAppOptions {
  /**
   * Options for the `UfopModule` added when module metadata is given. `mode` defaults to `inline` there,
   * so that a `REDIS_URL` in the environment does not make unit tests need Redis.
   */
  ufop?: UfopModuleOptions;
  /** Nest log levels; errors and warnings by default, `false` for none. */
  logger?: LogLevel[] | false;
}

/**
 * Starts an application in this process for tests, without HTTP.
 *
 * - a module class (or dynamic module) is used as is: pass your `AppModule`, which imports `UfopModule.forRoot()`;
 * - module metadata (`{ providers: [ThumbHandler] }`) gets `UfopModule.forRoot()` added, to test handlers alone.
 *
 * @example
 * const ufop = await createUfopTestApp({ providers: [ThumbHandler, ImageService] });
 * const res = await ufop.run('thumb/200/100', jpeg, 'image/jpeg');
 * expect(res.status).toBe(200);
 * await ufop.close();
 */
export async function createUfopTestApp(
  target: Type<unknown> | DynamicModule | ModuleMetadata,
  options: UfopTestAppOptions = {},
): Promise<UfopTestApp> {
  const root = isModule(target) ? target : testModule(target, options.ufop);
  const app = await NestFactory.createApplicationContext(root, {
    logger: options.logger ?? ['error', 'warn'],
    abortOnError: false,
  });
  let config: UfopOptions;
  try {
    config = app.get<UfopOptions>(UFOP_CONFIG, { strict: false });
  } catch {
    await app.close();
    throw new Error(
      'createUfopTestApp: the module does not import UfopModule.forRoot(); pass your AppModule or module metadata',
    );
  }
  return {
    app,
    async run(command, body, contentType) {
      // Qiniu's cmd starts with the UFOP name; handlers that read `input.cmd` see the same shape here.
      const cmd = config.ufopName ? `${config.ufopName}/${command}` : undefined;
      const response = await runUfopCommand(app, { command, body, contentType, cmd });
      const text = () => response.body.toString('utf8');
      return {
        status: response.status,
        headers: response.headers,
        contentType: response.contentType,
        body: response.body,
        error: response.error ?? errorMessage(response.status, response.contentType, text),
        text,
        json: () => JSON.parse(text()),
      };
    },
    close: () => app.close(),
  };
}

/** The `{"error"}` of an answer the executor encoded itself (a handler's UfopError in queue mode, say). */
function errorMessage(status: number, contentType: string | undefined, text: () => string): string | undefined {
  if (status < 400 || !contentType?.startsWith('application/json')) return undefined;
  try {
    const body: unknown = JSON.parse(text());
    const error = (body as { error?: unknown } | null)?.error;
    return typeof error === 'string' ? error : undefined;
  } catch {
    return undefined;
  }
}

function isModule(target: Type<unknown> | DynamicModule | ModuleMetadata): target is Type<unknown> | DynamicModule {
  return typeof target === 'function' || 'module' in target;
}

function testModule(metadata: ModuleMetadata, ufop: UfopModuleOptions = {}): Type<unknown> {
  class UfopTestingModule {}
  Module({
    ...metadata,
    imports: [UfopModule.forRoot({ mode: 'inline', ...ufop }), ...(metadata.imports ?? [])],
  })(UfopTestingModule);
  return UfopTestingModule;
}
