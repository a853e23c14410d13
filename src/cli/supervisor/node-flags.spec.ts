import { processNodeFlags } from './node-flags';

describe('processNodeFlags', () => {
  it("passes the supervisor's flags on, in order", () => {
    expect(processNodeFlags(['--no-memory-reducer', '--max-old-space-size=700', '--enable-source-maps'])).toEqual([
      '--no-memory-reducer',
      '--max-old-space-size=700',
      '--enable-source-maps',
    ]);
  });

  it("keeps the inspector's flags with the supervisor", () => {
    expect(
      processNodeFlags([
        '--inspect',
        '--inspect=0.0.0.0:9230',
        '--inspect-brk',
        '--inspect-port=9231',
        '--inspect-wait',
        '--debug-port=9232',
        '--stack-size=2000',
      ]),
    ).toEqual(['--stack-size=2000']);
  });

  it('adds the extra flags after them (runserver --debug)', () => {
    expect(processNodeFlags(['--inspect', '--no-memory-reducer'], ['--inspect=127.0.0.1'])).toEqual([
      '--no-memory-reducer',
      '--inspect=127.0.0.1',
    ]);
  });

  it('does not take flags that only begin like the inspector for its own', () => {
    expect(processNodeFlags(['--inspectors', '--debugger'])).toEqual(['--inspectors', '--debugger']);
  });
});
