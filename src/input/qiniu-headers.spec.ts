import { decodeQiniuHeaders } from './qiniu-headers';

describe('decodeQiniuHeaders', () => {
  const b64 = (s: string) => Buffer.from(s).toString('base64');

  it('decodes the standard-base64 X-Qiniu-* headers', () => {
    expect(
      decodeQiniuHeaders({
        'x-qiniu-uid': b64('123'),
        'x-qiniu-bucket': b64('b'),
        'x-qiniu-key': b64('dir/图.png'),
        'x-qiniu-mode': b64('1'),
        'x-qiniu-pipe-cmds': b64('a|b'),
      }),
    ).toEqual({ uid: '123', bucket: 'b', key: 'dir/图.png', mode: '1', pipeCmds: 'a|b' });
  });

  it('leaves out absent headers and keeps a value that is not base64 as sent', () => {
    expect(decodeQiniuHeaders({ 'x-qiniu-key': 'plain key!' })).toEqual({ key: 'plain key!' });
    expect(decodeQiniuHeaders({})).toEqual({});
  });
});
