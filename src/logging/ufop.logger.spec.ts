import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { logFilePath } from './log-file';
import { createUfopLogger, UfopLogger } from './ufop.logger';

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
    expect(createUfopLogger({})).toBeUndefined();
  });

  it('writes each line to the console and, plain, to the file (folders created)', () => {
    const logger = createUfopLogger({ UFOP_LOG_DIR: dir, UFOP_ROLE: 'worker' })!;
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

  it('can keep stdout for data, writing every level to stderr', () => {
    const logger = new UfopLogger({ stderrOnly: true });
    logger.log('to stderr');
    expect(stdout).not.toHaveBeenCalled();
    expect(stderr.mock.calls.map(([chunk]) => String(chunk)).join('')).toContain('to stderr');
  });
});
