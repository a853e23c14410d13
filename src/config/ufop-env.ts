import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv } from 'node:util';

/** Environment variables by name, as `process.env` holds them. */
export type EnvRecord = Record<string, string | undefined>;

/**
 * The environment the framework reads its settings from: the process's environment over the `.env` file of
 * `dir` (default: the working directory), the precedence dotenv and `@nestjs/config` use. The one place `.env`
 * is read: the module's options, the logger, the factory's choice of role and the CLI all come through here,
 * with Node's own parser (`util.parseEnv`). `process.env` is left untouched: the application's own variables
 * are its business (`@nestjs/config` reads `.env` for them).
 */
export function readUfopEnv(dir: string = process.cwd(), env: EnvRecord = process.env): EnvRecord {
  return { ...readEnvFile(join(dir, '.env')), ...env };
}

/** The variables of one `.env` file; none when it does not exist. */
export function readEnvFile(file: string): EnvRecord {
  if (!existsSync(file)) return {};
  return parseEnv(readFileSync(file, 'utf8'));
}
