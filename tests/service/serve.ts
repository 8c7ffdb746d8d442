// A real `cip serve` process for tests: started, its address and first-run password read from its output, stopped
// gracefully (SIGTERM) or killed (SIGKILL). Plus a generated declarations CSV of any size and an API client.
import { spawn, type ChildProcess } from 'node:child_process';
import { DuckDBInstance } from '@duckdb/node-api';
import { CIP } from '../helpers/cli.ts';

export interface ServeProcess {
  proc: ChildProcess;
  url: string;
  /** Printed on the first run of a workspace. */
  password: string | null;
  output: () => string;
  stop: () => Promise<void>;
  kill9: () => Promise<void>;
}

export function startServe(ws: string, args: string[] = [], env: Record<string, string> = {}): Promise<ServeProcess> {
  const proc = spawn(process.execPath, [CIP, 'serve', '-w', ws, '--port', '0', '--no-web', ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const exited = new Promise<void>((r) => proc.on('exit', () => r()));
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const url = /CIP Workbench at (http:\/\/\S+)/.exec(out)?.[1];
      if (url && out.includes('Press Ctrl+C to stop.')) {
        resolve({
          proc,
          url,
          password: /with password '([^']+)'/.exec(out)?.[1] ?? null,
          output: () => out,
          stop: async () => {
            proc.kill('SIGTERM');
            await exited;
          },
          kill9: async () => {
            proc.kill('SIGKILL');
            await exited;
          },
        });
      }
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', (c: Buffer) => (out += c.toString()));
    proc.on('exit', (code) => reject(new Error(`cip serve exited (${code}) before listening:\n${out}`)));
  });
}

/** The declarations CSV of kill.test.ts: n lines, 4 per declaration, ~9,973 importers, a fifth inspected. */
export async function generateCsv(file: string, n: number): Promise<void> {
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  await c.run(
    `COPY (SELECT 'K' || (i // 4) AS declaration_id, (i % 4) + 1 AS line_no,
                  strftime(DATE '2023-01-01' + CAST(i % 700 AS INTEGER), '%Y-%m-%d') AS date,
                  'TIN' || (i % 9973) AS importer_tin, CAST(10000000 + (i * 7919) % 89999999 AS VARCHAR) AS hs_code,
                  round(10 + (i % 100000) / 7.0, 2) AS cif_value,
                  CASE WHEN i % 5 = 0 THEN 'red' ELSE 'green' END AS channel, i % 5 = 0 AS inspected,
                  i % 5 = 0 AND i % 7 = 0 AS finding
           FROM range(${n}) t(i)) TO '${file}' (HEADER)`,
  );
  c.closeSync();
  db.closeSync();
}

/** A signed-in API client (cookie + CSRF header), over real HTTP. */
export async function apiClient(url: string, username: string, password: string) {
  const res = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (res.status !== 200) throw new Error(`login ${username}: ${res.status} ${await res.text()}`);
  const cookies = res.headers.getSetCookie().map((c) => c.split(';')[0]);
  const csrf = cookies.find((c) => c.startsWith('cip_csrf='))!.slice('cip_csrf='.length);
  const headers = { cookie: cookies.join('; '), 'x-csrf-token': csrf };
  return {
    get: (path: string) => fetch(`${url}${path}`, { headers }),
    post: (path: string, body: unknown) =>
      fetch(`${url}${path}`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }),
  };
}
