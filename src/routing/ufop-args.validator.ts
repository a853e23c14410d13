import 'reflect-metadata';
import { Type } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { getMetadataStorage, validate, ValidationError } from 'class-validator';
import { UfopBadRequestError } from '../errors/ufop.errors';
import { INVALID_ARGS, notBooleanMessage, notIntegerMessage, notNumberMessage } from './ufop-routing.messages';

/**
 * Turns raw string params into an instance of the handler's args class and validates it.
 *
 * Numbers and booleans are read from the declared property types, strictly: `Number()` would take `1e3`,
 * `0x10`, `+5`, ` 5`, `` (0) and `Infinity`, and `Boolean()` would take `false` as true. So
 * - an integer (a property with `@IsInt()`) is decimal digits with an optional leading `-`: `3.0` is refused;
 * - another number (`@IsNumber()` or a `number` property) is the same with an optional fraction: `-5`, `2.5`;
 * - a boolean (`@IsBoolean()` or a `boolean` property) is `true`, `false`, `1` or `0` (Qiniu's cmds use 1/0).
 * Anything else stays a string, which the type constraint then refuses.
 *
 * Unknown keys are refused so that a mistyped `w/200` is a 400 rather than silently ignored. Each failing
 * property gives one message: its type constraint's when that failed, else the constraint written first.
 */
export async function validateArgs(
  argsType: Type<object> | undefined,
  params: Record<string, string>,
): Promise<object> {
  if (!argsType) return { ...params };
  const instance = plainToInstance(argsType, params, { enableImplicitConversion: true }) as Record<string, unknown>;
  const kinds = argKinds(argsType);
  let refused: Map<string, ArgKind> | undefined;
  for (const key in params) {
    const kind = kinds.get(key);
    if (kind === undefined) continue;
    const value = strictValue(kind, params[key]);
    if (value === undefined) (refused ??= new Map()).set(key, kind);
    instance[key] = value ?? params[key];
  }
  const errors = await validate(instance, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length > 0 || refused) {
    throw new UfopBadRequestError(INVALID_ARGS + describeErrors(errors, refused).join('; '));
  }
  return instance;
}

type ArgKind = 'int' | 'number' | 'boolean';

const INTEGER = /^-?\d+$/;
const DECIMAL = /^-?\d+(?:\.\d+)?$/;

/** The value of `raw` as `kind`, or undefined when it is not in the strict notation. */
function strictValue(kind: ArgKind, raw: string): number | boolean | undefined {
  switch (kind) {
    case 'int': {
      const value = INTEGER.test(raw) ? Number(raw) : NaN;
      return Number.isSafeInteger(value) ? value : undefined; // past 2^53 digits would be silently rounded
    }
    case 'number': {
      const value = DECIMAL.test(raw) ? Number(raw) : NaN;
      return Number.isFinite(value) ? value : undefined; // 400 nines are Infinity
    }
    case 'boolean':
      return raw === 'true' || raw === '1' ? true : raw === 'false' || raw === '0' ? false : undefined;
  }
}

/** Constraints that say what a value is: reported before what it is compared with. */
const TYPE_CONSTRAINTS = [
  'whitelistValidation',
  'isDefined',
  'isInt',
  'isNumber',
  'isBoolean',
  'isString',
  'isEnum',
  'isIn',
];

const KIND_MESSAGES: Record<ArgKind, (property: string) => string> = {
  int: notIntegerMessage,
  number: notNumberMessage,
  boolean: notBooleanMessage,
};

/** One message per failing property, in the order of the args class; then properties refused with no type constraint. */
function describeErrors(errors: ValidationError[], refused: Map<string, ArgKind> | undefined): string[] {
  const messages: string[] = [];
  for (const error of errors) {
    const kind = refused?.get(error.property);
    if (kind !== undefined) {
      // Not in the strict notation: say so, not that the raw string is, say, "less than 1".
      refused!.delete(error.property);
      messages.push(typeMessage(error) ?? KIND_MESSAGES[kind](error.property));
      continue;
    }
    const message = typeMessage(error) ?? firstWrittenMessage(error);
    if (message !== undefined) messages.push(message);
    else messages.push(...describeErrors(error.children ?? [], undefined));
  }
  for (const [property, kind] of refused ?? []) messages.push(KIND_MESSAGES[kind](property));
  return messages;
}

function typeMessage(error: ValidationError): string | undefined {
  const constraints = error.constraints ?? {};
  for (const name of TYPE_CONSTRAINTS) if (constraints[name] !== undefined) return constraints[name];
  return undefined;
}

function firstWrittenMessage(error: ValidationError): string | undefined {
  // Decorators register bottom-up, so the one written first (on top) comes last.
  const names = Object.keys(error.constraints ?? {});
  return names.length > 0 ? error.constraints![names[names.length - 1]] : undefined;
}

const kindsByClass = new WeakMap<Type<object>, ReadonlyMap<string, ArgKind>>();

/** The properties of an args class read as numbers or booleans, computed once per class. */
function argKinds(argsType: Type<object>): ReadonlyMap<string, ArgKind> {
  let kinds = kindsByClass.get(argsType);
  if (kinds === undefined) {
    kinds = readArgKinds(argsType);
    kindsByClass.set(argsType, kinds);
  }
  return kinds;
}

function readArgKinds(argsType: Type<object>): ReadonlyMap<string, ArgKind> {
  const constraintsByProperty = new Map<string, Set<string | undefined>>();
  for (const metadata of getMetadataStorage().getTargetValidationMetadatas(argsType, '', false, false)) {
    const names = constraintsByProperty.get(metadata.propertyName) ?? new Set();
    names.add(metadata.name);
    constraintsByProperty.set(metadata.propertyName, names);
  }
  const kinds = new Map<string, ArgKind>();
  for (const [property, names] of constraintsByProperty) {
    const declared: unknown = Reflect.getMetadata('design:type', argsType.prototype, property);
    const kind: ArgKind | undefined = names.has('isInt')
      ? 'int'
      : names.has('isNumber') || declared === Number
        ? 'number'
        : names.has('isBoolean') || declared === Boolean
          ? 'boolean'
          : undefined;
    if (kind !== undefined) kinds.set(property, kind);
  }
  return kinds;
}
