import { createServer } from 'node:net';
import { findUfopPackage } from '../../../schematics/application/ufop-package';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CheckResult, DoctorCheck, DoctorContext } from './doctor.check';

/** This Node.js satisfies qiniu-ufop's `engines.node` (a `>=x.y.z` range). */
export function nodeCheck(version = process.versions.node): DoctorCheck {
  return {
    name: 'node',
    deploy: false,
    async run(): Promise<CheckResult> {
      const range: string | undefined = JSON.parse(readFileSync(join(findUfopPackage().root, 'package.json'), 'utf8'))
        .engines?.node;
      const minimum = /^>=\s*(\d+(?:\.\d+){0,2})$/.exec(range?.trim() ?? '')?.[1];
      if (!minimum) return { status: 'ok', summary: `Node.js ${version}` };
      if (compareVersions(version, minimum) < 0) {
        return {
          status: 'fail',
          summary: `Node.js ${version} is older than qiniu-ufop needs (${range})`,
          fix: `install Node.js ${minimum} or newer (https://nodejs.org, or \`nvm install 20\`); the image uses node:20-slim`,
        };
      }
      return { status: 'ok', summary: `Node.js ${version} (qiniu-ufop needs ${range})` };
    },
  };
}

export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    const diff = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}

/** The port the service would listen on (`PORT`, else `PORT_HTTP`, else 9100) is free. */
export const portCheck: DoctorCheck = {
  name: 'port',
  deploy: false,
  async run({ env }: DoctorContext): Promise<CheckResult> {
    const name = env.PORT?.trim() ? 'PORT' : env.PORT_HTTP?.trim() ? 'PORT_HTTP' : undefined;
    const raw = name ? env[name]!.trim() : '9100';
    const port = Number(raw);
    if (!/^\d+$/.test(raw) || port > 65535) {
      return {
        status: 'fail',
        summary: `${name}=${raw} is not a port number`,
        fix: `set ${name} to a number from 1 to 65535 (or 0 for any free port)`,
      };
    }
    if (port === 0) return { status: 'ok', summary: `${name}=0: the service takes any free port` };
    const error = await tryListen(port);
    const source = name ? `${name}=${port}` : `port ${port} (the default)`;
    if (!error) return { status: 'ok', summary: `${source} is free` };
    if (error.code === 'EADDRINUSE') {
      return {
        status: 'warn',
        summary: `${source} is in use: runserver and npm start would fail to listen`,
        fix: `stop what listens there (\`ss -ltnp 'sport = :${port}'\` shows it: perhaps your own npm run start:dev), or set PORT to another port`,
      };
    }
    return {
      status: 'fail',
      summary: `cannot listen on ${source}: ${error.code ?? error.message}`,
      fix: 'use a port above 1023 (lower ones need root), set with PORT',
    };
  },
};

/** Listens on the port as the service would (all interfaces) and closes again at once. */
function tryListen(port: number): Promise<NodeJS.ErrnoException | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) => resolve(error));
    server.listen(port, () => server.close(() => resolve(undefined)));
  });
}

/** `CPU_COUNT` and `FLAVOR` are well formed, and agree: they size the processes of runserver and runworker. */
export const cpuFlavorCheck: DoctorCheck = {
  name: 'cpu',
  deploy: false,
  async run({ env }: DoctorContext): Promise<CheckResult> {
    const cpu = env.CPU_COUNT?.trim();
    const flavor = env.FLAVOR?.trim();
    if (cpu && !/^[1-9]\d*$/.test(cpu)) {
      return {
        status: 'fail',
        summary: `CPU_COUNT=${cpu} is not a positive integer`,
        fix: 'set CPU_COUNT to the number of cores the service may use, or remove it',
      };
    }
    const match = flavor ? /^C(\d+)M(\d+)$/i.exec(flavor) : null;
    if (flavor && (!match || Number(match[1]) === 0)) {
      return {
        status: 'fail',
        summary: `FLAVOR=${flavor} is not a dora flavor`,
        fix: "use Qiniu's form C<cores>M<GiB>, such as C1M1 or C4M8 (`qdoractl flavor` lists them)",
      };
    }
    const cores = match ? Number(match[1]) : undefined;
    if (cpu && cores !== undefined && Number(cpu) > cores) {
      return {
        status: 'warn',
        summary: `CPU_COUNT=${cpu} is more than the ${cores} cores of FLAVOR=${flavor}: processes would compete for the flavor's cores`,
        fix: `remove CPU_COUNT (the flavor's ${cores} is used) or lower it to ${cores}`,
      };
    }
    if (cpu)
      return {
        status: 'ok',
        summary: `CPU_COUNT=${cpu}${flavor ? ` (FLAVOR=${flavor})` : ''}: ${cpu} process${cpu === '1' ? '' : 'es'}`,
      };
    if (cores) return { status: 'ok', summary: `FLAVOR=${flavor}: ${cores} process${cores === 1 ? '' : 'es'}` };
    return {
      status: 'ok',
      summary:
        'neither CPU_COUNT nor FLAVOR is set: sized from the cgroup quota or the cores (dora.yaml sets FLAVOR when deployed)',
    };
  },
};
