// Server-side paging, sorting, filtering and unit scoping of operator lists (operator_segments, the shared
// contract of the segmentation context, joined with operators). Access control lives here, not in the UI.
import type { Workspace } from '../../workspace/workspace.ts';

export const OPERATOR_SORTS = [
  'gri',
  'total_value',
  'lines',
  'operator_id',
  'name',
  'office',
  'size_segment',
  'risk_level',
] as const;
export type OperatorSort = (typeof OPERATOR_SORTS)[number];
const SEP = '\u001f';

export interface OperatorRow {
  operator_id: string;
  name: string | null;
  office: string | null;
  region: string | null;
  size_segment: string;
  risk_level: string;
  gri: number;
  total_value: number;
  lines: number;
}

export interface OperatorQuery {
  risk: string;
  size?: string;
  level?: string;
  q?: string;
  sort: OperatorSort;
  dir: 'asc' | 'desc';
  offset: number;
  limit: number;
  /** null = every office (HQ); otherwise only operators administered by these offices. */
  offices: string[] | null;
}

const segTable = (risk: string) => (risk === 'general' ? 'operator_segments' : 'operator_risk_segments');

/** The WHERE fragment and params that keep a user inside their unit. */
export function scopeParams(offices: string[] | null): { all: boolean; offices: string } {
  return { all: offices === null, offices: (offices ?? []).join(SEP) };
}
export const SCOPE_SQL = `($all OR list_contains(string_split($offices, '${SEP}'), o.office))`;

/** One row per operator (the registry may hold an operator more than once, e.g. from two imports). */
const opsWhere = (
  where: string,
) => `(SELECT operator_id, any_value(name) AS name, any_value(office) AS office, any_value(region) AS region,
                     any_value(isic_sector) AS isic_sector, any_value(aeo_status) AS aeo_status, min(registration_date) AS registration_date
              FROM operators WHERE ${where} GROUP BY operator_id)`;
const OPS = opsWhere('true');

export async function listOperators(ws: Workspace, q: OperatorQuery): Promise<{ rows: OperatorRow[]; total: number }> {
  if (q.offices === null && !q.q && q.sort !== 'name' && q.sort !== 'office') return listAllOperators(ws, q);
  const order = `${q.sort === 'name' || q.sort === 'office' ? 'o.' : 's.'}${q.sort} ${q.dir === 'asc' ? 'ASC' : 'DESC'} NULLS LAST, s.operator_id`;
  const rows = await ws.all<OperatorRow & { total: number }>(
    `SELECT s.operator_id, o.name, o.office, o.region, s.size_segment, s.risk_level, s.gri, s.total_value, s.lines::BIGINT AS lines,
            count(*) OVER () AS total
     FROM ${segTable(q.risk)} s LEFT JOIN ${OPS} o USING (operator_id)
     WHERE ${q.risk === 'general' ? 'true' : 's.risk = $risk'}
       AND ($size IS NULL OR s.size_segment = $size) AND ($level IS NULL OR s.risk_level = $level)
       AND ($q IS NULL OR s.operator_id ILIKE '%' || $q || '%' OR o.name ILIKE '%' || $q || '%')
       AND ${SCOPE_SQL}
     ORDER BY ${order} LIMIT $limit OFFSET $offset`,
    {
      ...(q.risk === 'general' ? {} : { risk: q.risk }),
      size: q.size ?? null,
      level: q.level ?? null,
      q: q.q || null,
      limit: q.limit,
      offset: q.offset,
      ...scopeParams(q.offices),
    },
  );
  return {
    rows: rows.map(({ total: _t, ...r }) => r),
    total: rows[0]?.total ?? (q.offset > 0 ? await countOnly(ws, q) : 0),
  };
}

/** HQ without a text filter: page operator_segments first, then look up the registry for the page only. */
async function listAllOperators(ws: Workspace, q: OperatorQuery): Promise<{ rows: OperatorRow[]; total: number }> {
  const params = { ...(q.risk === 'general' ? {} : { risk: q.risk }), size: q.size ?? null, level: q.level ?? null };
  const where = `${q.risk === 'general' ? 'true' : 's.risk = $risk'} AND ($size IS NULL OR s.size_segment = $size) AND ($level IS NULL OR s.risk_level = $level)`;
  const total = Number(await ws.scalar(`SELECT count(*) FROM ${segTable(q.risk)} s WHERE ${where}`, params));
  const rows = await ws.all<OperatorRow>(
    `WITH page AS (SELECT s.operator_id, s.size_segment, s.risk_level, s.gri, s.total_value, s.lines::BIGINT AS lines FROM ${segTable(q.risk)} s
                   WHERE ${where} ORDER BY s.${q.sort} ${q.dir === 'asc' ? 'ASC' : 'DESC'} NULLS LAST, s.operator_id LIMIT $limit OFFSET $offset)
     SELECT p.operator_id, o.name, o.office, o.region, p.size_segment, p.risk_level, p.gri, p.total_value, p.lines
     FROM page p LEFT JOIN ${opsWhere('operator_id IN (SELECT operator_id FROM page)')} o USING (operator_id)
     ORDER BY p.${q.sort} ${q.dir === 'asc' ? 'ASC' : 'DESC'} NULLS LAST, p.operator_id`,
    { ...params, limit: q.limit, offset: q.offset },
  );
  return { rows, total };
}

async function countOnly(ws: Workspace, q: OperatorQuery): Promise<number> {
  return (await listOperators(ws, { ...q, offset: 0, limit: 1 })).total;
}

export interface OperatorDetails {
  operator_id: string;
  name: string | null;
  office: string | null;
  region: string | null;
  isic_sector: string | null;
  aeo_status: boolean | null;
  registration_date: string | null;
}

/**
 * The operator's registry details if it exists and lies inside the user's unit; otherwise undefined.
 * One lookup on the operator_id index (the operator page calls this on every request); the registry may hold
 * an operator more than once, so rows are merged here as opsWhere does: first non-null value, earliest registration.
 */
export async function operatorInScope(
  ws: Workspace,
  operatorId: string,
  offices: string[] | null,
): Promise<OperatorDetails | undefined> {
  const rows = await ws.all<Omit<OperatorDetails, 'operator_id'>>(
    'SELECT name, office, region, isic_sector, aeo_status, registration_date FROM operators WHERE operator_id = $id',
    { id: operatorId },
  );
  if (rows.length > 0) {
    const first = <K extends keyof (typeof rows)[number]>(k: K) => rows.find((r) => r[k] !== null)?.[k] ?? null;
    const dates = rows
      .map((r) => r.registration_date)
      .filter((d): d is string => d !== null)
      .sort();
    const details: OperatorDetails = {
      operator_id: operatorId,
      name: first('name'),
      office: first('office'),
      region: first('region'),
      isic_sector: first('isic_sector'),
      aeo_status: first('aeo_status'),
      registration_date: dates[0] ?? null,
    };
    return offices === null || (details.office !== null && offices.includes(details.office)) ? details : undefined;
  }
  // Operators seen only in declarations (no registry row) are visible to HQ only.
  if (offices !== null) return undefined;
  const seen = await ws.scalar<number>('SELECT count(*) FROM operator_segments WHERE operator_id = $id', {
    id: operatorId,
  });
  return Number(seen) > 0
    ? {
        operator_id: operatorId,
        name: null,
        office: null,
        region: null,
        isic_sector: null,
        aeo_status: null,
        registration_date: null,
      }
    : undefined;
}

/** Of these TINs, the ones the user may see. */
export async function visibleTins(ws: Workspace, tins: string[], offices: string[] | null): Promise<Set<string>> {
  if (offices === null) return new Set(tins);
  if (tins.length === 0) return new Set();
  const rows = await ws.all<{ operator_id: string }>(
    `SELECT DISTINCT o.operator_id FROM operators o
     WHERE list_contains(string_split($tins, '${SEP}'), o.operator_id) AND ${SCOPE_SQL}`,
    { tins: tins.join(SEP), ...scopeParams(offices) },
  );
  return new Set(rows.map((r) => r.operator_id));
}
