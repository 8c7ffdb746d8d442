// Plan steps that were CLI-only (issue #12): adding measures and dependencies, defining progress indicators,
// applying a treatment to a segment, retiring a vulnerability. Each calls the domain function of the matching
// `cip` command, with the same validation and approval gating.
import { z } from 'zod';
import { assertDirectChangeAllowed } from '../../governance/approvals.ts';
import { addMeasure, changeDependencies } from '../../plan/measures/store.ts';
import { saveIndicator } from '../../plan/measures/indicators.ts';
import { retireVulnerability } from '../../plan/register/store.ts';
import { applyCell, resolveMatrix, RISKS, SIZES } from '../../plan/treatments/matrix.ts';
import { changeRoute, type RouteDef } from '../route-table.ts';
import { ApplyOut, IndicatorOut, MeasureOut, VulnerabilityOut } from './plan-schemas.ts';

const id = z.string().min(1).max(40);
const ids = z.array(id).max(50);

export const planStepRoutes: RouteDef[] = [
  changeRoute({
    method: 'POST',
    url: '/api/plan/measures',
    summary:
      'Add a measure to a vulnerability (Annex 2 step 3): responsible and supporting units, expected completion (date, month or comment), dependencies',
    tag: 'plan',
    access: 'plan.write',
    audit: { action: 'measures.add', entityType: 'measure' },
    body: z.object({
      vulnId: id,
      description: z.string().max(2000),
      responsibleUnit: z.string().max(200),
      supportingUnits: z.array(z.string().max(200)).max(20).optional(),
      expected: z.string().max(300).nullable().optional(),
      expectedComment: z.string().max(500).nullable().optional(),
      dependsOn: ids.optional(),
      id: id.optional(),
    }),
    response: MeasureOut,
    change: async ({ body, user }, ws) => {
      const m = await addMeasure(ws, user.username, body);
      return { result: m, change: { entityId: m.id, after: m } };
    },
  }),
  changeRoute({
    method: 'POST',
    url: '/api/plan/measures/:id/dependencies',
    summary: 'The measure depends on others (cannot be completed before them), or no longer; cycles are refused',
    tag: 'plan',
    access: 'plan.write',
    audit: { action: 'measures.depend', entityType: 'measure' },
    params: z.object({ id }),
    body: z.object({ on: ids.min(1), remove: z.boolean().default(false) }),
    response: MeasureOut,
    change: async ({ params, body, user }, ws) => {
      const m = await changeDependencies(ws, user.username, params.id, body.on, body.remove);
      return { result: m, change: { entityId: m.id, after: m } };
    },
  }),
  changeRoute({
    method: 'POST',
    url: '/api/plan/indicators',
    summary:
      'Define a progress indicator for a vulnerability, optionally one of its measures: numerator, denominator, goal in percent',
    tag: 'plan',
    access: 'plan.write',
    audit: { action: 'indicators.add', entityType: 'indicator' },
    body: z.object({
      vulnId: id,
      measureId: id.nullable().optional(),
      name: z.string().max(500),
      numeratorLabel: z.string().max(500),
      denominatorLabel: z.string().max(500),
      goal: z.number().nullable().optional(),
      id: id.optional(),
    }),
    response: IndicatorOut,
    change: async ({ body, user }, ws) => {
      const { id: iid, ...f } = body;
      const r = await saveIndicator(
        ws,
        user.username,
        { ...f, measureId: f.measureId ?? null, goal: f.goal ?? null },
        iid,
      );
      return { result: r.indicator, change: { unchanged: !r.changed, entityId: r.indicator.id } };
    },
  }),
  changeRoute({
    method: 'POST',
    url: '/api/plan/treatments/:size/:risk/apply',
    summary:
      "Record the cell's package as applied, from a start date, to every operator of the segment in the latest segmentation (dryRun: count only)",
    tag: 'plan',
    access: 'plan.write',
    audit: { action: 'treatments.apply', entityType: 'treatment_cell' },
    params: z.object({ size: z.enum(SIZES), risk: z.enum(RISKS) }),
    body: z.object({
      matrix: z.string().max(60).default('general'),
      start: z.string().max(10),
      name: z.string().max(200).optional(),
      dryRun: z.boolean().default(false),
    }),
    response: ApplyOut,
    change: async ({ params, body, user }, ws) => {
      const matrix = await resolveMatrix(ws, body.matrix);
      const r = await applyCell(ws, user.username, matrix, params.size, params.risk, body.start, {
        name: body.name,
        dryRun: body.dryRun,
      });
      return {
        result: { ...r, dryRun: body.dryRun },
        // a dry run, or a segment already treated, records nothing
        change: { unchanged: body.dryRun || r.recorded === 0, entityId: `${matrix}:${r.segment}` },
      };
    },
  }),
  changeRoute({
    method: 'POST',
    url: '/api/plan/register/:id/retire',
    summary:
      'Retire a vulnerability (kept in the history and older versions; no longer listed or exported); refused while register changes need approval',
    tag: 'plan',
    access: 'plan.write',
    audit: { action: 'register.retire', entityType: 'vulnerability' },
    params: z.object({ id }),
    body: z.object({ reason: z.string().max(1000) }),
    response: VulnerabilityOut,
    change: async ({ params, body, user }, ws) => {
      await assertDirectChangeAllowed(ws, 'register');
      const v = await retireVulnerability(ws, user.username, params.id, body.reason);
      return { result: v, change: { entityId: v.id } };
    },
  }),
];
