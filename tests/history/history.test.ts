import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { Workspace } from '../../src/workspace/workspace.ts';
import { listHistory, recordChange, verifyHistory } from '../../src/history/history.ts';
import { cip } from '../helpers/cli.ts';
import { tmpDir } from '../helpers/tmp.ts';

async function seeded(): Promise<Workspace> {
  const ws = await Workspace.open(join(tmpDir(), 'h'), { create: true });
  await recordChange(ws, {
    actor: 'ana',
    action: 'gri.weights.set',
    entityType: 'gri_config',
    entityId: '1',
    after: { w: 0.5 },
  });
  await recordChange(ws, {
    actor: 'bo',
    action: 'register.add',
    entityType: 'vulnerability',
    entityId: '1.1.1',
    after: { effect: 10 },
  });
  await recordChange(ws, {
    actor: 'ana',
    action: 'register.update',
    entityType: 'vulnerability',
    entityId: '1.1.1',
    before: { effect: 10 },
    after: { effect: 9 },
  });
  return ws;
}

describe('history', () => {
  it('chains entries and verifies an untouched history', async () => {
    const ws = await seeded();
    const v = await verifyHistory(ws);
    expect(v).toEqual({ ok: true, entries: 3, problems: [] });
    const rows = await listHistory(ws, { entityType: 'vulnerability' });
    expect(rows.map((r) => r.seq)).toEqual([3, 2]);
    expect(JSON.parse(rows[0].before_json!)).toEqual({ effect: 10 });
    ws.close();
  });

  it('detects an edited entry', async () => {
    const ws = await seeded();
    await ws.run(`UPDATE history SET after_json = '{"effect":1}' WHERE seq = 2`);
    const v = await verifyHistory(ws);
    expect(v.ok).toBe(false);
    expect(v.problems).toEqual([{ seq: 2, problem: 'content does not match its hash (edited)' }]);
    ws.close();
  });

  it('detects a deleted entry, also through the CLI with a non-zero exit code', async () => {
    const ws = await seeded();
    await ws.run('DELETE FROM history WHERE seq = 2');
    const v = await verifyHistory(ws);
    expect(v.problems.map((p) => p.seq)).toEqual([3, 3]);
    expect(v.problems[0].problem).toBe('entries 2..2 are missing');
    const dir = ws.dir;
    ws.close();
    const r = cip(['history', 'verify', '--workspace', dir]);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('History TAMPERED');
  });
});
