import { CliError } from '../cli.error';
import { missingArgumentMessage, routedCommand, ufopNames } from './ufop-cmd';

describe('the cmd process runs', () => {
  // Routes as a project might have them: `hello/...`, `json`, and one literally starting with the UFOP name.
  const routes = (command: string) => /^hello(\/[^/]+)?$/.test(command) || command === 'json' || command === 'tools/x';
  const names = ['tools'];

  it('takes the command as routes see it', () => {
    expect(routedCommand('hello/qq', names, routes)).toBe('hello/qq');
  });

  it("takes the full cmd, dropping this UFOP's name, as Qiniu sends it", () => {
    expect(routedCommand('tools/hello/qq', names, routes)).toBe('hello/qq');
    expect(routedCommand('tools/json', names, routes)).toBe('json');
  });

  it('keeps a route that itself starts with the UFOP name when the rest does not route', () => {
    expect(routedCommand('tools/x', names, routes)).toBe('tools/x');
  });

  it('drops the UFOP name when neither routes, so that the 404 names what routes saw', () => {
    expect(routedCommand('tools/nope', names, routes)).toBe('nope');
    expect(routedCommand('nope', names, routes)).toBe('nope');
  });

  it('says to drop another first segment when the rest would route', () => {
    expect(() => routedCommand('other/hello/qq', names, routes)).toThrow(CliError);
    expect(() => routedCommand('other/hello/qq', names, routes)).toThrow(
      '404 no handler for cmd "other/hello/qq"; drop the UFOP name: qiniu-ufop process hello/qq <file> (or the full cmd tools/hello/qq)',
    );
    expect(() => routedCommand('other/json', [], routes)).toThrow(
      /drop the UFOP name: qiniu-ufop process json <file>$/,
    );
  });

  it('knows the UFOP name from UFOP_NAME, else the package name without its scope', () => {
    expect(ufopNames('img', 'pkg')).toEqual(['img']);
    expect(ufopNames(undefined, 'pkg')).toEqual(['pkg']);
    expect(ufopNames(' ', '@org/pkg')).toEqual(['pkg']);
    expect(ufopNames(undefined, undefined)).toEqual([]);
  });

  it('tells a missing cmd from a missing file', () => {
    expect(missingArgumentMessage('photo.jpg', ['thumb/:w', 'json'], false)).toBe(
      'missing cmd: qiniu-ufop process <cmd> photo.jpg (no handler is routed at "", so the cmd cannot be left out); routes: thumb/:w, json',
    );
    expect(missingArgumentMessage('thumb/200', [], true)).toBe(
      'missing the input file: qiniu-ufop process thumb/200 <file> (- reads stdin)',
    );
  });
});
