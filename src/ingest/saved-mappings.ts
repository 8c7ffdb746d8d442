// Column mappings saved by name in the workspace: made in the web app's import page (or `cip mapping save`) and
// reused by name, e.g. by a nightly `cip import declarations export.csv --mapping NIGHTLY`.
import { existsSync } from 'node:fs';
import { z } from 'zod';
import { DomainError } from '../errors/index.ts';
import { recordChange } from '../history/history.ts';
import type { Workspace } from '../workspace/workspace.ts';
import type { ImportKind } from './fields.ts';
import { loadMappingFile, validateMapping, type Mapping } from './mapping.ts';

export const MAPPING_NAME = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'a name of letters, digits, . _ - (at most 64)');

export interface SavedMapping {
  name: string;
  kind: ImportKind;
  mapping: Mapping;
  saved_by: string;
  saved_at: string;
}

export async function listMappings(ws: Workspace): Promise<SavedMapping[]> {
  const rows = await ws.all<{
    name: string;
    kind: ImportKind;
    mapping_json: string;
    saved_by: string;
    saved_at: string;
  }>('SELECT name, kind, mapping_json, saved_by, saved_at FROM ingest_mappings ORDER BY name');
  return rows.map((r) => ({ ...r, mapping: JSON.parse(r.mapping_json) as Mapping }));
}

export async function getMapping(ws: Workspace, name: string): Promise<SavedMapping | undefined> {
  return (await listMappings(ws)).find((m) => m.name === name);
}

/** Saves (or replaces) a mapping under a name, validated for its kind, with its history entry. */
export async function saveMapping(
  ws: Workspace,
  name: string,
  kind: ImportKind,
  raw: unknown,
  actor: string,
): Promise<SavedMapping> {
  const n = MAPPING_NAME.safeParse(name);
  if (!n.success) throw new DomainError(`mapping name '${name}': expected ${n.error.issues[0].message}`, 'invalid');
  const mapping = validateMapping(raw, kind, `'${name}'`);
  return ws.transaction(async () => {
    const before = await getMapping(ws, name);
    await ws.run(
      `INSERT INTO ingest_mappings VALUES ($name, $kind, $json, $by, now()::TIMESTAMP)
       ON CONFLICT (name) DO UPDATE SET kind = excluded.kind, mapping_json = excluded.mapping_json,
         saved_by = excluded.saved_by, saved_at = excluded.saved_at`,
      { name, kind, json: JSON.stringify(mapping), by: actor },
    );
    await recordChange(ws, {
      actor,
      action: before ? 'mapping.replace' : 'mapping.save',
      entityType: 'mapping',
      entityId: name,
      before: before ? { kind: before.kind, mapping: before.mapping } : undefined,
      after: { kind, mapping },
    });
    return (await getMapping(ws, name))!;
  });
}

/**
 * `--mapping X` of cip import: a mapping file when X names one (path already resolved by the caller), else the
 * mapping saved under the name X.
 */
export async function resolveMappingOption(
  ws: Workspace,
  option: string,
  path: string,
  kind: ImportKind,
): Promise<Mapping> {
  if (existsSync(path)) return loadMappingFile(path, kind);
  const saved = await getMapping(ws, option);
  if (!saved) {
    const names = (await listMappings(ws)).map((m) => m.name);
    throw new DomainError(
      `--mapping ${option}: no such file, and no mapping saved under that name` +
        (names.length
          ? ` (saved: ${names.join(', ')})`
          : ' (none saved yet: save one in the web app or with cip mapping save)'),
      'invalid',
    );
  }
  if (saved.kind !== kind)
    throw new DomainError(`--mapping ${option}: the saved mapping is for ${saved.kind}, not ${kind}`, 'invalid');
  return validateMapping(saved.mapping, kind, `'${option}'`);
}
