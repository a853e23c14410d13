import { BullModule } from '@nestjs/bull';
import { DynamicModule, Module } from '@nestjs/common';
import { resolveUfopOptions } from '../config/ufop-options.factory';
import { UfopModuleOptions } from '../interfaces/ufop-options.interface';
import { UFOP_QUEUE } from './ufop-queue.constants';
import { ufopQueueOptions } from './ufop-queue.options';

/**
 * The Bull queue of queue mode, registered through `@nestjs/bull` (which closes it at shutdown, after the HTTP
 * server has drained). Options are resolved when the application is created, like `UFOP_CONFIG`. In inline mode
 * the queue exists but stays inert: Bull opens its connections lazily and the version check is skipped, so no
 * Redis is contacted.
 */
@Module({})
export class UfopQueueModule {
  static register(explicit: UfopModuleOptions = {}): DynamicModule {
    const bull = BullModule.registerQueueAsync({
      name: UFOP_QUEUE,
      // `.env` is in process.env by now: ConfigModule.forRoot() loaded it when UfopModule was defined.
      useFactory: () => {
        const options = resolveUfopOptions(explicit, process.env);
        return options.mode === 'queue'
          ? ufopQueueOptions(options)
          : { name: options.queueName, prefix: options.queuePrefix, skipVersionCheck: true };
      },
    });
    return { module: UfopQueueModule, imports: [bull], exports: [bull] };
  }
}
