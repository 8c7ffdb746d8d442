// Reading a configuration file (YAML or JSON) given on the command line, with errors naming the file.
import { DomainError } from '../errors/index.ts';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { ZodError } from 'zod';
import type { Workspace } from '../workspace/workspace.ts';
import { getConfig, mergeConfig, parseConfig, type GriConfig } from './config.ts';

export class ConfigFileError extends DomainError {}

/** A partial configuration from FILE merged onto the stored one of its risk (or `risk`), validated. */
export async function configFromFile(ws: Workspace, file: string, risk?: string): Promise<GriConfig> {
  let raw: unknown;
  try {
    raw = parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new ConfigFileError(`${file}: cannot read a YAML/JSON configuration: ${(e as Error).message}`);
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw))
    throw new ConfigFileError(
      `${file}: expected a mapping of settings (window, size, indicators, weights, levels, ...)`,
    );
  const r = (raw as Record<string, unknown>).risk;
  const target = risk ?? (typeof r === 'string' ? r : 'general');
  const cur = await getConfig(ws, target);
  try {
    return parseConfig(mergeConfig(cur.config, { ...(raw as Record<string, unknown>), risk: target }));
  } catch (e) {
    if (e instanceof ZodError)
      throw new ConfigFileError(
        `${file}: invalid configuration\n` +
          e.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`).join('\n'),
      );
    throw e;
  }
}
