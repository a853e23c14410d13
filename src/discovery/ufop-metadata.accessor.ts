import { Injectable, Type } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { UFOP_HANDLER_METADATA } from '../ufop.constants';
import { UfopHandlerMetadata } from '../interfaces/ufop-handler-options.interface';

@Injectable()
export class UfopMetadataAccessor {
  constructor(private readonly reflector: Reflector) {}

  getHandlerMetadata(method: (...args: never[]) => unknown): UfopHandlerMetadata | undefined {
    return this.reflector.get<UfopHandlerMetadata | undefined>(UFOP_HANDLER_METADATA, method);
  }

  /** The args class: the explicit option, else the handler's second parameter type when it is a user class. */
  getArgsType(prototype: object, methodName: string, metadata: UfopHandlerMetadata): Type<object> | undefined {
    if (metadata.args) return metadata.args;
    const paramTypes: unknown[] = Reflect.getMetadata('design:paramtypes', prototype, methodName) ?? [];
    const candidate = paramTypes[1];
    return typeof candidate === 'function' && !BUILT_IN_TYPES.has(candidate) ? (candidate as Type<object>) : undefined;
  }
}

const BUILT_IN_TYPES = new Set<unknown>([Object, String, Number, Boolean, Array, Function, Promise, Map, Set]);
