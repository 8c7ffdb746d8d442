// cip history list|verify: the append-only change history.
import type { Command } from 'commander';
import { withWorkspace } from '../../workspace/workspace.ts';
import { listHistory, verifyHistory } from '../../history/history.ts';
import { formatTable, printJson, withCommonOptions } from '../output.ts';
import { setExitCode } from '../transport/context.ts';

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
    history.command('verify').description('check the hash chain: detects edited or deleted entries'),
  ).action(async (opts: { workspace?: string; json?: boolean }) => {
    await withWorkspace(opts.workspace, async (ws) => {
      const r = await verifyHistory(ws);
      if (opts.json) printJson(r);
      else if (r.ok) console.log(`History intact: ${r.entries} entries, chain verified.`);
      else {
        console.log(`History TAMPERED: ${r.problems.length} problem(s) in ${r.entries} entries`);
        for (const p of r.problems) console.log(`  entry ${p.seq}: ${p.problem}`);
      }
      if (!r.ok) setExitCode(2);
    });
  });
}
