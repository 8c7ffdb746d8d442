// Where a workspace's declaration lines are scanned: the workspace's own DuckDB file (default), a ClickHouse server
// (clickhouse://host:8123/db, clickhouses:// for TLS) or chdb, ClickHouse in-process (chdb:DIR, for development and
// tests). The URL is stored in the workspace's settings; credentials never are: they come from the environment.
import { DomainError } from '../errors/index.ts';
import { isAbsolute, resolve } from 'node:path';

export class EngineError extends DomainError {}

export type EngineSpec =
  | { kind: 'duckdb' }
  | { kind: 'clickhouse'; url: string; database: string; stored: string }
  | { kind: 'chdb'; path: string; stored: string };

/** The environment variables holding a ClickHouse server's user and password. */
export const CREDENTIAL_VARS = { user: 'CIP_CLICKHOUSE_USER', password: 'CIP_CLICKHOUSE_PASSWORD' } as const;

const EXPECTED = `expected clickhouse://HOST:PORT/DATABASE (clickhouses:// for TLS) or chdb:DIRECTORY`;

/** Parses an --engine value; a refusal names what was expected. `base` resolves a relative chdb directory. */
export function parseEngineUrl(text: string, base = process.cwd()): EngineSpec {
  const t = text.trim();
  if (t === '' || t === 'duckdb') return { kind: 'duckdb' };
  if (t.startsWith('chdb:')) {
    const p = t.slice('chdb:'.length).replace(/^\/\//, '');
    if (!p) throw new EngineError(`--engine '${text}': no directory after chdb:; ${EXPECTED}`);
    const path = isAbsolute(p) ? p : resolve(base, p);
    return { kind: 'chdb', path, stored: `chdb:${path}` };
  }
  let u: URL;
  try {
    u = new URL(t);
  } catch {
    throw new EngineError(`--engine '${text}': not a URL; ${EXPECTED}`);
  }
  if (u.protocol !== 'clickhouse:' && u.protocol !== 'clickhouses:')
    throw new EngineError(`--engine '${text}': unknown scheme '${u.protocol.replace(/:$/, '')}'; ${EXPECTED}`);
  if (u.username || u.password)
    throw new EngineError(
      `--engine '${redact(u)}': credentials do not go in the URL (it is stored in the workspace); set ${CREDENTIAL_VARS.user} and ${CREDENTIAL_VARS.password}`,
    );
  if (!u.hostname) throw new EngineError(`--engine '${text}': no host; ${EXPECTED}`);
  const database = decodeURIComponent(u.pathname.replace(/^\//, ''));
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(database))
    throw new EngineError(`--engine '${text}': database name '${database}' must be letters, digits and _; ${EXPECTED}`);
  if (u.search || u.hash) throw new EngineError(`--engine '${text}': no query or fragment allowed; ${EXPECTED}`);
  const tls = u.protocol === 'clickhouses:';
  const port = u.port || (tls ? '8443' : '8123');
  const url = `${tls ? 'https' : 'http'}://${u.hostname.includes(':') ? `[${u.hostname}]` : u.hostname}:${port}`;
  return { kind: 'clickhouse', url, database, stored: `${u.protocol}//${u.host.split(':')[0]}:${port}/${database}` };
}

function redact(u: URL): string {
  return `${u.protocol}//${u.host}${u.pathname}`;
}
