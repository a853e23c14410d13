import { DynamicModule, Module, Provider } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { DiscoveryModule } from '@nestjs/core';
import { resolveUfopOptions } from './config/ufop-options.factory';
import { UfopMetadataAccessor } from './discovery/ufop-metadata.accessor';
import { UfopExplorer } from './discovery/ufop.explorer';
import { InlineExecutor } from './execution/inline.executor';
import { UfopDispatcher } from './execution/ufop.dispatcher';
import { UfopHealthService } from './http/health.service';
import { UfopController } from './http/ufop.controller';
import { SourceFetcher } from './input/source.fetcher';
import { UfopExecutor } from './interfaces/ufop-executor.interface';
import { UfopModuleOptions, UfopOptions } from './interfaces/ufop-options.interface';
import { UfopRouteRegistry } from './routing/ufop-route.registry';
import { UFOP_CONFIG, UFOP_EXECUTOR } from './ufop.constants';
import { queueModeUnavailableMessage } from './ufop.messages';
import {
  UFOP_MODULE_OPTIONS,
  UFOP_OPTIONS_TYPE,
  UfopConfigurableModule,
} from './ufop.module-definition';

const configProvider: Provider = {
  provide: UFOP_CONFIG,
  inject: [UFOP_MODULE_OPTIONS, ConfigService],
  useFactory: (explicit: UfopModuleOptions, config: ConfigService) =>
    resolveUfopOptions(explicit, (name) => config.get<string>(name)),
};

const executorProvider: Provider = {
  provide: UFOP_EXECUTOR,
  inject: [UFOP_CONFIG, InlineExecutor],
  useFactory: (options: UfopOptions, inline: InlineExecutor): UfopExecutor => {
    if (options.mode === 'inline') return inline;
    throw new Error(queueModeUnavailableMessage());
  },
};

/**
 * Serves every `@UfopHandler` of the application on Qiniu's contract. Import it once, in the root module:
 * `UfopModule.forRoot()` reads the environment (and `.env`); options given here win over it.
 */
@Module({
  imports: [DiscoveryModule, ConfigModule.forRoot()],
  controllers: [UfopController],
  providers: [
    configProvider,
    executorProvider,
    UfopMetadataAccessor,
    UfopExplorer,
    UfopRouteRegistry,
    UfopDispatcher,
    InlineExecutor,
    SourceFetcher,
    UfopHealthService,
  ],
  exports: [UFOP_CONFIG, UFOP_EXECUTOR, UfopDispatcher, UfopRouteRegistry],
})
export class UfopModule extends UfopConfigurableModule {
  static override forRoot(options: typeof UFOP_OPTIONS_TYPE = {}): DynamicModule {
    return super.forRoot(options);
  }
}
