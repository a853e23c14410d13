import type * as Yaml from 'yaml';
import { IMAGE_LOG_DIR, LOG_SUBDIRS } from '../../logging/log-file';
import { DEFAULT_FLAVOR, HEALTH_PATH } from '../cli.constants';
import { CliError } from '../cli.error';

export interface DoraConfigInput {
  ufopName: string;
  image: string;
  version: string;
  flavor?: string;
  desc?: string;
  /** Extra variables for every instance (`--env KEY=VALUE`), after FLAVOR. */
  env?: Record<string, string>;
}

/** The `dora.yaml` that `qdoractl release --config <dir>` reads (image, flavor, ports, health check, env and log paths, as qdoractl takes them). */
export interface DoraConfig {
  ufopname: string;
  verstr: string;
  image: string;
  desc: string;
  flavor: string;
  health_check: { path: string; timeout: number };
  env: { global: { key: string; value: string }[] };
  log_file_paths: string[];
}

/** Seconds the platform waits for `/health`. */
export const HEALTH_CHECK_TIMEOUT_S = 3;

/** The folders the image writes logs to: `$UFOP_LOG_DIR/server/` and `$UFOP_LOG_DIR/worker/`. */
export const IMAGE_LOG_PATHS = [LOG_SUBDIRS.server, LOG_SUBDIRS.worker].map((sub) => `${IMAGE_LOG_DIR}/${sub}/`);

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const FLAVOR = /^C\d+M\d+$/;

export function buildDoraConfig(input: DoraConfigInput): DoraConfig {
  const problems: string[] = [];
  if (!NAME.test(input.ufopName ?? ''))
    problems.push(
      `-n/--name ${JSON.stringify(input.ufopName ?? '')}: letters, digits, ".", "_" and "-", starting with a letter or digit`,
    );
  if (!NAME.test(input.version ?? ''))
    problems.push(`-v/--version ${JSON.stringify(input.version ?? '')}: letters, digits, ".", "_" and "-" (v1, 1.0.2)`);
  if (!input.image || /\s/.test(input.image))
    problems.push(`-t/--tag ${JSON.stringify(input.image ?? '')}: an image reference such as thumb:v1`);
  const flavor = (input.flavor ?? DEFAULT_FLAVOR).toUpperCase();
  if (!FLAVOR.test(flavor))
    problems.push(`--flavor ${JSON.stringify(input.flavor)}: C<cores>M<GiB>, such as C1M1, C2M4, C4M4`);
  for (const key of Object.keys(input.env ?? {})) {
    if (key === 'FLAVOR') problems.push('--env FLAVOR: set it with --flavor');
  }
  if (problems.length) throw new CliError(`invalid ${problems.join('; ')}`);

  return {
    ufopname: input.ufopName,
    verstr: input.version,
    image: input.image,
    desc: input.desc ?? input.ufopName,
    flavor,
    health_check: { path: HEALTH_PATH, timeout: HEALTH_CHECK_TIMEOUT_S },
    // FLAVOR sizes the image's process pool: inside the container the CPU count it sees is the host's.
    env: {
      global: [
        { key: 'FLAVOR', value: flavor },
        ...Object.entries(input.env ?? {}).map(([key, value]) => ({ key, value })),
      ],
    },
    log_file_paths: IMAGE_LOG_PATHS,
  };
}

export function doraConfigYaml(config: DoraConfig): string {
  // Required on use: every command's start (process's above all) would otherwise load the YAML library.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { stringify } = require('yaml') as typeof Yaml;
  return stringify(config);
}

/** Parses repeated `--env KEY=VALUE` flags. */
export function collectEnv(value: string, previous: Record<string, string> = {}): Record<string, string> {
  const eq = value.indexOf('=');
  const key = eq > 0 ? value.slice(0, eq) : '';
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key))
    throw new CliError(`--env expects KEY=VALUE, not ${JSON.stringify(value)}`);
  return { ...previous, [key]: value.slice(eq + 1) };
}
