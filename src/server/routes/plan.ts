// The plan (issue #5 domain: src/plan): treatment matrix, vulnerability register, measures, progress indicators.
// The domain functions write their own history entries with the signed-in user as actor; the route
// declaration names the entity type the framework checks for.
import { z } from 'zod';
import { registerScales } from '../../plan/config.ts';
import {
  getMatrix,
  resolveMatrix,
  setCell,
  SIZES,
  RISKS,
  INTERVENTIONS,
  TreatmentInputError,
} from '../../plan/treatments/matrix.ts';
import { getVulnerability, listVulnerabilities, saveVulnerability } from '../../plan/register/store.ts';
import {
  completeMeasure,
  getMeasure,
  listMeasuresWithSchedule,
  MeasureInputError,
  reopenMeasure,
  saveMeasure,
} from '../../plan/measures/store.ts';
import { listIndicators, recordIndicatorValue } from '../../plan/measures/indicators.ts';
import { riskCip, RiskCipError } from '../../plan/risk/annex3.ts';
import { changeRoute, readRoute, type RouteDef } from '../route-table.ts';
import { assertDirectChangeAllowed } from '../../governance/approvals.ts';
import { LANGUAGES } from '../users.ts';
import {
  IndicatorOut,
  MeasureOut,
  RiskCipOut,
  ScalesOut,
  ScheduledMeasureOut,
  TreatmentCellOut,
  TreatmentMatrixOut,
  VulnerabilityOut,
} from './plan-schemas.ts';

const today = () => new Date().toISOString().slice(0, 10);

export const planRoutes: RouteDef[] = [
  readRoute({
    method: 'GET',
    url: '/api/plan/annex3',
    cache: true,
    summary:
      'Risk-specific CIP (Annex 3): sensitive HS codes (given or proposed from finding rates), their indicators with variation, importers by size × risk, treatments, vulnerabilities',
    tag: 'plan',
    access: 'plan.read',
    query: z.object({
      risk: z.string().min(1).max(60),
      hs: z.string().max(200).optional(),
      months: z.coerce.number().int().min(1).max(60).optional(),
    }),
    response: RiskCipOut,
    read: async ({ db, query }) =>
      db.read(
        async (ws) =>
          await riskCip(ws, query.risk, {
            hs: query.hs
              ? query.hs
                  .split(',')
                  .map((x) => x.trim())
                  .filter(Boolean)
              : undefined,
            months: query.months,
          }),
      ),
  }),
  readRoute({
    method: 'GET',
    url: '/api/plan/scales',
    summary:
      'Register scales: effect levels, objectives, institutional and compliance risks, bands (with labels in four languages)',
    tag: 'plan',
    access: 'plan.read',
    response: ScalesOut,
    read: async ({ db }) => db.read(async (ws) => await registerScales(ws)),
  }),
  readRoute({
    method: 'GET',
    url: '/api/plan/treatments',
    summary: 'Treatment matrix (Table 6): 3 × 3 packages by size and risk; matrix=general or risk:<code> (Annex 3)',
    tag: 'plan',
    access: 'plan.read',
    query: z.object({ matrix: z.string().max(60).default('general'), lang: z.enum(LANGUAGES).optional() }),
    response: TreatmentMatrixOut,
    read: async ({ db, query, user }) =>
      db.read(async (ws) => {
        const m = await resolveMatrix(ws, query.matrix);
        const cells = await getMatrix(ws, m, query.lang ?? user.language);
        return { matrix: m, interventions: [...INTERVENTIONS], cells: cells };
      }),
  }),
  changeRoute({
    method: 'PUT',
    url: '/api/plan/treatments/:size/:risk',
    summary:
      'Edit one cell of the treatment matrix (package, intervention, what, how, when, responsible and monitoring units)',
    tag: 'plan',
    access: 'plan.write',
    audit: { action: 'treatments.set', entityType: 'treatment_cell' },
    params: z.object({ size: z.enum(SIZES), risk: z.enum(RISKS) }),
    body: z.object({
      matrix: z.string().max(60).default('general'),
      package: z.string().max(200).optional(),
      intervention: z.enum(INTERVENTIONS).optional(),
      what: z.array(z.string().max(300)).max(30).optional(),
      how: z.string().max(1000).nullable().optional(),
      when: z.string().max(300).nullable().optional(),
      responsibleUnit: z.string().max(200).nullable().optional(),
      monitoringUnit: z.string().max(200).nullable().optional(),
    }),
    response: TreatmentCellOut,
    change: async ({ params, body, user }, ws) => {
      await assertDirectChangeAllowed(ws, 'treatment');
      const { matrix: m, ...patch } = body;
      const matrix = await resolveMatrix(ws, m);
      const r = await setCell(ws, user.username, matrix, params.size, params.risk, patch, user.language);
      return {
        result: r.cell,
        change: { unchanged: !r.changed, entityId: `${matrix}:${params.size}/${params.risk}`, after: r.cell },
      };
    },
  }),
  readRoute({
    method: 'GET',
    url: '/api/plan/register',
    summary: 'Vulnerability register (Table 7) with expected effect, probability, priority and level',
    tag: 'plan',
    access: 'plan.read',
    query: z.object({ risk: z.string().max(60).optional(), retired: z.enum(['true', 'false']).default('false') }),
    response: z.array(VulnerabilityOut),
    read: async ({ db, query }) =>
      db.read(
        async (ws) =>
          await listVulnerabilities(ws, {
            complianceRisk: query.risk,
            includeRetired: query.retired === 'true',
          }),
      ),
  }),
  changeRoute({
    method: 'POST',
    url: '/api/plan/register',
    summary:
      'Add a vulnerability (process code, description, institutional risk, compliance risks, effects, occurrence)',
    tag: 'plan',
    access: 'plan.write',
    audit: { action: 'register.add', entityType: 'vulnerability' },
    body: z.object({
      processCode: z.string().max(40),
      description: z.string().max(2000),
      institutionalRisk: z.string().max(60),
      complianceRisks: z.array(z.string().max(60)).max(20),
      effects: z.record(z.string(), z.string()),
      occurrence: z.array(z.tuple([z.string(), z.enum(['Y', 'N'])])).max(100),
    }),
    response: VulnerabilityOut,
    change: async ({ body, user }, ws) => {
      await assertDirectChangeAllowed(ws, 'register');
      const r = await saveVulnerability(ws, user.username, body, 'request');
      return {
        result: r.vulnerability,
        change: { entityId: r.vulnerability.id, after: r.vulnerability },
      };
    },
  }),
  changeRoute({
    method: 'PUT',
    url: '/api/plan/register/:id',
    summary: 'Edit a vulnerability: a new version is kept, the old one stays in the history',
    tag: 'plan',
    access: 'plan.write',
    audit: { action: 'register.update', entityType: 'vulnerability' },
    params: z.object({ id: z.string().max(40) }),
    body: z.object({
      processCode: z.string().max(40).optional(),
      description: z.string().max(2000).optional(),
      institutionalRisk: z.string().max(60).optional(),
      complianceRisks: z.array(z.string().max(60)).max(20).optional(),
      effects: z.record(z.string(), z.string()).optional(),
      occurrence: z
        .array(z.tuple([z.string(), z.enum(['Y', 'N'])]))
        .max(100)
        .optional(),
    }),
    response: VulnerabilityOut,
    change: async ({ params, body, user }, ws) => {
      await assertDirectChangeAllowed(ws, 'register');
      const cur = await getVulnerability(ws, params.id);
      const r = await saveVulnerability(
        ws,
        user.username,
        {
          id: cur.id,
          processCode: body.processCode ?? cur.processCode,
          description: body.description ?? cur.description,
          institutionalRisk: body.institutionalRisk ?? cur.institutionalRisk,
          complianceRisks: body.complianceRisks ?? cur.complianceRisks,
          effects: body.effects ?? cur.effects,
          occurrence: body.occurrence ?? cur.occurrence,
        },
        'request',
      );
      return {
        result: r.vulnerability,
        change: { unchanged: !r.changed, entityId: cur.id, after: r.vulnerability },
      };
    },
  }),
  readRoute({
    method: 'GET',
    url: '/api/plan/measures',
    summary: 'Measures with dependencies and forecast completion (late, delayed by, pushes back)',
    tag: 'plan',
    access: 'plan.read',
    query: z.object({ vuln: z.string().max(40).optional() }),
    response: z.array(ScheduledMeasureOut),
    read: async ({ db, query }) =>
      db.read(async (ws) => await listMeasuresWithSchedule(ws, today(), { vulnId: query.vuln })),
  }),
  changeRoute({
    method: 'PUT',
    url: '/api/plan/measures/:id',
    summary: 'Edit a measure (description, units, expected completion, dependencies)',
    tag: 'plan',
    access: 'plan.write',
    audit: { action: 'measures.update', entityType: 'measure' },
    params: z.object({ id: z.string().max(40) }),
    body: z.object({
      description: z.string().max(2000).optional(),
      responsibleUnit: z.string().max(200).optional(),
      supportingUnits: z.array(z.string().max(200)).max(20).optional(),
      expectedDate: z
        .string()
        .regex(/^\d{4}-\d{2}-\d{2}$/)
        .nullable()
        .optional(),
      expectedComment: z.string().max(500).nullable().optional(),
      dependsOn: z.array(z.string().max(40)).max(50).optional(),
    }),
    response: MeasureOut,
    change: async ({ params, body, user }, ws) => {
      const cur = await getMeasure(ws, params.id);
      const { id: _id, version: _v, changedBy: _c, ...fields } = cur;
      const r = await saveMeasure(ws, user.username, { ...fields, ...body }, params.id);
      return {
        result: r.measure,
        change: { unchanged: !r.changed, entityId: params.id, after: r.measure },
      };
    },
  }),
  changeRoute({
    method: 'POST',
    url: '/api/plan/measures/:id/status',
    summary: 'Mark a measure done on a date (refused while a measure it depends on is open) or reopen it',
    tag: 'plan',
    access: 'plan.write',
    audit: { action: 'measures.status', entityType: 'measure' },
    params: z.object({ id: z.string().max(40) }),
    body: z.object({
      done: z.boolean(),
      on: z
        .string()
        .regex(/^\d{4}-\d{2}-\d{2}$/)
        .optional(),
    }),
    response: MeasureOut,
    change: async ({ params, body, user }, ws) => {
      const m = body.done
        ? await completeMeasure(ws, user.username, params.id, body.on ?? today())
        : await reopenMeasure(ws, user.username, params.id);
      return { result: m, change: { entityId: params.id, after: m } };
    },
  }),
  readRoute({
    method: 'GET',
    url: '/api/plan/indicators',
    summary: 'Progress indicators of the measures (numerator, denominator per period, goal)',
    tag: 'plan',
    access: 'plan.read',
    query: z.object({ vuln: z.string().max(40).optional() }),
    response: z.array(IndicatorOut),
    read: async ({ db, query }) => db.read(async (ws) => await listIndicators(ws, { vulnId: query.vuln })),
  }),
  changeRoute({
    method: 'POST',
    url: '/api/plan/indicators/:id/values',
    summary: 'Record (or correct) an indicator value for a period',
    tag: 'plan',
    access: 'plan.write',
    audit: { action: 'indicators.record', entityType: 'indicator_value' },
    params: z.object({ id: z.string().max(40) }),
    body: z.object({
      period: z.string().min(1).max(20),
      numerator: z.number().min(0),
      denominator: z.number().positive(),
    }),
    response: IndicatorOut,
    change: async ({ params, body, user }, ws) => {
      const r = await recordIndicatorValue(ws, user.username, params.id, body.period, body.numerator, body.denominator);
      return {
        result: r.indicator,
        change: { unchanged: !r.changed, entityId: `${params.id}/${body.period}`, after: body },
      };
    },
  }),
];
