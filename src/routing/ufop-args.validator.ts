import { Type } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validate, ValidationError } from 'class-validator';
import { UfopBadRequestError } from '../errors/ufop.errors';

/**
 * Turns raw string params into an instance of the handler's args class and validates it.
 * Numbers and booleans are converted from the declared property types; unknown keys are refused
 * so that a mistyped `w/200` is a 400 rather than silently ignored.
 */
export async function validateArgs(
  argsType: Type<object> | undefined,
  params: Record<string, string>,
): Promise<object> {
  if (!argsType) return { ...params };
  const instance = plainToInstance(argsType, params, { enableImplicitConversion: true });
  const errors = await validate(instance, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length > 0) {
    throw new UfopBadRequestError(`invalid args: ${flattenMessages(errors).join('; ')}`);
  }
  return instance;
}

function flattenMessages(errors: ValidationError[]): string[] {
  return errors.flatMap((error) => [
    ...Object.values(error.constraints ?? {}),
    ...flattenMessages(error.children ?? []),
  ]);
}
