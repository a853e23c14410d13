import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { findExecutable } from './tool.finder';

describe('findExecutable', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ufop-path-'));
    for (const sub of ['a', 'b', 'c']) mkdirSync(join(dir, sub));
    writeFileSync(join(dir, 'a', 'tool'), 'not executable');
    writeFileSync(join(dir, 'b', 'tool'), '#!/bin/sh\n');
    chmodSync(join(dir, 'b', 'tool'), 0o755);
    mkdirSync(join(dir, 'c', 'dirtool'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('finds the first executable file on PATH, as a shell does', () => {
    const path = ['', join(dir, 'a'), join(dir, 'b'), join(dir, 'c')].join(delimiter);
    expect(findExecutable('tool', path)).toBe(join(dir, 'b', 'tool'));
  });

  it('ignores non-executable files and directories', () => {
    expect(findExecutable('tool', join(dir, 'a'))).toBeUndefined();
    expect(findExecutable('dirtool', join(dir, 'c'))).toBeUndefined();
    expect(findExecutable('missing', '')).toBeUndefined();
  });
});
