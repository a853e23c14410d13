import { runInContext, ufopContext, UfopRequestContext } from './request-context';
import { requestId } from './request-id';

describe('request ids', () => {
  it('keeps a safe X-Reqid and replaces anything else with a new url-safe id', () => {
    expect(requestId('AAsAAO8xN5KlzfEX')).toBe('AAsAAO8xN5KlzfEX');
    expect(requestId(['first', 'second'])).toBe('first');
    for (const bad of [undefined, '', 'has space', 'x'.repeat(65), 'quote"', 'new\nline']) {
      expect(requestId(bad)).toMatch(/^[A-Za-z0-9_-]{13,}$/);
    }
    expect(requestId(undefined)).not.toBe(requestId(undefined));
  });
});

describe('UfopRequestContext', () => {
  it('is reachable from the async calls of its request only', async () => {
    const a = new UfopRequestContext('a');
    const seen = await runInContext(a, async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      return ufopContext()?.reqid;
    });
    expect(seen).toBe('a');
    expect(ufopContext()).toBeUndefined();
  });

  it('times sequential spans from the previous mark, never negative, and labels the route without slashes', () => {
    const context = new UfopRequestContext('r');
    context.mark('input', context.startedAt + 5);
    context.mark('queue', context.startedAt + 2); // a worker's clock behind ours: a zero span, not a negative one
    context.mark('process', context.startedAt + 12);
    expect(context.spans).toEqual({ input: 5, queue: 0, process: 7 });
    context.setRoute('/thumb/:w/');
    expect(context.route).toBe('thumb/:w');
    context.setRoute(/^x$/);
    expect(context.route).toBe('/^x$/');
  });
});
