import { Injectable, Module } from '@nestjs/common';
import sharp from 'sharp';
import { AppModule } from '../../sample/app.module';
import { DemoHandler } from '../../sample/demo.handler';
import { UfopHandler } from '../decorators/ufop-handler.decorator';
import { UfopInput } from '../input/ufop-input';
import { createUfopTestApp, UfopTestApp } from './ufop-test-app';

describe('createUfopTestApp', () => {
  describe('with the sample AppModule', () => {
    let ufop: UfopTestApp;

    beforeAll(async () => {
      ufop = await createUfopTestApp(AppModule);
    });

    afterAll(() => ufop.close());

    it('runs a command and returns status, type and text', async () => {
      const response = await ufop.run('hello/qq');

      expect(response.status).toBe(200);
      expect(response.contentType).toMatch(/^text\/plain/);
      expect(response.text()).toBe('hello qq');
    });

    it('passes the body and its type to the handler', async () => {
      const response = await ufop.run('json', 'ignored', 'text/x-custom');

      expect(response.contentType).toMatch(/^application\/json/);
      expect(response.json()).toEqual({ msg: 'hello world', content_type: 'text/x-custom' });
    });

    it('returns binary results byte for byte', async () => {
      const bytes = Buffer.from([0, 255, 1, 254, 0x80]);
      const response = await ufop.run('echo', bytes, 'application/octet-stream');

      expect(response.status).toBe(200);
      expect(Buffer.isBuffer(response.body)).toBe(true);
      expect(response.body.equals(bytes)).toBe(true);
    });

    it('runs handlers of imported modules (sharp thumbnails)', async () => {
      const png = await sharp({ create: { width: 40, height: 30, channels: 3, background: '#f00' } })
        .png()
        .toBuffer();
      const response = await ufop.run('thumb/8/6', png, 'image/png');

      expect(response.status).toBe(200);
      expect(response.contentType).toBe('image/png');
      expect(await sharp(response.body).metadata()).toMatchObject({ width: 8, height: 6, format: 'png' });
    });

    it('answers errors as responses with {"error"}, as /handler does', async () => {
      const unknown = await ufop.run('no/such/command');
      expect(unknown.status).toBeGreaterThanOrEqual(400);
      expect(unknown.status).toBeLessThan(500);
      expect(unknown.json<{ error: string }>().error).toEqual(expect.any(String));

      const invalid = await ufop.run('thumb/0', Buffer.from('x'));
      expect(invalid.status).toBe(400);
      expect(invalid.error).toEqual(expect.any(String));
    });
  });

  describe('with module metadata', () => {
    @Injectable()
    class CmdHandler {
      @UfopHandler('cmd')
      cmd(input: UfopInput): { cmd: string; command: string } {
        return { cmd: input.cmd, command: input.command };
      }
    }

    it('adds UfopModule so a handler can be tested alone', async () => {
      const ufop = await createUfopTestApp({ providers: [DemoHandler] });
      try {
        expect((await ufop.run('hello')).text()).toBe('hello world');
        // Only what was given is served: the sample's thumb handler is not there.
        expect((await ufop.run('thumb/8')).status).toBeGreaterThanOrEqual(400);
      } finally {
        await ufop.close();
      }
    });

    it('gives handlers the cmd with the configured UFOP name first, as Qiniu sends it', async () => {
      const ufop = await createUfopTestApp({ providers: [CmdHandler] }, { ufop: { ufopName: 'thumbs' } });
      try {
        expect((await ufop.run('cmd')).json()).toEqual({ cmd: 'thumbs/cmd', command: 'cmd' });
      } finally {
        await ufop.close();
      }
    });

    it('runs inline even when REDIS_URL is set, so unit tests need no Redis', async () => {
      const saved = process.env.REDIS_URL;
      process.env.REDIS_URL = 'redis://127.0.0.1:1/15';
      try {
        const ufop = await createUfopTestApp({ providers: [CmdHandler] });
        try {
          expect((await ufop.run('cmd')).status).toBe(200);
        } finally {
          await ufop.close();
        }
      } finally {
        if (saved === undefined) delete process.env.REDIS_URL;
        else process.env.REDIS_URL = saved;
      }
    });
  });

  it('says what is missing when the module does not import UfopModule', async () => {
    @Module({ providers: [DemoHandler] })
    class BareModule {}

    await expect(createUfopTestApp(BareModule)).rejects.toThrow(/does not import UfopModule\.forRoot\(\)/);
  });
});
