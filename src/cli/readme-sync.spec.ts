import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCli } from './cli.factory';
import { CliModule } from './cli.module';

const ROOT = join(__dirname, '..', '..');
const READMES = ['README.md', 'README.zh-CN.md'];

/** Every variable `.env.example` names, commented out or not. */
function envVariables(): string[] {
  const text = readFileSync(join(ROOT, '.env.example'), 'utf8');
  return [...new Set([...text.matchAll(/^#?\s*([A-Z][A-Z0-9_]*)=/gm)].map((match) => match[1]))];
}

/** The CLI's commands and their long options, from the real command definitions (the program createCli builds). */
interface CliFlag {
  long?: string;
  short?: string;
}

async function cliSurface(): Promise<Array<{ command: string; options: CliFlag[] }>> {
  const { app, program } = await createCli(CliModule);
  try {
    return program.commands.map((command) => ({
      command: command.name(),
      options: command.options.filter((option) => option.long !== '--help').map(({ long, short }) => ({ long, short })),
    }));
  } finally {
    await app.close();
  }
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Both READMEs document every setting of `.env.example`, every command and every option of the CLI. Other changes
 * add variables and options; this says exactly what each README lacks, so the translation can follow.
 */
describe('README.md and README.zh-CN.md stay in step with .env.example and the CLI', () => {
  let variables: string[];
  let cli: Array<{ command: string; options: CliFlag[] }>;

  beforeAll(async () => {
    variables = envVariables();
    cli = await cliSurface();
  });

  it('finds what it checks (so an empty list cannot pass by accident)', () => {
    expect(variables).toEqual(expect.arrayContaining(['PORT', 'REDIS_URL', 'UFOP_PLAYGROUND']));
    expect(cli.map((entry) => entry.command)).toEqual(
      expect.arrayContaining(['createproject', 'process', 'deploy', 'doctor']),
    );
    expect(cli.find((entry) => entry.command === 'doctor')?.options.map((flag) => flag.long)).toEqual([
      '--deploy',
      '--no-build',
    ]);
  });

  it.each(READMES)('%s names every variable, command and option', (readme) => {
    if (!existsSync(join(ROOT, readme)))
      throw new Error(`${readme} does not exist: it must document the whole CLI and configuration`);
    const text = readFileSync(join(ROOT, readme), 'utf8');
    const missing: string[] = [];
    for (const name of variables) {
      if (!new RegExp(`\\b${name}\\b`).test(text)) missing.push(`variable ${name} (from .env.example)`);
    }
    for (const { command, options } of cli) {
      // A command is documented where it appears as code: `doctor`, `doctor [--deploy]`, `qiniu-ufop doctor ...`.
      if (!new RegExp(`\`(qiniu-ufop |npx qiniu-ufop )?${escape(command)}[\` ]`).test(text))
        missing.push(`command ${command}`);
      // An option counts as documented under its long or its short name (`-o out` in a usage line).
      for (const { long, short } of options) {
        const named = [long, short]
          .filter(Boolean)
          .some((flag) => new RegExp(`(^|[\\s\\[\`(|])${escape(flag!)}(?![\\w-])`, 'm').test(text));
        if (!named) missing.push(`option ${[short, long].filter(Boolean).join(', ')} of ${command}`);
      }
    }
    if (missing.length) {
      throw new Error(
        `${readme} does not mention:\n  - ${missing.join('\n  - ')}\nDocument each in ${readme} (the configuration table or the command line section).`,
      );
    }
  });
});

/** The public instance members of `UfopInput`, read from its source (what a handler can use). */
function ufopInputMembers(): string[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ts: typeof import('typescript') = require('typescript');
  const file = join(ROOT, 'src', 'input', 'ufop-input.ts');
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
  const members: string[] = [];
  source.forEachChild((node) => {
    if (!ts.isClassDeclaration(node) || node.name?.text !== 'UfopInput') return;
    for (const member of node.members) {
      const modifiers = ts.canHaveModifiers(member) ? (ts.getModifiers(member) ?? []) : [];
      const hidden = modifiers.some((m) =>
        [ts.SyntaxKind.PrivateKeyword, ts.SyntaxKind.ProtectedKeyword, ts.SyntaxKind.StaticKeyword].includes(m.kind),
      );
      if (!hidden && member.name && ts.isIdentifier(member.name)) members.push(member.name.text);
    }
  });
  return [...new Set(members)];
}

describe('the READMEs list every public member of UfopInput', () => {
  it('finds the members (so an empty list cannot pass by accident)', () => {
    expect(ufopInputMembers()).toEqual(expect.arrayContaining(['body', 'size', 'stream', 'path', 'signal']));
  });

  it.each(READMES)('%s has each in its UfopInput table', (readme) => {
    const text = readFileSync(join(ROOT, readme), 'utf8');
    // The table rows name members as code in the first cell: `body`, `await bytes()`, `size`, `onDisk`.
    const rows = text
      .split('\n')
      .filter((line) => /^\s*\| `/.test(line))
      .map((line) => line.split('|')[1]);
    const listed = new Set(rows.flatMap((cell) => [...cell.matchAll(/`(?:await )?(\w+)/g)].map((match) => match[1])));
    expect(ufopInputMembers().filter((member) => !listed.has(member))).toEqual([]);
  });
});
