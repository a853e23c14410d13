import { parseCommandChain } from './command-chain';
import { inputContentType } from './content-type';

describe('command chains', () => {
  it('splits a | chain into steps, trimming spaces', () => {
    expect(parseCommandChain('thumb/200 | echo')).toEqual(['thumb/200', 'echo']);
    expect(parseCommandChain('echo')).toEqual(['echo']);
    expect(parseCommandChain('')).toEqual(['']);
  });

  it('refuses an empty step', () => {
    expect(() => parseCommandChain('thumb/200||echo')).toThrow('empty step in the command chain "thumb/200||echo"');
    expect(() => parseCommandChain('echo|')).toThrow('empty step');
  });
});

describe('input content type', () => {
  it('is --content-type, else from the extension, else octet-stream', () => {
    expect(inputContentType('a.png', 'image/webp')).toBe('image/webp');
    expect(inputContentType('a.PNG')).toBe('image/png');
    expect(inputContentType('a.json')).toBe('application/json');
    expect(inputContentType('noext')).toBe('application/octet-stream');
    expect(inputContentType('-')).toBe('application/octet-stream');
  });
});
