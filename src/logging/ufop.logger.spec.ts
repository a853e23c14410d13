import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { logFilePath } from './log-file';
import { runInContext, UfopRequestContext } from '../observability/request-context';
import { createUfopLogger, levelsFrom, UfopLogger } from './ufop.logger';

describe('UfopLogger', () => {
  let dir: string;
  let stdout: jest.SpyInstance;
  let stderr: jest.SpyInstance;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ufop-log-'));
    stdout = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  });
  afterEach(() => {
    jest.restoreAllMocks();
    rmSync(dir, { recursive: true, force: true });
  });

  it('chooses server/ for web and all-in-one processes and worker/ for workers, only when UFOP_LOG_DIR is set', () => {
    expect(logFilePath({})).toBeUndefined();
    expect(logFilePath({ UFOP_LOG_DIR: '/var/log' })).toBe('/var/log/server/server.log');
    expect(logFilePath({ UFOP_LOG_DIR: '/var/log', UFOP_ROLE: 'web' })).toBe('/var/log/server/server.log');
    expect(logFilePath({ UFOP_LOG_DIR: '/var/log', UFOP_ROLE: 'Worker' })).toBe('/var/log/worker/worker.log');
    expect(createUfopLogger({})).toBeInstanceOf(UfopLogger);
  });

  it('writes each line to the console and, plain, to the file (folders created)', () => {
    const logger = createUfopLogger({ UFOP_LOG_DIR: dir, UFOP_ROLE: 'worker' });
    logger.log('hello', 'Ctx');
    logger.warn({ a: 1 }, 'Ctx');
    logger.error('boom', 'Error: boom\n    at x', 'Ctx');
    logger.closeFile();
    logger.log('console only');
    const text = readFileSync(join(dir, 'worker', 'worker.log'), 'utf8');
    const lines = text.trim().split('\n');
    expect(lines[0]).toMatch(new RegExp(`^\\d{4}-\\d\\d-\\d\\dT\\S+Z ${process.pid} LOG \\[Ctx\\] hello$`));
    expect(lines[1]).toMatch(/ WARN \[Ctx\] \{ a: 1 \}$/);
    expect(lines[2]).toMatch(/ ERROR \[Ctx\] boom$/);
    expect(lines.slice(3)).toEqual(['Error: boom', '    at x']);
    expect(text).not.toContain('console only');
    expect(stdout.mock.calls.map(([chunk]) => String(chunk)).join('')).toContain('hello');
    expect(stderr.mock.calls.map(([chunk]) => String(chunk)).join('')).toContain('boom');
  });

  it('writes one JSON object per line with time, level, pid, context, reqid and message', () => {
    const logger = createUfopLogger({ UFOP_LOG_DIR: dir, UFOP_LOG_FORMAT: 'json' });
    runInContext(new UfopRequestContext('req-1'), () => logger.log('inside', 'Ctx'));
    logger.error('bad', 'Error: bad\n    at y', 'Ctx');
    logger.closeFile();
    const lines = readFileSync(join(dir, 'server', 'server.log'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines[0]).toEqual({
      time: expect.stringMatching(/Z$/),
      level: 'log',
      pid: process.pid,
      context: 'Ctx',
      reqid: 'req-1',
      message: 'inside',
    });
    expect(lines[1]).toMatchObject({ level: 'error', message: 'bad', stack: 'Error: bad\n    at y' });
    expect(lines[1]).not.toHaveProperty('reqid');
  });

  it('puts the reqid after the context in text lines, and honours UFOP_LOG_LEVEL', () => {
    const logger = createUfopLogger({ UFOP_LOG_DIR: dir, UFOP_LOG_LEVEL: 'warn' });
    runInContext(new UfopRequestContext('req-2'), () => {
      logger.log('hidden', 'Ctx');
      logger.warn('shown', 'Ctx');
    });
    logger.closeFile();
    const text = readFileSync(join(dir, 'server', 'server.log'), 'utf8');
    expect(text).toMatch(/^\S+Z \d+ WARN \[Ctx\] reqid=req-2 shown\n$/);
    expect(levelsFrom('warn')).toEqual(['fatal', 'error', 'warn']);
  });

  it('writes no escape codes when stdout is not a terminal', () => {
    new UfopLogger().warn('plain', 'Ctx');
    expect(stdout.mock.calls.map(([chunk]) => String(chunk)).join('')).not.toMatch(/\x1b\[/);
  });

  it('can keep stdout for data, writing every level to stderr', () => {
    const logger = new UfopLogger({ stderrOnly: true });
    logger.log('to stderr');
    expect(stdout).not.toHaveBeenCalled();
    expect(stderr.mock.calls.map(([chunk]) => String(chunk)).join('')).toContain('to stderr');
  });
});
