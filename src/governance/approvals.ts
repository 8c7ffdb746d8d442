// Approval gating: a change to the treatment matrix, the GRI configuration or the register can be proposed
// instead of made. The proposal keeps its payload; nothing changes until a meeting decision approves it, and
// then the owning module's own API applies it (same transaction as the decision, same history chain).
import { z } from 'zod';
import type { Workspace } from '../workspace/workspace.ts';
import { recordChange } from '../history/history.ts';
import { INTERVENTIONS, parseRisk, parseSize, resolveMatrix, setCell } from '../plan/treatments/matrix.ts';
import { getConfig, mergeConfig, parseConfig, setConfig } from '../segmentation/config.ts';
import { registerScales } from '../plan/config.ts';
import { assertNotRetired, normalise, retireVulnerability, saveVulnerability } from '../plan/register/store.ts';
import type { VulnerabilityInput } from '../plan/register/parse.ts';
import { GovernanceInputError } from './errors.ts';

export const PROPOSAL_KINDS = ['treatment', 'gri_config', 'register'] as const;
export type ProposalKind = (typeof PROPOSAL_KINDS)[number];

const treatmentPayload = z
  .object({
    matrix: z.string().default('general'),
    size: z.string(),
    risk: z.string(),
    patch: z
      .object({
        package: z.string().optional(),
        intervention: z.enum(INTERVENTIONS).optional(),
        what: z.array(z.string()).optional(),
        addWhat: z.array(z.string()).optional(),
        removeWhat: z.array(z.string()).optional(),
        how: z.string().nullable().optional(),
        when: z.string().nullable().optional(),
        responsibleUnit: z.string().nullable().optional(),
        monitoringUnit: z.string().nullable().optional(),
      })
      .strict(),
  })
  .strict();
const griPayload = z
  .object({
    risk: z.string().default('general'),
    patch: z.record(z.string(), z.unknown()),
    comment: z.string().nullable().optional(),
  })
  .strict();
const registerPayload = z.union([
  z.object({ vulnerability: z.record(z.string(), z.unknown()) }).strict(),
  z.object({ retire: z.object({ id: z.string().min(1), reason: z.string() }).strict() }).strict(),
]);

export interface Proposal {
  id: string;
  kind: ProposalKind;
  target: string;
  summary: string;
  payload: Record<string, unknown>;
  proposedBy: string;
  proposedAt: string;
  status: 'pending' | 'approved' | 'rejected';
  decisionId: string | null;
  meetingRef: string | null;
  decidedBy: string | null;
  decidedAt: string | null;
  result: unknown;
}

function parsePayload(kind: ProposalKind, payload: unknown) {
  const schema = kind === 'treatment' ? treatmentPayload : kind === 'gri_config' ? griPayload : registerPayload;
  const r = schema.safeParse(payload);
  if (!r.success) {
    throw new GovernanceInputError(
      `${kind} proposal: ` + r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; '),
    );
  }
  return r.data as Record<string, unknown>;
}

/** Validates the payload against the owning module now, so an approved proposal does not fail later. */
async function targetOf(ws: Workspace, kind: ProposalKind, p: Record<string, unknown>): Promise<string> {
  try {
    if (kind === 'treatment') {
      const t = p as z.infer<typeof treatmentPayload>;
      return `${await resolveMatrix(ws, t.matrix)}:${parseSize(t.size)}/${parseRisk(t.risk)}`;
    }
    if (kind === 'gri_config') {
      const g = p as z.infer<typeof griPayload>;
      const cur = await getConfig(ws, g.risk);
      parseConfig(mergeConfig(cur.config, g.patch));
      return `gri:${g.risk}`;
    }
    if ('retire' in p) {
      const r = p.retire as { id: string; reason: string };
      if (!r.reason.trim()) throw new GovernanceInputError('give a reason for retiring a vulnerability');
      return `register:${(await assertNotRetired(ws, r.id)).id}`;
    }
    const v = normalise(
      await registerScales(ws),
      (p as { vulnerability: VulnerabilityInput }).vulnerability,
      'proposed vulnerability',
    );
    return `register:${v.id ?? 'new'}`;
  } catch (e) {
    if (e instanceof GovernanceInputError) throw e;
    throw new GovernanceInputError(`${kind} proposal: ${(e as Error).message}`);
  }
}

export async function propose(
  ws: Workspace,
  actor: string,
  kind: string,
  payload: unknown,
  summary: string,
): Promise<Proposal> {
  if (!(PROPOSAL_KINDS as readonly string[]).includes(kind))
    throw new GovernanceInputError(`proposal kind '${kind}': expected ${PROPOSAL_KINDS.join(', ')}`);
  if (!summary.trim())
    throw new GovernanceInputError('a proposal needs a summary (what the committee is asked to approve)');
  const k = kind as ProposalKind;
  const p = parsePayload(k, payload);
  const target = await targetOf(ws, k, p);
  return ws.transaction(async () => {
    const n =
      Number(
        await ws.scalar(`SELECT coalesce(max(TRY_CAST(substr(proposal_id, 3) AS INTEGER)), 0) FROM gov_proposals`),
      ) + 1;
    const id = `P-${String(n).padStart(3, '0')}`;
    await ws.run('INSERT INTO gov_proposals VALUES ($id, $k, $t, $s, $p, $actor, now())', {
      id,
      k,
      t: target,
      s: summary.trim(),
      p: JSON.stringify(p),
      actor,
    });
    await recordChange(ws, {
      actor,
      action: 'approval.propose',
      entityType: 'proposal',
      entityId: id,
      after: { kind: k, target, summary, payload: p },
    });
    return getProposal(ws, id);
  });
}

export async function listProposals(ws: Workspace, f: { status?: Proposal['status'] } = {}): Promise<Proposal[]> {
  const rows = await ws.all<{
    proposal_id: string;
    kind: ProposalKind;
    target: string;
    summary: string;
    payload_json: string;
    proposed_by: string;
    proposed_at: string;
    decision_id: string | null;
    outcome: string | null;
    result_json: string | null;
    decided_by: string | null;
    decided_at: string | null;
    ref: string | null;
  }>(
    `SELECT p.*, strftime(p.proposed_at, '%Y-%m-%dT%H:%M:%SZ') AS proposed_at, o.decision_id, o.outcome, o.result_json, o.decided_by,
            strftime(o.decided_at, '%Y-%m-%dT%H:%M:%SZ') AS decided_at, d.ref
       FROM gov_proposals p LEFT JOIN gov_proposal_outcomes o USING (proposal_id) LEFT JOIN gov_decisions d ON d.decision_id = o.decision_id
      ORDER BY p.proposal_id`,
  );
  return rows
    .map((r) => ({
      id: r.proposal_id,
      kind: r.kind,
      target: r.target,
      summary: r.summary,
      payload: JSON.parse(r.payload_json),
      proposedBy: r.proposed_by,
      proposedAt: r.proposed_at,
      status: (r.outcome ?? 'pending') as Proposal['status'],
      decisionId: r.decision_id,
      meetingRef: r.ref,
      decidedBy: r.decided_by,
      decidedAt: r.decided_at,
      result: r.result_json ? JSON.parse(r.result_json) : null,
    }))
    .filter((p) => !f.status || p.status === f.status);
}

export async function getProposal(ws: Workspace, id: string): Promise<Proposal> {
  const p = (await listProposals(ws)).find((x) => x.id === id);
  if (!p) throw new GovernanceInputError(`no proposal '${id}' (see 'cip approvals list')`, 'not_found');
  return p;
}

/**
 * Called by recordDecision, inside its transaction, when a decision on a proposal is 'approved' or 'rejected'.
 * Approval applies the payload through the owning module (its own history entry, actor = who recorded it).
 */
export async function settleProposal(
  ws: Workspace,
  actor: string,
  id: string,
  decisionId: string,
  outcome: 'approved' | 'rejected',
): Promise<Proposal> {
  const p = await getProposal(ws, id);
  if (p.status !== 'pending')
    throw new GovernanceInputError(`proposal ${id} was already ${p.status} by decision ${p.decisionId}`);
  let result: unknown = null;
  if (outcome === 'approved') {
    if (p.kind === 'treatment') {
      const t = p.payload as z.infer<typeof treatmentPayload>;
      const r = await setCell(
        ws,
        actor,
        await resolveMatrix(ws, t.matrix),
        parseSize(t.size),
        parseRisk(t.risk),
        t.patch,
      );
      result = { cell: `${r.cell.matrix}:${r.cell.size}/${r.cell.risk}`, version: r.cell.version, changed: r.changed };
    } else if (p.kind === 'gri_config') {
      const g = p.payload as z.infer<typeof griPayload>;
      const cur = await getConfig(ws, g.risk);
      const r = await setConfig(ws, mergeConfig(cur.config, g.patch), actor, g.comment ?? `approved by ${decisionId}`);
      result = { configId: r.configId };
    } else if ('retire' in p.payload) {
      const r = p.payload.retire as { id: string; reason: string };
      const v = await retireVulnerability(ws, actor, r.id, r.reason);
      result = { vulnerability: v.id, version: v.version, retired: true };
    } else {
      const r = await saveVulnerability(
        ws,
        actor,
        (p.payload as { vulnerability: VulnerabilityInput }).vulnerability,
        `proposal ${id}`,
      );
      result = { vulnerability: r.vulnerability.id, version: r.vulnerability.version, changed: r.changed };
    }
  }
  await ws.run('INSERT INTO gov_proposal_outcomes VALUES ($id, $d, $o, $r, $actor, now())', {
    id,
    d: decisionId,
    o: outcome,
    r: JSON.stringify(result),
    actor,
  });
  await recordChange(ws, {
    actor,
    action: `approval.${outcome === 'approved' ? 'approve' : 'reject'}`,
    entityType: 'proposal',
    entityId: id,
    after: { decision: decisionId, outcome, result },
  });
  return getProposal(ws, id);
}

// Settings: which kinds of change need approval, and the e-mail reminder hook (off by default). Each key has its
// schema; a key not listed is refused, whatever an object's prototype holds.
const yesNo = z.boolean();
/** The outbox, a folder inside the workspace (an absolute outbox is the server's own configuration: CIP_EMAIL_OUTBOX). */
export const outboxSetting = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9_-][A-Za-z0-9._-]*(\/[A-Za-z0-9_-][A-Za-z0-9._-]*)*$/, {
    message:
      "a folder inside the workspace, e.g. 'outbox' (letters, digits, '.', '_', '-', '/'; no '..', not absolute)",
  })
  .refine((v) => !v.split('/').some((p) => p === '..' || p === '.'), { message: "'..' is not allowed" });
export const SETTING_SCHEMAS = {
  'approval.treatment': yesNo,
  'approval.gri_config': yesNo,
  'approval.register': yesNo,
  'email.enabled': yesNo,
  'email.outbox': outboxSetting,
  'reminders.days_before': z.number().int().min(0).max(365),
} as const;
export type SettingKey = keyof typeof SETTING_SCHEMAS;
export const SETTING_KEYS = Object.keys(SETTING_SCHEMAS) as [SettingKey, ...SettingKey[]];

/** Every setting with its value's type, as its schema gives it. */
export type GovernanceSettings = { -readonly [K in SettingKey]: z.infer<(typeof SETTING_SCHEMAS)[K]> };

export const SETTING_DEFAULTS: GovernanceSettings = {
  'approval.treatment': false,
  'approval.gri_config': false,
  'approval.register': false,
  'email.enabled': false,
  'email.outbox': 'outbox',
  'reminders.days_before': 7,
};

export function isSettingKey(key: string): key is SettingKey {
  return Object.hasOwn(SETTING_SCHEMAS, key);
}

export async function getSettings(ws: Workspace): Promise<GovernanceSettings> {
  const rows = await ws.all<{ key: string; value_json: string }>(
    `SELECT key, value_json FROM (SELECT *, row_number() OVER (PARTITION BY key ORDER BY version DESC) rn FROM gov_settings) WHERE rn = 1`,
  );
  const out: Record<string, unknown> = { ...SETTING_DEFAULTS };
  // Only known keys with a value their schema accepts (an older version stored anything).
  for (const r of rows) {
    if (!isSettingKey(r.key)) continue;
    const v = SETTING_SCHEMAS[r.key].safeParse(JSON.parse(r.value_json));
    if (v.success) out[r.key] = v.data;
  }
  return out as GovernanceSettings;
}

/** Whether a change of this kind must go through a proposal (for the plan and GRI editors to ask). */
export async function approvalRequired(ws: Workspace, kind: ProposalKind): Promise<boolean> {
  return (await getSettings(ws))[`approval.${kind}`] === true;
}

/** The value of a setting from the CLI's text ('true', '7') or the API's JSON, checked by the key's schema. */
export function parseSettingValue(key: string, raw: string | boolean | number): unknown {
  if (!isSettingKey(key))
    throw new GovernanceInputError(`setting '${key}': expected one of ${SETTING_KEYS.join(', ')}`);
  const schema = SETTING_SCHEMAS[key];
  let value: unknown = raw;
  if (typeof raw === 'string' && schema === yesNo && /^(true|false)$/.test(raw)) value = raw === 'true';
  else if (typeof raw === 'string' && key === 'reminders.days_before' && /^-?\d+$/.test(raw)) value = Number(raw);
  const r = schema.safeParse(value);
  if (!r.success) {
    const expected =
      schema === yesNo
        ? 'expected true or false'
        : key === 'reminders.days_before'
          ? 'expected a whole number of days from 0 to 365'
          : r.error.issues[0].message;
    throw new GovernanceInputError(`setting '${key}' = '${String(raw)}': ${expected}`);
  }
  return r.data;
}

export async function setSetting(
  ws: Workspace,
  actor: string,
  key: string,
  raw: string | boolean | number,
): Promise<GovernanceSettings> {
  const value = parseSettingValue(key, raw);
  return ws.transaction(async () => {
    const before = (await getSettings(ws))[key as keyof GovernanceSettings];
    const v =
      Number(await ws.scalar('SELECT coalesce(max(version), 0) FROM gov_settings WHERE key = $k', { k: key })) + 1;
    await ws.run('INSERT INTO gov_settings VALUES ($k, $v, $j, $actor, now())', {
      k: key,
      v,
      j: JSON.stringify(value),
      actor,
    });
    await recordChange(ws, {
      actor,
      action: 'governance.setting',
      entityType: 'governance_setting',
      entityId: key,
      before,
      after: value,
    });
    return getSettings(ws);
  });
}

const DIRECT_EDIT: Record<ProposalKind, string> = {
  treatment: 'the treatment matrix',
  gri_config: 'the GRI configuration',
  register: 'the vulnerability register',
};

/**
 * The one-line hook for the plan and GRI editors (CLI and API): refuses a direct change while the committee
 * requires approval for that kind, and says how to propose it instead. A no-op when approval is not required.
 */
export async function assertDirectChangeAllowed(ws: Workspace, kind: ProposalKind): Promise<void> {
  if (await approvalRequired(ws, kind)) {
    throw new GovernanceInputError(
      `changes to ${DIRECT_EDIT[kind]} need the committee's approval (setting approval.${kind}): propose it with 'cip approvals propose ${kind}' ` +
        'and it takes effect when a meeting decision approves it',
      'conflict',
    );
  }
}
