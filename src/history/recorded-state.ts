// Accounts are changed only with a history entry (users.add, users.update, …) holding their state after the
// change. A state that differs from its last entry was changed behind the history's back (a direct UPDATE of the
// database file): verifyHistory reports it.

export interface StateProblem {
  seq: number;
  problem: string;
}

interface Querier {
  all<T>(sql: string, params?: Record<string, unknown>): Promise<T[]>;
}

export async function userStateProblems(ws: Querier): Promise<StateProblem[]> {
  const rows = await ws.all<{
    username: string;
    roles: string;
    unit_id: string;
    disabled: boolean;
    seq: number | null;
    after_json: string | null;
  }>(
    `SELECT u.username, u.roles, u.unit_id, u.disabled, h.seq, h.after_json
     FROM server_users u
     LEFT JOIN (SELECT entity_id, arg_max(seq, seq) AS seq, arg_max(after_json, seq) AS after_json
                FROM history WHERE entity_type = 'user' GROUP BY entity_id) h ON h.entity_id = u.username
     ORDER BY u.username`,
  );
  const problems: StateProblem[] = [];
  for (const r of rows) {
    if (r.seq === null || !r.after_json) {
      problems.push({ seq: 0, problem: `user '${r.username}' has no history entry (added outside the application)` });
      continue;
    }
    const a = JSON.parse(r.after_json) as { roles?: string[]; unit_id?: string; disabled?: boolean };
    const differs: string[] = [];
    if ((a.roles ?? []).join(',') !== r.roles) differs.push(`roles ${r.roles} (recorded ${(a.roles ?? []).join(',')})`);
    if (a.unit_id !== r.unit_id) differs.push(`unit ${r.unit_id} (recorded ${a.unit_id})`);
    if (a.disabled !== r.disabled) differs.push(`disabled ${r.disabled} (recorded ${a.disabled})`);
    if (differs.length)
      problems.push({
        seq: r.seq,
        problem: `user '${r.username}' changed without a history entry: ${differs.join(', ')}`,
      });
  }
  return problems;
}
