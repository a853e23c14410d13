// The process that queue tests start as a child: the protocol test app plus handlers that show which process ran
// a job. Run with ts-node (see ufop-process.ts); its role, Redis and queue come from the environment.
import { Injectable, Module, Scope } from '@nestjs/common';
import { UfopFactory, UfopHandler, UfopInput } from '../../src';
import { TestAppModule } from '../fixtures/test-app.module';

@Injectable()
export class QueueProbeHandlers {
  /** Which process ran this job. */
  @UfopHandler('probe/pid')
  pid() {
    return { pid: process.pid };
  }

  /** Says on stdout that it started (tests wait for that line), then holds the job `ms` before answering. */
  @UfopHandler('probe/hold/:tag/:ms')
  async hold(input: UfopInput, args: { tag: string; ms: string }) {
    process.stdout.write(`job-start ${args.tag} ${process.pid}\n`);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, Number(args.ms));
      input.signal.addEventListener(
        'abort',
        () => {
          // Tests wait for this line: the worker aborts a job's signal at its end and at its timeout.
          process.stdout.write(`job-aborted ${args.tag}\n`);
          clearTimeout(timer);
          resolve();
        },
        { once: true },
      );
    });
    return { tag: args.tag, pid: process.pid, size: input.size };
  }
}

@Injectable()
export class QueueCrashHandlers {
  /** Kills the process running the job, as the OOM killer would: the job stalls, and Bull's recovery takes over. */
  @UfopHandler('probe/die')
  die(): never {
    process.stdout.write(`job-dies ${process.pid}\n`);
    process.kill(process.pid, 'SIGKILL');
    throw new Error('unreachable');
  }
}

/** Request-scoped: a fresh instance per job, numbered within its process. */
@Injectable({ scope: Scope.REQUEST })
export class ScopedProbe {
  private static created = 0;
  readonly serial = ++ScopedProbe.created;

  @UfopHandler('probe/scoped')
  scoped() {
    return { pid: process.pid, serial: this.serial };
  }
}

@Module({ imports: [TestAppModule], providers: [QueueProbeHandlers, QueueCrashHandlers, ScopedProbe] })
export class QueueTestAppModule {}

if (require.main === module) void UfopFactory.bootstrap(QueueTestAppModule);
