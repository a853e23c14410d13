import { INestApplicationContext } from '@nestjs/common';
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { buffer } from 'node:stream/consumers';
import { finished } from 'node:stream/promises';
import { Command, CommandRunner, Option } from '../cli.decorators';
import { CliError } from '../cli.error';
import { setBootReporter } from '../../errors/ufop-startup.error';
import { UfopLogger } from '../../logging/ufop.logger';
import { parseCommandChain } from '../process/command-chain';
import { inputContentType } from '../process/content-type';
import { missingArgumentMessage, routedCommand, ufopNames } from '../process/ufop-cmd';
import { LoadedProject, loadProject } from '../runtime/source.loader';
import { findProject, projectEnv } from '../runtime/ufop-project';

/** The usage line of `process`, as the README writes it. */
export const PROCESS_USAGE = '[options] [cmd] <file>';

interface ProcessOptions {
  output?: string;
  contentType?: string;
  module?: string;
  verbose?: boolean;
}

/**
 * `process [cmd] <file>`: runs the project's handler on a file, in this process, and writes the result
 * bytes to stdout or `-o`. The project runs from its build output when that is newer than every source, else from
 * its TypeScript sources (no build step), in inline mode, so neither a build nor Redis is needed. Logs go to
 * stderr: stdout carries only the result.
 */
@Command({
  name: 'process',
  arguments: '<cmd> [file]',
  argsDescription: {
    cmd: 'the command, with or without the UFOP name (thumb/200, my-ufop/thumb/200, or a chain thumb/200|echo); may be left out when a handler is routed at ""',
    file: 'the input file, or - for stdin',
  },
  description: 'run a handler on a file, in this process: writes the result bytes to stdout or -o',
  // Commander would print `<cmd> [file]`, the order it parses; the cmd is what may be left out.
  usage: PROCESS_USAGE,
})
export class ProcessCommand extends CommandRunner {
  async run([first, second]: string[], options: ProcessOptions = {}): Promise<void> {
    // `process <cmd> <file>`, or `process <file>` for a handler routed at "" (decided once the routes are known).
    const file = second ?? first;
    const inputPath = file === '-' ? '-' : resolve(file);
    const outputPath = options.output ? resolve(options.output) : undefined;
    const body = second === undefined ? undefined : await readInput(inputPath);

    const project = findProject(process.cwd(), { module: options.module });
    const names = ufopNames(projectEnv(project.root).UFOP_NAME, project.packageName);
    // Inline and all-in-one whatever the environment or .env says: process never needs Redis.
    process.env.UFOP_MODE = 'inline';
    process.env.UFOP_ROLE = 'all';
    process.chdir(project.root);
    const loaded = loadProject(project);
    const logger = new UfopLogger(options.verbose ? { stderrOnly: true } : { stderrOnly: true, logLevels: ['warn'] });
    if (options.verbose) logger.log(`running ${loaded.from}`, 'process');
    const app = await createContext(loaded, logger);
    try {
      const hasRoute = (command: string) => loaded.hasRoute(app, command);
      if (second === undefined && !hasRoute('')) {
        const isCmd = hasRoute(routedCommand(parseCommandChain(first)[0], names, hasRoute));
        throw new CliError(
          missingArgumentMessage(
            first,
            loaded.listRoutes(app).map((route) => route.pattern),
            isCmd,
          ),
        );
      }
      const steps = parseCommandChain(second === undefined ? '' : first).map((step) =>
        routedCommand(step, names, hasRoute),
      );
      let input = {
        body: body ?? (await readInput(inputPath)),
        contentType: inputContentType(file, options.contentType),
      };
      for (const [index, command] of steps.entries()) {
        const response = await loaded.runUfopCommand(app, { command, ...input });
        if (response.status >= 400) {
          const where = steps.length > 1 ? `step ${index + 1} (${command}): ` : '';
          const hint = response.status >= 500 && !options.verbose ? ' (run with --verbose for details)' : '';
          throw new CliError(`${where}${response.status} ${response.error ?? response.body.toString()}${hint}`);
        }
        input = { body: response.body, contentType: response.contentType ?? 'application/octet-stream' };
      }
      await writeOutput(input.body, outputPath);
      if (outputPath)
        process.stderr.write(`wrote ${input.body.length} bytes (${input.contentType}) to ${outputPath}\n`);
    } finally {
      await closeQuietly(app);
    }
  }

  @Option({ flags: '-o, --output <file>', description: 'write the result to this file instead of stdout' })
  parseOutput(value: string): string {
    return value;
  }

  @Option({ flags: '--content-type <type>', description: 'the input Content-Type (default: from the file extension)' })
  parseContentType(value: string): string {
    return value;
  }

  @Option({
    flags: '-m, --module <file[#Export]>',
    description: 'the root module (default: <sourceRoot>/app.module.ts#AppModule)',
  })
  parseModule(value: string): string {
    return value;
  }

  @Option({ flags: '--verbose', description: 'show the application log and stack traces on stderr' })
  parseVerbose(): boolean {
    return true;
  }
}

/**
 * Boots the application. A boot error (a bad setting, two handlers on one route) is thrown to the CLI, which prints
 * its message as one line; Nest's exception handler would first log it with its stack.
 */
async function createContext(loaded: LoadedProject, logger: UfopLogger): Promise<INestApplicationContext> {
  setBootReporter(true);
  try {
    return await loaded.createContext({ logger });
  } finally {
    setBootReporter(false);
  }
}

async function readInput(path: string): Promise<Buffer> {
  try {
    if (path !== '-') return await readFile(path);
    return await buffer(process.stdin);
  } catch (error) {
    throw new CliError(`cannot read ${path}: ${(error as Error).message}`);
  }
}

async function writeOutput(bytes: Buffer, path?: string): Promise<void> {
  const out = path ? createWriteStream(path) : process.stdout;
  if (path) {
    out.end(bytes);
    await finished(out);
    return;
  }
  // stdout may be a pipe: wait until the bytes are handed over before the process exits.
  await new Promise<void>((done, fail) => out.write(bytes, (error) => (error ? fail(error) : done())));
}

async function closeQuietly(app: INestApplicationContext): Promise<void> {
  try {
    await app.close();
  } catch {
    // The result is already written; a failing shutdown hook must not turn it into an error.
  }
}
