import { ConfigurableModuleBuilder } from '@nestjs/common';
import { UfopModuleOptions } from './interfaces/ufop-options.interface';

export const {
  ConfigurableModuleClass: UfopConfigurableModule,
  MODULE_OPTIONS_TOKEN: UFOP_MODULE_OPTIONS,
  OPTIONS_TYPE: UFOP_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: UFOP_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<UfopModuleOptions>().setClassMethodName('forRoot').build();
