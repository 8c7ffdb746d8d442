// cip history list|verify|anchor|checkpoint: the append-only change history and what checks it from outside.
import type { Command } from 'commander';
import { withWorkspace } from '../../workspace/workspace.ts';
import { cliActor, listHistory, verifyHistory } from '../../history/history.ts';
import {
  checkAnchor,
  checkCheckpoints,
  formatAnchor,
  historyHead,
  parseAnchor,
  readHistoryKey,
  recordCheckpoint,
} from '../../history/anchor.ts';
import { formatTable, printJson, UserError, withCommonOptions } from '../output.ts';
import { clientEnv, clientPath, setExitCode } from '../transport/context.ts';

export function register(program: Command): void {
  const history = program.command('history').description('the append-only, hash-chained history of changes');

  withCommonOptions(history.command('list').description('latest changes first'))
    .option('--entity <type>', 'only this entity type')
    .option('--actor <user>', 'only changes by this user')
    .option('--limit <n>', 'at most N entries', '50')
    .action(async (opts: { workspace?: string; json?: boolean; entity?: string; actor?: string; limit: string }) => {
      await withWorkspace(opts.workspace, async (ws) => {
        const rows = await listHistory(ws, { entityType: opts.entity, actor: opts.actor, limit: Number(opts.limit) });
        if (opts.json) return printJson(rows);
        console.log(
          formatTable(
            ['seq', 'at', 'actor', 'action', 'entity', 'id'],
            rows.map((r) => [r.seq, r.changed_at, r.actor, r.action, r.entity_type, r.entity_id]),
          ),
        );
      });
    });

  withCommonOptions(
    history
      .command('verify')
      .description('check the hash chain: detects edited or deleted entries (deleted last ones with --anchor)'),
  )
    .option('--anchor <SEQ:HASH>', "an anchor kept outside the workspace (printed by 'cip history anchor' and exports)")
    .option('--key-file <file>', 'check the signed checkpoints with this key (default $CIP_HISTORY_KEY_FILE)')
    .action(async (opts: { workspace?: string; json?: boolean; anchor?: string; keyFile?: string }) => {
      const anchor = opts.anchor !== undefined ? parseAnchor(opts.anchor) : undefined;
      await withWorkspace(opts.workspace, async (ws) => {
        const r = await verifyHistory(ws);
        if (anchor) r.problems.push(...(await checkAnchor(ws, anchor)));
        const keyFile = opts.keyFile ?? clientEnv('CIP_HISTORY_KEY_FILE');
        if (keyFile) r.problems.push(...(await checkCheckpoints(ws, readHistoryKey(clientPath(keyFile), ws.dir))));
        r.ok = r.problems.length === 0;
        const head = formatAnchor(await historyHead(ws));
        if (opts.json) printJson({ ...r, head });
        else if (r.ok)
          console.log(
            `History intact: ${r.entries} entries, chain verified${anchor ? `, anchor ${anchor.seq} found` : ''}${keyFile ? ', checkpoints signed' : ''}. Head ${head}.`,
          );
        else {
          console.log(`History TAMPERED: ${r.problems.length} problem(s) in ${r.entries} entries`);
          for (const p of r.problems) console.log(`  entry ${p.seq}: ${p.problem}`);
        }
        if (!r.ok) setExitCode(2);
      });
    });

  withCommonOptions(
    history
      .command('anchor')
      .description('print the chain head as SEQ:HASH: keep it outside the workspace to check the history later'),
  ).action(async (opts: { workspace?: string; json?: boolean }) => {
    await withWorkspace(opts.workspace, async (ws) => {
      const h = await historyHead(ws);
      if (opts.json) printJson({ ...h, anchor: formatAnchor(h) });
      else console.log(formatAnchor(h));
    });
  });

  withCommonOptions(
    history
      .command('checkpoint')
      .description('append an entry signing the chain head with a key kept outside the workspace (HMAC-SHA-256)'),
  )
    .option('--key-file <file>', 'the key (default $CIP_HISTORY_KEY_FILE)')
    .option('--user <name>', 'who records it (default $CIP_USER or the OS account)')
    .action(async (opts: { workspace?: string; json?: boolean; keyFile?: string; user?: string }) => {
      const keyFile = opts.keyFile ?? clientEnv('CIP_HISTORY_KEY_FILE');
      if (!keyFile) throw new UserError('--key-file (or CIP_HISTORY_KEY_FILE) is required');
      await withWorkspace(opts.workspace, async (ws) => {
        const h = await recordCheckpoint(ws, readHistoryKey(clientPath(keyFile), ws.dir), cliActor(opts.user));
        if (opts.json) printJson({ ...h, anchor: formatAnchor(h) });
        else console.log(`Checkpoint recorded as entry ${h.seq}. Anchor: ${formatAnchor(h)}`);
      });
    });
}
