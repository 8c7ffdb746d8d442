// `cip COMMAND ...` loads only the file COMMAND_FILES names: the table must match what the files register,
// and a command's help must read the same whether its file is loaded alone or with all the others.
import { describe, expect, it } from 'vitest';
import { Command } from 'commander';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { COMMAND_FILES } from '../../src/cli/command-files.ts';
import { cip } from '../helpers/cli.ts';

const DIR = join(import.meta.dirname, '..', '..', 'src', 'cli', 'commands');

async function programWith(files: string[]): Promise<Command> {
  const program = new Command().name('cip');
  for (const file of files) {
    const mod = (await import(pathToFileURL(join(DIR, file)).href)) as { register?: (p: Command) => void };
    mod.register?.(program);
  }
  return program;
}

describe('cip start-up: the table of command files', () => {
  it('names, for every top-level command (and alias) a command file registers, that file and nothing else', async () => {
    const registered: Record<string, string> = {};
    for (const file of readdirSync(DIR)
      .filter((f) => f.endsWith('.ts'))
      .sort()) {
      for (const c of (await programWith([file])).commands) {
        for (const name of [c.name(), ...c.aliases()]) {
          expect(registered[name], `${name} registered by ${registered[name]} and ${file}`).toBeUndefined();
          registered[name] = file;
        }
      }
    }
    expect(COMMAND_FILES).toEqual(registered);
  });

  it("a command's help is the same with its file alone as with every file", async () => {
    const all = await programWith(
      readdirSync(DIR)
        .filter((f) => f.endsWith('.ts'))
        .sort(),
    );
    for (const [name, file] of Object.entries(COMMAND_FILES)) {
      const alone = (await programWith([file])).commands.find((c) => c.name() === name)!;
      expect(alone.helpInformation(), name).toBe(all.commands.find((c) => c.name() === name)!.helpInformation());
    }
  });

  it('cip --help still lists every command', () => {
    const r = cip(['--help']);
    expect(r.code).toBe(0);
    for (const name of Object.keys(COMMAND_FILES)) expect(r.stdout).toMatch(new RegExp(`^  ${name}\\b`, 'm'));
  });
});
