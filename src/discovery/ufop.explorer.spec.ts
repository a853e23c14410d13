import { Inject, Injectable, Scope } from '@nestjs/common';
import { UfopHandler } from '../decorators/ufop-handler.decorator';
import { UfopInput } from '../input/ufop-input';
import { UfopHealthCheck } from '../interfaces/ufop-health-check.interface';
import { UfopRouteRegistry } from '../routing/ufop-route.registry';
import { createUfopTestApp } from '../testing/ufop-test-app';
import { UfopExplorer } from './ufop.explorer';

const GREETING = Symbol('GREETING');

class GreetHandler {
  constructor(private readonly greeting: string) {}

  @UfopHandler('greet/:name')
  greet(_input: UfopInput, { name }: { name: string }): string {
    return `${this.greeting} ${name}`;
  }
}

@Injectable()
class ClassHandler {
  constructor(@Inject(GREETING) private readonly greeting: string) {}

  @UfopHandler('class')
  run(): string {
    return `${this.greeting} from a class provider`;
  }
}

@Injectable({ scope: Scope.REQUEST })
class ScopedHandler {
  private static created = 0;
  private readonly serial = ++ScopedHandler.created;

  @UfopHandler('scoped')
  run(): string {
    return `instance ${this.serial}`;
  }
}

class Probe implements UfopHealthCheck {
  onUfopHealthCheck(): boolean {
    return true;
  }
}

/**
 * `@UfopHandler` methods are found on whatever a provider is: a class, a factory's result or a value, as Nest
 * resolves it (a factory's metatype is the factory function, a value provider has none); health checks likewise.
 */
describe('UfopExplorer finds handlers on every kind of provider', () => {
  const run = async (providers: unknown[], command: string) => {
    const ufop = await createUfopTestApp({
      providers: [{ provide: GREETING, useValue: 'hello' }, ...(providers as never[])],
    });
    try {
      return await ufop.run(command);
    } finally {
      await ufop.close();
    }
  };

  it('a class provider', async () => {
    expect((await run([ClassHandler], 'class')).text()).toBe('hello from a class provider');
  });

  it('a factory provider, with its injected dependencies', async () => {
    const factory = {
      provide: 'greeter',
      useFactory: (greeting: string) => new GreetHandler(`${greeting} (factory)`),
      inject: [GREETING],
    };
    const response = await run([factory], 'greet/qiniu');

    expect(response.status).toBe(200);
    expect(response.text()).toBe('hello (factory) qiniu');
  });

  it('an async factory provider', async () => {
    const factory = { provide: 'greeter', useFactory: async () => new GreetHandler('hi (async)') };
    expect((await run([factory], 'greet/qiniu')).text()).toBe('hi (async) qiniu');
  });

  it('a value provider', async () => {
    const response = await run([{ provide: 'greeter', useValue: new GreetHandler('hey (value)') }], 'greet/qiniu');

    expect(response.status).toBe(200);
    expect(response.text()).toBe('hey (value) qiniu');
  });

  it('a request-scoped class provider, created afresh for each call', async () => {
    const ufop = await createUfopTestApp({ providers: [ScopedHandler] });
    try {
      const first = (await ufop.run('scoped')).text();
      expect((await ufop.run('scoped')).text()).not.toBe(first);
    } finally {
      await ufop.close();
    }
  });

  it('names a handler by the class of the instance, not by the token or the factory', async () => {
    const ufop = await createUfopTestApp({
      providers: [{ provide: 'greeter', useFactory: () => new GreetHandler('x') }],
    });
    try {
      const handlers = ufop.app.get(UfopRouteRegistry, { strict: false }).all();
      expect(handlers.map((handler) => handler.id)).toEqual(['GreetHandler.greet']);
    } finally {
      await ufop.close();
    }
  });

  it('health checks on class, factory and value providers, plain objects included', async () => {
    const plain: UfopHealthCheck = { onUfopHealthCheck: () => true };
    const ufop = await createUfopTestApp({
      providers: [Probe, { provide: 'p2', useFactory: () => new Probe() }, { provide: 'p3', useValue: plain }],
    });
    try {
      const checks = ufop.app.get(UfopExplorer).getHealthChecks();
      expect(checks).toHaveLength(3);
      expect(checks).toContain(plain);
    } finally {
      await ufop.close();
    }
  });
});
