// Anchors and checkpoints: what lets a history be checked against something kept outside the workspace file.
// The chain alone shows an edited entry; it cannot show that the last entries were deleted, nor a whole chain
// recomputed with the public scheme. An anchor (SEQ:HASH of the chain head, printed on every export and by
// `cip history anchor`) kept elsewhere shows both; a checkpoint is an entry carrying an HMAC of the head made
// with a key kept outside the workspace, which nobody without the key can recompute.
import { createHmac } from 'node:crypto';
import { readFileSync, realpathSync } from 'node:fs';
import { relative, resolve, isAbsolute } from 'node:path';
import { DomainError } from '../errors/index.ts';
import type { Workspace } from '../workspace/workspace.ts';
import { recordChange } from './history.ts';

export interface ChainHead {
  seq: number;
  hash: string;
}

export class AnchorError extends DomainError {}

export async function historyHead(ws: Workspace): Promise<ChainHead> {
  const r = await ws.one<ChainHead>('SELECT seq, hash FROM history ORDER BY seq DESC LIMIT 1');
  return r ?? { seq: 0, hash: '' };
}

export const formatAnchor = (h: ChainHead) => `${h.seq}:${h.hash}`;

/** 'SEQ:HASH' as printed by formatAnchor. */
export function parseAnchor(s: string): ChainHead {
  const m = /^(\d{1,12}):([0-9a-f]{64})$/.exec(s.trim());
  if (!m) throw new AnchorError(`anchor '${s}': expected SEQ:HASH as printed by 'cip history anchor'`);
  return { seq: Number(m[1]), hash: m[2] };
}

export interface AnchorProblem {
  seq: number;
  problem: string;
}

/** The entry the anchor names must still be there with the same hash. */
export async function checkAnchor(ws: Workspace, anchor: ChainHead): Promise<AnchorProblem[]> {
  const head = await historyHead(ws);
  const row = await ws.one<{ hash: string }>('SELECT hash FROM history WHERE seq = $s', { s: anchor.seq });
  if (!row) {
    return [
      {
        seq: anchor.seq,
        problem:
          head.seq < anchor.seq
            ? `the history ends at entry ${head.seq} but the anchor names entry ${anchor.seq}: entries ${head.seq + 1}..${anchor.seq} were deleted`
            : `entry ${anchor.seq} named by the anchor is missing`,
      },
    ];
  }
  if (row.hash !== anchor.hash)
    return [{ seq: anchor.seq, problem: 'does not match the anchor: the chain up to this entry was rewritten' }];
  return [];
}

/** The checkpoint key: a file outside the workspace directory (the key must not travel with the file it protects). */
export function readHistoryKey(file: string, workspaceDir: string): Buffer {
  const real = realpathSync(resolve(file));
  const rel = relative(realpathSync(workspaceDir), real);
  if (!rel.startsWith('..') && !isAbsolute(rel))
    throw new AnchorError(`${file}: the history key must be kept outside the workspace directory`);
  const key = readFileSync(real);
  if (key.length < 16) throw new AnchorError(`${file}: a history key needs at least 16 bytes`);
  return key;
}

const hmacOf = (key: Buffer, h: ChainHead) => createHmac('sha256', key).update(formatAnchor(h)).digest('hex');

/** Appends a checkpoint entry: the head before it, signed with the key. */
export async function recordCheckpoint(ws: Workspace, key: Buffer, actor: string): Promise<ChainHead> {
  const head = await historyHead(ws);
  const e = await recordChange(ws, {
    actor,
    action: 'history.checkpoint',
    entityType: 'history',
    entityId: String(head.seq),
    after: { seq: head.seq, hash: head.hash, hmac: hmacOf(key, head) },
  });
  return { seq: e.seq, hash: e.hash };
}

/** Every checkpoint's HMAC must verify with the key, and the entry it signs must still have that hash. */
export async function checkCheckpoints(ws: Workspace, key: Buffer): Promise<AnchorProblem[]> {
  const rows = await ws.all<{ seq: number; after_json: string }>(
    "SELECT seq, after_json FROM history WHERE action = 'history.checkpoint' ORDER BY seq",
  );
  const problems: AnchorProblem[] = [];
  for (const r of rows) {
    const c = JSON.parse(r.after_json) as { seq: number; hash: string; hmac: string };
    if (hmacOf(key, c) !== c.hmac) {
      problems.push({
        seq: r.seq,
        problem: 'checkpoint signature does not verify with this key (forged or another key)',
      });
      continue;
    }
    problems.push(...(await checkAnchor(ws, c)).map((p) => ({ ...p, problem: `checkpoint ${r.seq}: ${p.problem}` })));
  }
  if (rows.length === 0) problems.push({ seq: 0, problem: 'no checkpoint entry: nothing is signed with this key' });
  return problems;
}
