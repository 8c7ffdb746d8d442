// Normalises what people type or import (labels, aliases, points, "Y/N" lists) into the register's codes.
// Errors say where (file, row, column or CLI option) and what was expected.
import { DomainError } from '../../errors/index.ts';
import { lookupCode, type RegisterScales } from '../config.ts';
import type { Occurrence } from './score.ts';

export class RegisterInputError extends DomainError {}

/** What people give: labels, aliases, 'Y,N' strings or YAML structures. */
export interface VulnerabilityInput {
  id?: string;
  processCode: string;
  description: string;
  institutionalRisk: string;
  complianceRisks: string | string[];
  effects: string | Record<string, unknown>;
  occurrence: string | unknown[] | Record<string, unknown>;
}

/** What the register stores: codes only. */
export interface VulnerabilityFields {
  id?: string;
  processCode: string;
  description: string;
  institutionalRisk: string;
  complianceRisks: string[];
  effects: Record<string, string>;
  occurrence: Occurrence[];
}

const PROCESS_CODE = /^\d+(\.\d+)*$/;

export function parseProcessCode(v: string, where: string): string {
  const s = v.trim();
  if (!PROCESS_CODE.test(s))
    throw new RegisterInputError(`${where}: process code '${v}' is not like 1.1.1 (numbers separated by dots)`);
  return s;
}

export function parseInstitutionalRisk(scales: RegisterScales, v: string, where: string): string {
  const hit = lookupCode(scales.institutional_risks, v);
  if (!hit) {
    throw new RegisterInputError(
      `${where}: unknown institutional risk '${v}' (expected one of ${scales.institutional_risks.map((r) => r.code).join(', ')})`,
    );
  }
  return hit.code;
}

export function parseComplianceRisk(scales: RegisterScales, v: string, where: string): string {
  const hit = lookupCode(scales.compliance_risks, v);
  if (!hit) {
    throw new RegisterInputError(
      `${where}: unknown compliance risk '${v}' (expected one of ${scales.compliance_risks.map((r) => r.code).join(', ')})`,
    );
  }
  return hit.code;
}

export function parseComplianceRisks(scales: RegisterScales, v: string | string[], where: string): string[] {
  const items = (Array.isArray(v) ? v : v.split(/[;,|]/)).map((s) => s.trim()).filter(Boolean);
  return [...new Set(items.map((s) => parseComplianceRisk(scales, s, where)))];
}

/** A level by code, label (any language) or points ("2"). */
export function parseLevel(scales: RegisterScales, v: string | number, where: string): string {
  const s = String(v).trim();
  const byPoints = scales.effect_scale.find((e) => String(e.points) === s);
  const hit = byPoints ?? lookupCode(scales.effect_scale, s);
  if (!hit) {
    throw new RegisterInputError(
      `${where}: unknown effect level '${s}' (expected ${scales.effect_scale.map((e) => `${e.code}/${e.points}`).join(', ')})`,
    );
  }
  return hit.code;
}

/**
 * Effects as 'medium,high,high,medium' (objectives in order) or 'image=medium,security=high,...'
 * (objective code or short name), or an object from YAML.
 */
export function parseEffects(
  scales: RegisterScales,
  v: string | Record<string, unknown>,
  where: string,
): Record<string, string> {
  const out: Record<string, string> = {};
  const findObjective = (k: string) => {
    const key = k.trim().toLowerCase();
    const o = scales.objectives.find(
      (x) => x.code === key || x.short === key || Object.values(x.labels).some((l) => l.toLowerCase() === key),
    );
    if (!o)
      throw new RegisterInputError(
        `${where}: unknown objective '${k}' (expected ${scales.objectives.map((x) => x.short).join(', ')})`,
      );
    return o.code;
  };
  if (typeof v === 'object') {
    for (const [k, lv] of Object.entries(v)) out[findObjective(k)] = parseLevel(scales, String(lv), `${where} (${k})`);
  } else {
    const parts = v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    if (parts.every((p) => !p.includes('='))) {
      if (parts.length !== scales.objectives.length) {
        throw new RegisterInputError(
          `${where}: expected ${scales.objectives.length} effects (${scales.objectives.map((o) => o.short).join(', ')}), got ${parts.length}`,
        );
      }
      scales.objectives.forEach((o, i) => (out[o.code] = parseLevel(scales, parts[i], `${where} (${o.short})`)));
    } else {
      for (const p of parts) {
        const [k, lv] = p.split('=');
        if (lv === undefined) throw new RegisterInputError(`${where}: '${p}' is not objective=level`);
        out[findObjective(k)] = parseLevel(scales, lv, `${where} (${k.trim()})`);
      }
    }
  }
  const missing = scales.objectives.filter((o) => !(o.code in out));
  if (missing.length)
    throw new RegisterInputError(`${where}: no effect given for ${missing.map((o) => o.code).join(', ')}`);
  return Object.fromEntries(scales.objectives.map((o) => [o.code, out[o.code]]));
}

/** Occurrence as '2020=Y,2021=Y,2022=N' or an array of {period: Y|N} / [period, Y|N] from YAML. */
export function parseOccurrence(v: string | unknown[] | Record<string, unknown>, where: string): Occurrence[] {
  let pairs: [string, string][];
  if (typeof v === 'string') {
    pairs = v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
      .map((p) => {
        const [k, val] = p.split('=');
        if (val === undefined) throw new RegisterInputError(`${where}: '${p}' is not period=Y or period=N`);
        return [k.trim(), val.trim()];
      });
  } else if (Array.isArray(v)) {
    pairs = v.map((item) => {
      if (Array.isArray(item)) return [String(item[0]), String(item[1])];
      const [[k, val]] = Object.entries(item as Record<string, unknown>);
      return [String(k), String(val)];
    });
  } else {
    pairs = Object.entries(v).map(([k, val]) => [k, String(val)]);
  }
  const seen = new Set<string>();
  return pairs.map(([period, val]) => {
    if (!period) throw new RegisterInputError(`${where}: empty period name`);
    if (seen.has(period)) throw new RegisterInputError(`${where}: period '${period}' given twice`);
    seen.add(period);
    const yn = val.toUpperCase();
    const norm = ['Y', 'YES', 'S', 'SI', 'SÍ', 'O', 'OUI', 'SIM', '1', 'TRUE'].includes(yn)
      ? 'Y'
      : ['N', 'NO', 'NON', 'NÃO', 'NAO', '0', 'FALSE'].includes(yn)
        ? 'N'
        : null;
    if (!norm) throw new RegisterInputError(`${where}: occurrence for '${period}' is '${val}', expected Y or N`);
    return [period, norm] as Occurrence;
  });
}
