// Every change to the plan (weights, thresholds, register, treatments, measures, users, roles, decisions)
// is recorded here: who, when, what before and after. Entries are never updated or deleted; each carries
// the hash of the previous one, so an edited or deleted entry breaks the chain and verifyHistory finds it.
import { createHash } from 'node:crypto';
import { userInfo } from 'node:os';
import type { Workspace } from '../workspace/workspace.ts';
import { userStateProblems } from './recorded-state.ts';
import { remoteClient } from '../cli/transport/context.ts';

export interface ChangeInput {
  actor: string;
  action: string;
  entityType: string;
  entityId?: string | null;
  orgUnit?: string | null;
  before?: unknown;
  after?: unknown;
}

export interface HistoryEntry {
  seq: number;
  changed_at: string;
  actor: string;
  action: string;
  entity_type: string;
  entity_id: string | null;
  org_unit: string | null;
  before_json: string | null;
  after_json: string | null;
  prev_hash: string;
  hash: string;
}

/** The user a CLI command acts as: --user, else $CIP_USER, else the OS account (the client's, through a server). */
export function cliActor(option?: string): string {
  return option ?? remoteClient()?.actor ?? process.env.CIP_USER ?? safeOsUser();
}

function safeOsUser(): string {
  try {
    return userInfo().username || 'unknown';
  } catch {
    return 'unknown';
  }
}

/** JSON with sorted keys, so the same state always hashes the same. */
export function canonicalJson(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  return JSON.stringify(sortKeys(value));
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object' && !(v instanceof Date)) {
    return Object.fromEntries(
      Object.keys(v as object)
        .sort()
        .map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]),
    );
  }
  return typeof v === 'bigint' ? Number(v) : v;
}

export function entryHash(e: Omit<HistoryEntry, 'hash'>): string {
  const fields = [
    e.prev_hash,
    String(e.seq),
    e.changed_at,
    e.actor,
    e.action,
    e.entity_type,
    e.entity_id ?? '',
    e.org_unit ?? '',
    e.before_json ?? '',
    e.after_json ?? '',
  ];
  return createHash('sha256').update(fields.join('\u001f')).digest('hex');
}

/**
 * Appends one entry. Call it inside the same ws.transaction() as the change it records, so the change and
 * its history entry commit together or not at all.
 */
export async function recordChange(ws: Workspace, c: ChangeInput): Promise<HistoryEntry> {
  return ws.transaction(async () => {
    // A lookup by the maximum, not a top-1 sort: a quarter less time on every change.
    const last = await ws.one<{ seq: number; hash: string }>(
      'SELECT seq, hash FROM history WHERE seq = (SELECT max(seq) FROM history)',
    );
    const base = {
      seq: (last?.seq ?? 0) + 1,
      changed_at: new Date().toISOString(),
      actor: c.actor,
      action: c.action,
      entity_type: c.entityType,
      entity_id: c.entityId ?? null,
      org_unit: c.orgUnit ?? null,
      before_json: canonicalJson(c.before),
      after_json: canonicalJson(c.after),
      prev_hash: last?.hash ?? '',
    };
    const entry: HistoryEntry = { ...base, hash: entryHash(base) };
    await ws.run(
      `INSERT INTO history VALUES ($seq, $changed_at::TIMESTAMP, $actor, $action, $entity_type, $entity_id, $org_unit,
        $before_json, $after_json, $prev_hash, $hash)`,
      entry as unknown as Record<string, unknown>,
    );
    ws.historyTap?.(entry);
    return entry;
  });
}

export interface HistoryFilter {
  entityType?: string;
  entityId?: string;
  actor?: string;
  action?: string;
  since?: string;
  limit?: number;
}

export async function listHistory(ws: Workspace, f: HistoryFilter = {}): Promise<HistoryEntry[]> {
  const rows = await ws.all<HistoryEntry>(
    `SELECT seq, strftime(changed_at, '%Y-%m-%dT%H:%M:%S.%gZ') AS changed_at, actor, action, entity_type, entity_id, org_unit,
            before_json, after_json, prev_hash, hash
     FROM history
     WHERE ($et IS NULL OR entity_type = $et) AND ($eid IS NULL OR entity_id = $eid)
       AND ($actor IS NULL OR actor = $actor) AND ($action IS NULL OR action LIKE $action || '%')
       AND ($since IS NULL OR changed_at >= $since::TIMESTAMP)
     ORDER BY seq DESC LIMIT $limit`,
    {
      et: f.entityType ?? null,
      eid: f.entityId ?? null,
      actor: f.actor ?? null,
      action: f.action ?? null,
      since: f.since ?? null,
      limit: f.limit ?? 1000,
    },
  );
  return rows;
}

export interface VerifyResult {
  ok: boolean;
  entries: number;
  problems: { seq: number; problem: string }[];
}

/**
 * Recomputes the chain; reports edited entries (hash mismatch), deleted ones (gaps, broken links) and accounts whose
 * state differs from their last entry. Deletion at the tail needs an anchor (anchor.ts).
 */
export async function verifyHistory(ws: Workspace): Promise<VerifyResult> {
  const rows = await ws.all<HistoryEntry>(
    `SELECT seq, strftime(changed_at, '%Y-%m-%dT%H:%M:%S.%gZ') AS changed_at, actor, action, entity_type, entity_id, org_unit,
            before_json, after_json, prev_hash, hash FROM history ORDER BY seq`,
  );
  const problems: VerifyResult['problems'] = [];
  let prevHash = '';
  let expectedSeq = 1;
  for (const r of rows) {
    if (r.seq !== expectedSeq)
      problems.push({ seq: r.seq, problem: `entries ${expectedSeq}..${r.seq - 1} are missing` });
    if (r.prev_hash !== prevHash) problems.push({ seq: r.seq, problem: 'does not link to the entry before it' });
    const { hash, ...rest } = r;
    if (entryHash(rest) !== hash) problems.push({ seq: r.seq, problem: 'content does not match its hash (edited)' });
    prevHash = r.hash;
    expectedSeq = r.seq + 1;
  }
  problems.push(...(await userStateProblems(ws)));
  return { ok: problems.length === 0, entries: rows.length, problems };
}
