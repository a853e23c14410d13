import { ConsoleLogger, ConsoleLoggerOptions, LogLevel } from '@nestjs/common';
import { inspect } from 'node:util';
import { resolveLogOptions } from '../config/ufop-options.factory';
import { EnvRecord, readUfopEnv } from '../config/ufop-env';
import { UfopLogFormat, UfopLogLevel } from '../interfaces/ufop-options.interface';
import { ufopContext } from '../observability/request-context';
import { logFilePath } from './log-file';
import { formatLogLine, LogRecord } from './log-line';
import { RotatingFile } from './rotating-file';
import { isReportedElsewhere } from '../errors/ufop-startup.error';

export interface UfopLoggerOptions extends ConsoleLoggerOptions {
  /** Also append every line (never coloured) to this file, created with its folder. */
  file?: string;
  /** Rotate the file past this size (default 10 MiB) … */
  maxBytes?: number;
  /** … keeping this many files, the current one included (default 5). */
  files?: number;
  /** `text` (default) or `json`: one object per line with time, level, pid, context, reqid and message. */
  format?: UfopLogFormat;
  /** Write every console line to stderr, keeping stdout for data (the CLI's `process` writes result bytes there). */
  stderrOnly?: boolean;
}

/** Levels from the most to the least severe: `UFOP_LOG_LEVEL=warn` enables fatal, error and warn. */
const LEVELS: readonly UfopLogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];

/** The levels a minimum level enables. */
export function levelsFrom(level: UfopLogLevel): LogLevel[] {
  return LEVELS.slice(0, LEVELS.indexOf(level) + 1);
}

/**
 * The framework's logger: the same line on the console and in the log file, as text or JSON, each carrying the
 * request id of the request (or queue job) it was written for. Qiniu's log viewer often shows nothing from stdout,
 * so the image also writes files under the paths `dora.yaml` lists; they rotate by size. Colours only on a
 * terminal: a container's stdout is a pipe, and escape codes garble log viewers.
 */
export class UfopLogger extends ConsoleLogger {
  private file?: RotatingFile;
  private readonly stderrOnly: boolean;
  private readonly format: UfopLogFormat;
  private readonly colour: boolean;

  constructor(context: string, options?: UfopLoggerOptions);
  constructor(options?: UfopLoggerOptions);
  constructor(contextOrOptions?: string | UfopLoggerOptions, maybeOptions: UfopLoggerOptions = {}) {
    const context = typeof contextOrOptions === 'string' ? contextOrOptions : undefined;
    const { file, maxBytes, files, format, stderrOnly, ...consoleOptions } =
      typeof contextOrOptions === 'object' ? contextOrOptions : maybeOptions;
    const colors = !process.env.NO_COLOR && !!process.stdout.isTTY;
    const options: ConsoleLoggerOptions = { colors, ...consoleOptions };
    if (context) super(context, options);
    else super(options);
    this.colour = options.colors === true && format !== 'json';
    this.format = format ?? 'text';
    this.stderrOnly = stderrOnly ?? false;
    if (file) this.file = new RotatingFile(file, maxBytes ?? 10 * 1024 * 1024, files ?? 5);
  }

  /** Stops writing to the file (the console keeps working). */
  closeFile(): void {
    this.file?.close();
    this.file = undefined;
  }

  protected override printMessages(
    messages: unknown[],
    context = '',
    logLevel: LogLevel = 'log',
    writeStreamType?: 'stdout' | 'stderr',
    errorStack?: unknown,
  ): void {
    // A startup error is printed once, as one line, by UfopFactory.bootstrap: not here with its stack.
    if (context === 'ExceptionHandler' && isReportedElsewhere(errorStack)) return;
    const reqid = ufopContext()?.reqid;
    const stack = typeof errorStack === 'string' && errorStack ? errorStack : undefined;
    let plainText = '';
    let consoleText = '';
    for (const message of messages) {
      const record: LogRecord = {
        time: new Date(),
        level: logLevel,
        pid: process.pid,
        context,
        reqid,
        message: plain(message),
        stack,
      };
      plainText += `${formatLogLine(record, this.format)}\n`;
      if (this.colour)
        consoleText += `${formatLogLine(record, this.format, (level) => this.colorize(level, logLevel))}\n`;
    }
    // The file first: whoever sees a line on the console can count on it being in the file too.
    try {
      this.file?.write(plainText);
    } catch {
      // A full or vanished disk must not take the service down: the console still has the line.
    }
    const stream = this.stderrOnly || writeStreamType === 'stderr' ? process.stderr : process.stdout;
    stream.write(this.colour ? consoleText : plainText);
  }
}

function plain(message: unknown): string {
  if (typeof message === 'string') return message;
  if (message instanceof Error) return message.stack ?? message.message;
  return inspect(message, { breakLength: Infinity, compact: true, depth: 5 });
}

/**
 * The logger `UfopFactory` gives an application (and the supervisor of `runserver`/`runworker`): format and level
 * from `UFOP_LOG_FORMAT` and `UFOP_LOG_LEVEL`, and a rotating copy in `$UFOP_LOG_DIR/server/server.log` (or
 * `worker/worker.log` for `UFOP_ROLE=worker`) when `UFOP_LOG_DIR` is set.
 */
export function createUfopLogger(env: EnvRecord = readUfopEnv()): UfopLogger {
  const options = resolveLogOptions({}, env);
  return new UfopLogger({
    file: logFilePath(env),
    maxBytes: options.logMaxBytes,
    files: options.logFiles,
    format: options.logFormat,
    logLevels: levelsFrom(options.logLevel),
  });
}
