/**
 * A reader for the Dockerfile instructions our image uses, so that the image test can run the file's own
 * steps (not a copy of them). It knows FROM/ARG/ENV/WORKDIR/COPY/RUN/USER/EXPOSE/HEALTHCHECK/STOPSIGNAL/
 * ENTRYPOINT/CMD, line continuations, comments and `${VAR}` substitution; anything else throws, so a new
 * kind of step in the Dockerfile makes the test fail until it is understood.
 */
export interface CopyStep {
  kind: 'copy';
  sources: string[];
  dest: string;
  from?: string;
}
export interface RunStep {
  kind: 'run';
  /** The shell command, flags such as `--mount=…` removed. */
  command: string;
  flags: string[];
}
export interface Stage {
  name: string;
  image: string;
  /** ENV as declared, in order (later wins). */
  env: Record<string, string>;
  /** WORKDIR at each step, absolute. */
  steps: ((CopyStep & { workdir: string }) | (RunStep & { workdir: string; env: Record<string, string> }))[];
  workdir: string;
  user?: string;
  expose: number[];
  healthcheck?: { options: Record<string, string>; command: string[] };
  entrypoint?: string[];
  cmd?: string[];
  stopSignal?: string;
}

export function parseDockerfile(text: string): Stage[] {
  const args: Record<string, string> = {};
  const stages: Stage[] = [];
  const current = () => {
    const stage = stages[stages.length - 1];
    if (!stage) throw new Error('instruction before FROM');
    return stage;
  };
  for (const line of logicalLines(text)) {
    const [, keyword, rest] = /^(\w+)\s+([\s\S]*)$/.exec(line) ?? [];
    if (!keyword) throw new Error(`cannot read Dockerfile line: ${line}`);
    const sub = (value: string) => substitute(value, { ...args, ...(stages.length ? current().env : {}) });
    switch (keyword.toUpperCase()) {
      case 'ARG': {
        const [name, value = ''] = rest.trim().split('=');
        if (!(name in args)) args[name] = value;
        break;
      }
      case 'FROM': {
        const [image, as, name] = sub(rest).trim().split(/\s+/);
        stages.push({
          name: as?.toUpperCase() === 'AS' ? name : String(stages.length),
          image,
          env: {},
          steps: [],
          workdir: '/',
          expose: [],
        });
        break;
      }
      case 'ENV':
        Object.assign(current().env, parseEnvPairs(sub(rest)));
        break;
      case 'WORKDIR': {
        const dir = sub(rest.trim());
        current().workdir = dir.startsWith('/') ? dir : `${current().workdir.replace(/\/$/, '')}/${dir}`;
        break;
      }
      case 'COPY': {
        const words = sub(rest).trim().split(/\s+/);
        const flags = words.filter((word) => word.startsWith('--'));
        const paths = words.filter((word) => !word.startsWith('--'));
        const from = flags.find((flag) => flag.startsWith('--from='))?.slice('--from='.length);
        current().steps.push({
          kind: 'copy',
          sources: paths.slice(0, -1),
          dest: paths[paths.length - 1],
          from,
          workdir: current().workdir,
        });
        break;
      }
      case 'RUN': {
        const flags: string[] = [];
        let command = rest.trim();
        for (let m = /^(--\S+)\s+/.exec(command); m; m = /^(--\S+)\s+/.exec(command)) {
          flags.push(m[1]);
          command = command.slice(m[0].length);
        }
        current().steps.push({ kind: 'run', command, flags, workdir: current().workdir, env: { ...current().env } });
        break;
      }
      case 'USER':
        current().user = rest.trim();
        break;
      case 'EXPOSE':
        current().expose.push(
          ...rest
            .trim()
            .split(/\s+/)
            .map((port) => Number(port.split('/')[0])),
        );
        break;
      case 'STOPSIGNAL':
        current().stopSignal = rest.trim();
        break;
      case 'HEALTHCHECK': {
        const [, opts, command] = /^((?:--\S+\s+)*)CMD\s+([\s\S]+)$/.exec(rest.trim()) ?? [];
        if (!command) throw new Error(`cannot read HEALTHCHECK ${rest}`);
        const options = Object.fromEntries(
          opts
            .trim()
            .split(/\s+/)
            .filter(Boolean)
            .map((opt) => opt.slice(2).split('=')),
        );
        current().healthcheck = { options, command: execForm(command) };
        break;
      }
      case 'ENTRYPOINT':
        current().entrypoint = execForm(rest);
        break;
      case 'CMD':
        current().cmd = execForm(rest);
        break;
      default:
        throw new Error(`the image test does not know Dockerfile instruction ${keyword}`);
    }
  }
  return stages;
}

/** Joins `\` continuations and drops comments and blank lines (comment lines inside a continuation too). */
function logicalLines(text: string): string[] {
  const lines: string[] = [];
  let pending = '';
  for (const raw of text.split('\n')) {
    const line = raw.trimEnd();
    if (/^\s*#/.test(line) || (!pending && !line.trim())) continue;
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1)} `;
      continue;
    }
    lines.push((pending + line).trim());
    pending = '';
  }
  if (pending.trim()) lines.push(pending.trim());
  return lines;
}

function execForm(text: string): string[] {
  const trimmed = text.trim();
  if (!trimmed.startsWith('[')) return ['/bin/sh', '-c', trimmed];
  return JSON.parse(trimmed);
}

function substitute(value: string, vars: Record<string, string>): string {
  return value.replace(/\$\{(\w+)\}|\$(\w+)/g, (_, a: string, b: string) => vars[a ?? b] ?? '');
}

/** `K=V K2="v 2"` (or the legacy `K V`). */
function parseEnvPairs(text: string): Record<string, string> {
  const pairs: Record<string, string> = {};
  const trimmed = text.trim();
  if (!/^\w+=/.test(trimmed)) {
    const [key, ...value] = trimmed.split(/\s+/);
    pairs[key] = value.join(' ');
    return pairs;
  }
  for (const m of trimmed.matchAll(/(\w+)=(?:"((?:[^"\\]|\\.)*)"|(\S*))/g)) pairs[m[1]] = m[2] ?? m[3];
  return pairs;
}
