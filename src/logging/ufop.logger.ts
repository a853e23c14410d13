import { ConsoleLogger, ConsoleLoggerOptions, LogLevel } from '@nestjs/common';
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { inspect } from 'node:util';
import { logFilePath } from './log-file';

export interface UfopLoggerOptions extends ConsoleLoggerOptions {
  /** Also append every line, without colours, to this file (created with its folder). */
  file?: string;
  /** Write every console line to stderr, keeping stdout for data (the CLI's `process` writes result bytes there). */
  stderrOnly?: boolean;
}

/**
 * Nest's console logger, plus a plain-text copy of each line in a file. Qiniu's log viewer often shows
 * nothing from stdout (PROTOCOL.md), so the image writes files under the paths `dora.yaml` lists too.
 * Lines are appended with one synchronous write each: several processes share a file without
 * interleaving inside a line, and the last lines before a crash are not lost in a buffer.
 */
export class UfopLogger extends ConsoleLogger {
  private fd?: number;
  private readonly stderrOnly: boolean;

  constructor(context: string, options?: UfopLoggerOptions);
  constructor(options?: UfopLoggerOptions);
  constructor(contextOrOptions?: string | UfopLoggerOptions, maybeOptions: UfopLoggerOptions = {}) {
    const context = typeof contextOrOptions === 'string' ? contextOrOptions : undefined;
    const { file, stderrOnly, ...consoleOptions } =
      typeof contextOrOptions === 'object' ? contextOrOptions : maybeOptions;
    // Colours only on a terminal: a container's stdout is a pipe, and escape codes garble log viewers.
    const options: ConsoleLoggerOptions = { colors: !process.env.NO_COLOR && !!process.stdout.isTTY, ...consoleOptions };
    if (context) super(context, options);
    else super(options);
    this.stderrOnly = stderrOnly ?? false;
    if (file) {
      mkdirSync(dirname(file), { recursive: true });
      this.fd = openSync(file, 'a');
    }
  }

  /** Stops writing to the file (the console keeps working). */
  closeFile(): void {
    if (this.fd === undefined) return;
    closeSync(this.fd);
    this.fd = undefined;
  }

  protected override printMessages(
    messages: unknown[],
    context = '',
    logLevel: LogLevel = 'log',
    writeStreamType?: 'stdout' | 'stderr',
    errorStack?: unknown,
  ): void {
    // The file first: whoever sees a line on the console can count on it being in the file too.
    this.appendToFile(messages, context, logLevel, errorStack);
    super.printMessages(messages, context, logLevel, this.stderrOnly ? 'stderr' : writeStreamType, errorStack);
  }

  private appendToFile(messages: unknown[], context: string, logLevel: LogLevel, errorStack: unknown): void {
    if (this.fd === undefined) return;
    const prefix = `${new Date().toISOString()} ${process.pid} ${logLevel.toUpperCase()}${context ? ` [${context}]` : ''} `;
    let text = '';
    for (const message of messages) text += `${prefix}${plain(message)}\n`;
    if (typeof errorStack === 'string' && errorStack) text += `${errorStack}\n`;
    try {
      writeSync(this.fd, text);
    } catch {
      // A full or vanished disk must not take the service down: the console still has the line.
    }
  }
}

function plain(message: unknown): string {
  if (typeof message === 'string') return message;
  if (message instanceof Error) return message.stack ?? message.message;
  return inspect(message, { breakLength: Infinity, compact: true, depth: 5 });
}

/**
 * The logger `UfopFactory` gives an application: a `UfopLogger` that also writes to
 * `$UFOP_LOG_DIR/server/server.log` (or `worker/worker.log` for `UFOP_ROLE=worker`) when `UFOP_LOG_DIR`
 * is set; undefined otherwise, so Nest keeps its default console logger.
 */
export function createUfopLogger(env: Record<string, string | undefined> = process.env): UfopLogger | undefined {
  const file = logFilePath(env);
  return file ? new UfopLogger({ file }) : undefined;
}
