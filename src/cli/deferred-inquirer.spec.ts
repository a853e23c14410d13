import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/** In a fresh node process: require's cache is per process, and this file's own imports may have loaded inquirer. */
function run(script: string): { out: string; err: string; status: number | null } {
  const result = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', script], {
    cwd: join(__dirname, '..', '..'),
    encoding: 'utf8',
  });
  return { out: result.stdout.trim(), err: result.stderr, status: result.status };
}

describe('deferInquirer', () => {
  it('leaves inquirer unloaded through nest-commander\'s start, and loads the real one on first use', () => {
    const result = run(`
      require('./src/cli/deferred-inquirer').deferInquirer();
      require('nest-commander');
      const loaded = () => Object.keys(require.cache).filter((f) => /node_modules\\/(lodash|inquirer\\/lib\\/(prompts|ui|objects|utils))\\//.test(f)).length;
      const before = loaded();
      const inquirerPath = require.resolve('inquirer', { paths: [require.resolve('nest-commander')] });
      const prompt = require(inquirerPath).prompt;
      console.log(JSON.stringify({ before, after: loaded(), prompt: typeof prompt, same: prompt === require(inquirerPath).prompt }));
    `);
    expect(result.err).toBe('');
    const { before, after, prompt, same } = JSON.parse(result.out);
    expect(before).toBe(0);
    expect(after).toBeGreaterThan(10);
    expect([prompt, same]).toEqual(['function', true]);
  });
});
