// The `cip` command. When a server runs for the command's workspace, the command is sent through it (remote
// transport, src/cli/transport); otherwise it opens the workspace itself. Output, exit code and history are the same.
import { reportError } from './output.ts';
import { buildProgram } from './program.ts';
import { forwardIfServed, Forwarded } from './transport/client.ts';

const program = await buildProgram(process.argv[2]);
program.hook('preAction', forwardIfServed);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  process.exitCode = err instanceof Forwarded ? err.exitCode : reportError(err);
}
