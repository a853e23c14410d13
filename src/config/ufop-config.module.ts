import { ConfigurableModuleBuilder, Module, Provider } from '@nestjs/common';
import { UfopModuleOptions, UfopOptions } from '../interfaces/ufop-options.interface';
import { UFOP_CONFIG } from '../ufop.constants';
import { readUfopEnv } from './ufop-env';
import { resolveUfopOptions } from './ufop-options.factory';

export const {
  ConfigurableModuleClass: UfopConfigurableModule,
  MODULE_OPTIONS_TOKEN: UFOP_MODULE_OPTIONS,
  OPTIONS_TYPE: UFOP_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: UFOP_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<UfopModuleOptions>().setClassMethodName('forRoot').build();

/**
 * The one place options are resolved: what `forRoot()` was given (or `forRootAsync()`'s factory returned), over
 * the environment and `.env`, over the defaults. Everything else — the HTTP tier, the queue, the workers, the
 * factory — injects the result, `UFOP_CONFIG`.
 */
const resolvedOptions: Provider = {
  provide: UFOP_CONFIG,
  inject: [UFOP_MODULE_OPTIONS],
  useFactory: (explicit: UfopModuleOptions): UfopOptions => resolveUfopOptions(explicit ?? {}, readUfopEnv()),
};

/**
 * Holds the resolved options. `UfopModule.forRoot()`/`forRootAsync()` build one instance of it and import it both
 * into the module and into the queue's, so an async factory (a `ConfigService`, a secret store) configures the
 * queue too.
 */
@Module({ providers: [resolvedOptions], exports: [UFOP_CONFIG] })
export class UfopConfigModule extends UfopConfigurableModule {}
