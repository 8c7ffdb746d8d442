// The `cip` program. Each file in ./commands exports register(program) and owns its sub-commands, so bounded
// contexts add commands without touching this file. `cip COMMAND ...` loads only the file registering COMMAND
// (COMMAND_FILES); anything else (--help, help, an unknown command) loads them all. A server builds one program per
// CLI command it runs for a client (src/cli/transport/run-remote.ts): commander keeps option values on the program.
import { Command } from 'commander';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { COMMAND_FILES } from './command-files.ts';

const dir = join(dirname(fileURLToPath(import.meta.url)), 'commands');

/** `inServer`: errors that would end the process (commander's exit) are thrown instead. */
export async function buildProgram(first: string | undefined, { inServer = false } = {}): Promise<Command> {
  const program = new Command();
  program
    .name('cip')
    .description('CIP Workbench: risk-based compliance improvement plans for customs (IMF TNM 2025/02)')
    .version('0.1.0')
    .showHelpAfterError()
    .configureOutput({ outputError: (str, write) => write(str) });
  // Inherited by the sub-commands registered below.
  if (inServer) program.exitOverride();
  const only = first !== undefined && Object.hasOwn(COMMAND_FILES, first) ? COMMAND_FILES[first] : undefined;
  const files = only
    ? [only]
    : readdirSync(dir)
        .filter((f) => f.endsWith('.ts'))
        .sort();
  for (const file of files) {
    const mod = (await import(pathToFileURL(join(dir, file)).href)) as { register?: (p: Command) => void };
    mod.register?.(program);
  }
  return program;
}
