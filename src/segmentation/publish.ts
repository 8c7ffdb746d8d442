// A GRI configuration edited as a draft: previewed by re-scoring the stored flags (nothing saved), then published
// as one new version — or, while the committee requires approval of GRI configurations, as one proposal that
// takes effect when a meeting approves it. The web workbench and `cip gri config publish` both call publishConfig.
import { DomainError } from '../errors/index.ts';
import type { Workspace } from '../workspace/workspace.ts';
import { approvalRequired, propose } from '../governance/approvals.ts';
import { getConfig, parseConfig, setConfig, type GriConfig } from './config.ts';
import { configDiff, needsFullRun, sectionPatch, type ConfigChange } from './config-diff.ts';
import { hasOperatorTable } from './evidence.ts';
import { computeSegmentation, lastRun, rescore, type Run } from './pipeline.ts';
import { previewRescore } from './preview.ts';
import type { Scoring } from './scoring.ts';
import type { Table4Row } from './tables.ts';

/** The draft as a full configuration of `risk` (validated: a bad expression points at its token). */
export function parseDraft(risk: string, draft: unknown): GriConfig {
  if (!draft || typeof draft !== 'object' || Array.isArray(draft))
    throw new DomainError('the draft must be a GRI configuration (an object of settings)');
  return parseConfig({ ...(draft as Record<string, unknown>), risk });
}

export interface DraftPreview {
  /** the version in force the draft is compared with */
  baseVersion: number;
  changes: ConfigChange[];
  /** the draft changes indicators, thresholds, size bands, windows or lists: they apply on a full run */
  needsFullRun: boolean;
  approvalRequired: boolean;
  /** weights and levels of the draft over the last run's flags; null without a run or when they cannot be formed */
  scoring: Omit<Scoring, 'table3' | 'learned'> | null;
  table4: Table4Row[] | null;
  /** why there is no scoring (e.g. expert weights all zero), in the user's terms */
  problem: string | null;
}

export async function previewDraft(ws: Workspace, risk: string, draft: unknown): Promise<DraftPreview> {
  const cfg = parseDraft(risk, draft);
  const cur = await getConfig(ws, risk);
  const changes = configDiff(cur.config, cfg);
  const base = {
    baseVersion: cur.version,
    changes,
    needsFullRun: needsFullRun(changes),
    approvalRequired: await approvalRequired(ws, 'gri_config'),
  };
  if (!(await lastRun(ws, risk))) return { ...base, scoring: null, table4: null, problem: null };
  try {
    const p = await previewRescore(ws, risk, { weights: cfg.weights, levels: cfg.levels });
    const { table3: _t, learned: _l, ...scoring } = p.scoring;
    return { ...base, scoring, table4: p.table4, problem: null };
  } catch (e) {
    if (!(e instanceof DomainError)) throw e;
    return { ...base, scoring: null, table4: null, problem: e.message };
  }
}

export interface PublishInput {
  risk: string;
  /** the full draft configuration */
  config: unknown;
  /** the version the draft was made from: refused when another version was published since */
  baseVersion?: number;
  comment?: string | null;
  /** what the committee is asked to approve (when approval is required); default: the settings changed */
  summary?: string | null;
}

export type PublishResult =
  | {
      outcome: 'version';
      configId: string;
      version: number;
      changes: ConfigChange[];
      /** how the segmentation was brought up to date: re-scored, a full run, or not (no run yet) */
      recomputed: 'rescore' | 'full' | 'none';
    }
  | { outcome: 'proposal'; proposalId: string; changes: ConfigChange[] };

/** Publishes a draft: one version (then the segmentation is re-scored or re-run), or one approval proposal. */
export async function publishConfig(ws: Workspace, actor: string, input: PublishInput): Promise<PublishResult> {
  const cfg = parseDraft(input.risk, input.config);
  const cur = await getConfig(ws, input.risk);
  if (input.baseVersion !== undefined && input.baseVersion !== cur.version)
    throw new DomainError(
      `the GRI configuration '${input.risk}' changed since the draft was made from version ${input.baseVersion} ` +
        `(now ${cur.configId}, by ${cur.createdBy ?? 'nobody'}): reload it and make the changes again`,
      'conflict',
    );
  const changes = configDiff(cur.config, cfg);
  if (changes.length === 0)
    throw new DomainError(`nothing to publish: the draft is the same as ${cur.configId}`, 'invalid');
  if (await approvalRequired(ws, 'gri_config')) {
    const summary =
      input.summary?.trim() ||
      `GRI configuration '${input.risk}': ${changes.map((c) => c.path).join(', ')}`.slice(0, 500);
    const p = await propose(
      ws,
      actor,
      'gri_config',
      { risk: input.risk, patch: sectionPatch(cur.config, cfg), comment: input.comment ?? null },
      summary,
    );
    return { outcome: 'proposal', proposalId: p.id, changes };
  }
  return ws.transaction(async () => {
    const stored = await setConfig(ws, cfg, actor, input.comment ?? null);
    const recomputed = await bringUpToDate(ws, input.risk, changes, actor);
    return { outcome: 'version', configId: stored.configId, version: stored.version, changes, recomputed };
  });
}

/** After a new version: re-score from the stored flags when only weights or bars changed, else a full run. */
async function bringUpToDate(
  ws: Workspace,
  risk: string,
  changes: ConfigChange[],
  actor: string,
): Promise<'rescore' | 'full' | 'none'> {
  const run: Run | null = await lastRun(ws, risk);
  if (!run) return 'none';
  const cfg = (await getConfig(ws, risk)).config;
  const learnedMissing = cfg.weights.method === 'learned' && !run.learnedWeights;
  if (!needsFullRun(changes) && !learnedMissing && (await hasOperatorTable(ws, risk))) {
    await rescore(ws, risk, {}, actor);
    return 'rescore';
  }
  await computeSegmentation(ws, { risk });
  return 'full';
}
