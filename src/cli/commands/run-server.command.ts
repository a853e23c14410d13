import { Command, Option } from '../cli.decorators';
import { intOption } from '../cli.parsers';
import { projectMode } from '../runtime/ufop-project';
import { SupervisedRunCommand, SupervisedRunOptions } from '../supervisor/supervised-run.command';

interface RunServerOptions extends SupervisedRunOptions {
  port?: number;
  debug?: boolean;
  inspectPort?: number;
}

/**
 * `runserver`: serves `POST /handler` and `GET /health` from the built project, one process per core.
 * In inline mode (no REDIS_URL) those processes also run the handlers; in queue mode they are the web
 * role (`UFOP_ROLE=web`, unless UFOP_ROLE says otherwise) and `runworker` does the processing.
 */
@Command({
  name: 'runserver',
  description: "run the built project's web role: one process per core, restarted if it dies, drained on SIGTERM",
})
export class RunServerCommand extends SupervisedRunCommand {
  async run(_args: string[], options: RunServerOptions = {}): Promise<void> {
    // Loaded on use: the supervisor brings prom-client, which other commands (process above all) never need.
    const { runProject } = await import('../supervisor/run-project');
    await runProject({
      kind: 'server',
      entry: options.entry,
      processes: options.processes,
      inspectPort: options.debug ? (options.inspectPort ?? 9229) : undefined,
      env: (seen) => {
        const env: Record<string, string> = {};
        if (options.port !== undefined) env.PORT = String(options.port);
        if (projectMode(seen) === 'queue' && !seen.UFOP_ROLE) env.UFOP_ROLE = 'web';
        return env;
      },
    });
  }

  @Option({ flags: '-p, --port <port>', description: 'the HTTP port (default: PORT, else PORT_HTTP, else 9100)' })
  parsePort(value: string): number {
    return intOption(value, '--port', 0, 65535);
  }

  @Option({
    flags: '--debug',
    description: 'run a single process with the Node inspector on 127.0.0.1 (chrome://inspect)',
  })
  parseDebug(): boolean {
    return true;
  }

  @Option({ flags: '--inspect-port <port>', description: 'the inspector port for --debug (default 9229)' })
  parseInspectPort(value: string): number {
    return intOption(value, '--inspect-port', 0, 65535);
  }
}
