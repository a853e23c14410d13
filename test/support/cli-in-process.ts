import { createCli } from '../../src/cli/cli.factory';
import { CliModule } from '../../src/cli/cli.module';

export interface InProcessResult {
  /** What the command wrote to stdout. */
  stdout: string;
  /** The error the command ended with (a CliError carries the exit code), as main.ts would print it. */
  error?: Error & { exitCode?: number };
}

/**
 * Runs one `qiniu-ufop` command in this process, as main.ts does: the real CliModule
 * and Commander program, without spawning a binary. stdout is captured; `cwd` and `env` apply for the run only.
 */
export async function runCliInProcess(
  args: string[],
  options: { cwd?: string; env?: Record<string, string | undefined> } = {},
): Promise<InProcessResult> {
  let stdout = '';
  let error: InProcessResult['error'];
  const savedCwd = process.cwd();
  const savedEnv = { ...process.env };
  const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += chunk.toString();
    return true;
  });
  const cli = await createCli(CliModule, {
    logger: false,
    serviceErrorHandler: (err) => (error = err),
    errorHandler: (err) => {
      throw err;
    },
  });
  try {
    if (options.cwd) process.chdir(options.cwd);
    for (const [key, value] of Object.entries(options.env ?? {})) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    await cli.run(['node', 'qiniu-ufop', ...args]);
  } finally {
    write.mockRestore();
    process.chdir(savedCwd);
    for (const key of Object.keys(process.env)) if (!(key in savedEnv)) delete process.env[key];
    Object.assign(process.env, savedEnv);
    await cli.app.close();
  }
  return { stdout, error };
}
