import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { ContextIdFactory, DiscoveryService, MetadataScanner, ModuleRef } from '@nestjs/core';
import { InstanceWrapper } from '@nestjs/core/injector/instance-wrapper';
import { UfopHealthCheck } from '../interfaces/ufop-health-check.interface';
import { UfopHandlerDefinition } from '../interfaces/ufop-handler-definition.interface';
import { UfopRoute } from '../routing/ufop-route';
import { UfopRouteRegistry } from '../routing/ufop-route.registry';
import { invalidRouteMessage } from '../ufop.messages';
import { UfopMetadataAccessor } from './ufop-metadata.accessor';
import { UfopStartupError } from '../errors/ufop-startup.error';

type Instance = Record<string, (...args: unknown[]) => unknown>;

/**
 * Finds every `@UfopHandler` method of every provider, in any module, when the application boots,
 * and every provider implementing `UfopHealthCheck`. Request-scoped and transient providers are
 * resolved afresh for each call, as Nest would for a controller.
 */
@Injectable()
export class UfopExplorer implements OnModuleInit {
  private readonly healthChecks: UfopHealthCheck[] = [];
  private readonly logger = new Logger('UfopRoutes');

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly accessor: UfopMetadataAccessor,
    private readonly registry: UfopRouteRegistry,
    private readonly moduleRef: ModuleRef,
  ) {}

  onModuleInit(): void {
    for (const wrapper of this.discovery.getProviders()) {
      if (wrapper.isAlias) continue;
      const instance = wrapper.isDependencyTreeStatic()
        ? (wrapper.instance as Partial<UfopHealthCheck> | undefined)
        : undefined;
      if (instance && typeof instance.onUfopHealthCheck === 'function')
        this.healthChecks.push(instance as UfopHealthCheck);
      const prototype = handlerPrototype(wrapper);
      if (!prototype) continue;
      for (const methodName of this.scanner.getAllMethodNames(prototype)) {
        this.register(wrapper, prototype, methodName);
      }
    }
    // Like Nest's "Mapped {/path, GET} route" lines: what this process will answer, in the order routes are tried.
    for (const handler of this.registry.all()) {
      this.logger.log(`mapped ${handler.route} → ${handler.className}.${handler.methodName}`);
    }
  }

  getHealthChecks(): readonly UfopHealthCheck[] {
    return this.healthChecks;
  }

  private register(wrapper: InstanceWrapper, prototype: object, methodName: string): void {
    const method = (prototype as Record<string, unknown>)[methodName];
    if (typeof method !== 'function') return;
    const metadata = this.accessor.getHandlerMetadata(method as (...args: never[]) => unknown);
    if (!metadata) return;
    const className = (prototype.constructor as { name: string }).name;
    let route: UfopRoute;
    try {
      route = new UfopRoute(metadata.route);
    } catch (error) {
      throw new UfopStartupError(invalidRouteMessage(className, methodName, metadata.route, (error as Error).message));
    }
    const definition: UfopHandlerDefinition = {
      id: `${className}.${methodName}`,
      route,
      className,
      methodName,
      argsType: this.accessor.getArgsType(prototype, methodName, metadata),
      resolveInstance: this.instanceResolver(wrapper),
    };
    this.registry.add(definition);
  }

  private instanceResolver(wrapper: InstanceWrapper): () => Promise<Instance> {
    if (wrapper.isDependencyTreeStatic() && !wrapper.isTransient) {
      return async () => wrapper.instance as Instance;
    }
    return async () => {
      const contextId = ContextIdFactory.create();
      this.moduleRef.registerRequestByContextId({}, contextId);
      return this.moduleRef.resolve(wrapper.token, contextId, { strict: false }) as Promise<Instance>;
    };
  }
}

/**
 * The prototype whose methods may carry `@UfopHandler`: the class of the provider's instance when there is one
 * (a class, factory or value provider, once created: a factory's metatype is the factory function, a value
 * provider has none), else the metatype of a request-scoped or transient class provider, created per call.
 * A request-scoped factory's class is known only once it has run: such a provider cannot declare handlers.
 */
function handlerPrototype(wrapper: InstanceWrapper): object | undefined {
  const instance: unknown = wrapper.isDependencyTreeStatic() ? wrapper.instance : undefined;
  const prototype =
    instance !== null && typeof instance === 'object'
      ? Object.getPrototypeOf(instance)
      : !wrapper.isFactory && typeof wrapper.metatype === 'function'
        ? (wrapper.metatype as { prototype: object }).prototype
        : undefined;
  // A plain object (`useValue: { ... }`) has no class whose methods could be decorated.
  return prototype && prototype !== Object.prototype ? prototype : undefined;
}
