import { DynamicModule, Inject, Injectable, Module, OnApplicationShutdown, Optional, Provider } from '@nestjs/common';
import type { Queue } from 'bull';
import { UfopOptions } from '../interfaces/ufop-options.interface';
import { UFOP_CONFIG } from '../ufop.constants';
import { UFOP_QUEUE_TOKEN } from './ufop-queue.constants';
import { ufopQueueOptions } from './ufop-queue.options';
import { batchWritesPerTick } from './tick-writes';
import { BullJobClass, readAbsentTracesAsEmpty } from './bull-job-traces';
import { blockingConnection, blockingConnectionIfMade, commandConnection } from './bull-connections';

/**
 * The Bull queue of queue mode, made from the resolved options; undefined in inline mode. Bull (and ioredis with
 * it) is loaded only here and only in queue mode, so an inline process — `qiniu-ufop process` above all — never
 * pays for loading them.
 */
const queueProvider: Provider = {
  provide: UFOP_QUEUE_TOKEN,
  inject: [UFOP_CONFIG],
  useFactory: async (options: UfopOptions): Promise<Queue | undefined> => {
    if (options.mode !== 'queue') return undefined;
    const { default: Bull } = await import('bull');
    readAbsentTracesAsEmpty((Bull as unknown as { Job: BullJobClass }).Job);
    const { name, url, ...queueOptions } = ufopQueueOptions(options);
    const queue = url ? new Bull(name, url, queueOptions) : new Bull(name, queueOptions);
    // The commands of one turn leave in one write: the command connection's, and the blocking waits of a worker's
    // job slots (the blocking connection exists only where jobs are run; the subscriber only subscribes).
    batchWritesPerTick(commandConnection(queue));
    if (options.role !== 'web') batchWritesPerTick(blockingConnection(queue));
    return queue;
  },
};

/**
 * Closes the queue at shutdown: no new job is taken, running jobs finish, then the connections close. This module
 * sits below `UfopModule`, so Nest runs this hook before the module's own (the executor's, which fails whatever
 * is still waiting), after the HTTP server has drained.
 */
@Injectable()
export class UfopQueueCloser implements OnApplicationShutdown {
  constructor(@Optional() @Inject(UFOP_QUEUE_TOKEN) private readonly queue?: Queue) {}

  async onApplicationShutdown(): Promise<void> {
    if (!this.queue) return;
    const closed = this.queue.close();
    endBlockingWait(this.queue);
    await closed;
  }
}

/**
 * Ends a worker's blocking wait for its next job (BRPOPLPUSH, up to `drainDelay`, 1 s) now. Bull's `close` sends QUIT
 * on that connection, which Redis answers only once the wait is over, gives up after 500 ms and then disconnects it:
 * each stop of an idle worker took half a second. Disconnected here, once `close` has begun (so Bull takes the
 * "Connection is closed." of the wait as part of closing), the wait ends at once; Bull reconnects the connection and
 * closes it with the others, as it did after its 500 ms. Running jobs use the other connection and are waited for.
 */
export function endBlockingWait(queue: Queue): void {
  blockingConnectionIfMade(queue)?.disconnect();
}

/** Provides `UFOP_QUEUE_TOKEN` from the options module that `UfopModule.forRoot()`/`forRootAsync()` built. */
@Module({})
export class UfopQueueModule {
  static register(config: DynamicModule): DynamicModule {
    return {
      module: UfopQueueModule,
      imports: [config],
      providers: [queueProvider, UfopQueueCloser],
      exports: [UFOP_QUEUE_TOKEN],
    };
  }
}
