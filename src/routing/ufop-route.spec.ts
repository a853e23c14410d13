import { UfopHandlerDefinition } from '../interfaces/ufop-handler-definition.interface';
import { UfopRoute } from './ufop-route';
import { UfopRouteRegistry } from './ufop-route.registry';

const handler = (route: string | RegExp, className = 'H', methodName = 'm'): UfopHandlerDefinition => ({
  id: `${className}.${methodName}`,
  route: new UfopRoute(route),
  className,
  methodName,
  resolveInstance: async () => ({}),
});

describe('UfopRoute', () => {
  it('matches path-to-regexp patterns with optional params', () => {
    const route = new UfopRoute('hello/:name?');
    expect(route.match('hello/qq')).toEqual({ params: { name: 'qq' } });
    expect(route.match('hello')).toEqual({ params: {} });
    expect(route.match('hellox')).toBeUndefined();
    expect(route.match('bye')).toBeUndefined();
  });

  it('keeps raw values: no URL decoding of url-safe base64 args', () => {
    expect(new UfopRoute('saveas/:entry').match('saveas/YS1i%3D')).toEqual({ params: { entry: 'YS1i%3D' } });
  });

  it('accepts trailing key/value pairs after the pattern, and params win over pairs', () => {
    expect(new UfopRoute('thumb').match('thumb/w/200/h/100')).toEqual({ params: { w: '200', h: '100' } });
    expect(new UfopRoute('thumb/:w').match('thumb/5/w/9')).toEqual({ params: { w: '5' } });
    expect(new UfopRoute('thumb').match('thumb/w/200/')).toEqual({ params: { w: '200' } });
  });

  it('tells a command that matches the pattern but ends with a key and no value, instead of not matching', () => {
    expect(new UfopRoute('wordcount').match('wordcount/min')).toEqual({
      params: {},
      problem: expect.stringMatching(/^missing value for "min"/),
    });
    expect(new UfopRoute('thumb/:w').match('thumb/5/h/1/h/2')?.problem).toBe('key "h" is given twice');
    expect(new UfopRoute('wordcount').match('wordcountx/min')).toBeUndefined();
  });

  it('tells a command that stops before the first required param', () => {
    const route = new UfopRoute('thumb/:width/:height?');
    for (const command of ['thumb', 'thumb/', 'thumb//']) {
      expect(route.match(command)).toEqual({
        params: {},
        problem: 'missing value for "width": the route is thumb/:width/:height?',
      });
    }
    expect(route.match('thumbs')).toBeUndefined();
    expect(new UfopRoute(':a/:b').match('')).toBeUndefined();
  });

  it('tolerates leading and trailing slashes in the pattern and a trailing slash in the command', () => {
    expect(new UfopRoute('/echo/').match('echo/')).toEqual({ params: {} });
  });

  it('runs RegExp routes as written, named groups as params, without carrying lastIndex', () => {
    const route = new UfopRoute(/^v(?<version>\d+)$/g);
    expect(route.match('v2')).toEqual({ params: { version: '2' } });
    expect(route.match('v2')).toEqual({ params: { version: '2' } });
    expect(route.match('v2x')).toBeUndefined();
  });

  it('gives patterns that differ only in param names the same signature', () => {
    expect(new UfopRoute('a/:x?').signature).toBe(new UfopRoute('a/:y?').signature);
    expect(new UfopRoute('a/:x').signature).not.toBe(new UfopRoute('a/:x?').signature);
  });

  it('throws on an invalid pattern', () => {
    expect(() => new UfopRoute('a/:')).toThrow();
  });
});

describe('UfopRouteRegistry', () => {
  it('tries the most specific route first, whatever the registration order', () => {
    const registry = new UfopRouteRegistry();
    registry.add(handler(/^thumb/, 'R', 'regexp'));
    registry.add(handler('thumb', 'T', 'bare'));
    registry.add(handler('thumb/:w/:h?', 'T', 'sized'));
    registry.add(handler('thumb/square/:w', 'T', 'square'));
    expect(registry.match('thumb/square/10')?.handler.methodName).toBe('square');
    expect(registry.match('thumb/10/20')?.handler.methodName).toBe('sized');
    expect(registry.match('thumb')?.handler.methodName).toBe('bare');
    expect(registry.match('thumbnail')?.handler.methodName).toBe('regexp');
    expect(registry.match('other')).toBeUndefined();
  });

  it('answers 400 naming the missing value when only a malformed match exists, and prefers a full match', () => {
    const registry = new UfopRouteRegistry();
    registry.add(handler('wordcount', 'W', 'count'));
    expect(() => registry.match('wordcount/min')).toThrow(
      expect.objectContaining({
        status: 400,
        message: expect.stringMatching(/^invalid args: missing value for "min"/),
      }),
    );
    expect(registry.match('wordcount/min/3')?.params).toEqual({ min: '3' });
    registry.add(handler(/^wordcount\/(?<flag>[a-z]+)$/, 'W', 'flag'));
    expect(registry.match('wordcount/min')).toEqual({
      handler: expect.objectContaining({ methodName: 'flag' }),
      params: { flag: 'min' },
    });
  });

  it('refuses two routes matching the same commands, naming both handlers', () => {
    const registry = new UfopRouteRegistry();
    registry.add(handler('hello/:name?', 'A', 'hello'));
    expect(() => registry.add(handler('hello/:who?', 'B', 'greet'))).toThrow(
      /A\.hello\(\) declares "hello\/:name\?" and B\.greet\(\) declares "hello\/:who\?"/,
    );
  });

  it('refuses routes under _ufop/, which the operator commands own', () => {
    const registry = new UfopRouteRegistry();
    for (const route of ['_ufop/stats', '/_ufop/:any', '_ufop', /^_ufop\/x/, /_ufop\//]) {
      expect(() => registry.add(handler(route, 'Mine', 'op'))).toThrow(/Mine\.op\(\) is under _ufop\//);
    }
    expect(() => registry.add(handler('ufop_stats'))).not.toThrow();
  });

  it('keeps ids unique and looks handlers up by id', () => {
    const registry = new UfopRouteRegistry();
    registry.add(handler('a', 'H', 'm'));
    registry.add(handler('b', 'H', 'm'));
    expect(
      registry
        .all()
        .map((h) => h.id)
        .sort(),
    ).toEqual(['H.m', 'H.m#2']);
    expect(registry.get('H.m#2')?.route.pattern).toBe('b');
  });
});
