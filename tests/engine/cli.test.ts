// cip init --engine: a bad URL and an unreachable server are refused in one line and leave nothing behind; with chdb
// (ClickHouse in-process) an import's lines reach the engine in the import itself, and `cip engine push` replaces them.
import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { tmpDir } from '../helpers/tmp.ts';
import { cip, cipJson } from '../helpers/cli.ts';
import { chdbAvailable } from '../../src/engine/transport.ts';
import { parseEngineUrl } from '../../src/engine/url.ts';

const FIX = join(import.meta.dirname, '..', 'fixtures', 'ingest');
const oneLine = (s: string) => s.trim().split('\n');

describe('cip init --engine refuses in one line and changes nothing', () => {
  const dir = tmpDir();

  it('a URL of another scheme', () => {
    const ws = join(dir, 'bad');
    const r = cip(['init', ws, '--engine', 'http://ch1:8123/customs']);
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toEqual([
      "error: --engine 'http://ch1:8123/customs': unknown scheme 'http'; expected clickhouse://HOST:PORT/DATABASE (clickhouses:// for TLS) or chdb:DIRECTORY",
    ]);
    expect(existsSync(ws)).toBe(false);
  });

  it('credentials in the URL (it would be stored): never echoed, the environment named instead', () => {
    const ws = join(dir, 'cred');
    const r = cip(['init', ws, '--engine', 'clickhouse://analyst:s3cret@ch1:8123/customs']);
    expect(r.code).toBe(1);
    expect(r.stderr).not.toContain('s3cret');
    expect(oneLine(r.stderr)).toEqual([
      "error: --engine 'clickhouse://ch1:8123/customs': credentials do not go in the URL (it is stored in the workspace); set CIP_CLICKHOUSE_USER and CIP_CLICKHOUSE_PASSWORD",
    ]);
    expect(existsSync(ws)).toBe(false);
  });

  it('a server that does not answer (exit 3, nothing created)', () => {
    const ws = join(dir, 'down');
    const r = cip(['init', ws, '--engine', 'clickhouse://127.0.0.1:9/customs']);
    expect(r.code).toBe(3);
    const lines = oneLine(r.stderr);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^error: ClickHouse at http:\/\/127\.0\.0\.1:9 did not answer: .*ECONNREFUSED/);
    expect(existsSync(ws)).toBe(false);
  });

  it('parses the accepted forms', () => {
    expect(parseEngineUrl('clickhouse://ch1/customs')).toEqual({
      kind: 'clickhouse',
      url: 'http://ch1:8123',
      database: 'customs',
      stored: 'clickhouse://ch1:8123/customs',
    });
    expect(parseEngineUrl('clickhouses://ch1:9440/c_2')).toMatchObject({ url: 'https://ch1:9440', database: 'c_2' });
    expect(parseEngineUrl('chdb:lines', '/srv/ws')).toEqual({
      kind: 'chdb',
      path: '/srv/ws/lines',
      stored: 'chdb:/srv/ws/lines',
    });
    expect(() => parseEngineUrl('clickhouse://ch1:8123/my-db')).toThrow(/database name 'my-db'/);
    expect(() => parseEngineUrl('clickhouse://ch1:8123/')).toThrow(/database name ''/);
  });
});

const reason = await chdbAvailable();
if (reason) console.log(`chdb CLI tests skipped: chdb cannot be loaded here (${reason})`);

describe.skipIf(reason !== null)('a workspace whose lines are in chdb', () => {
  const dir = tmpDir();
  const ws = join(dir, 'ws');

  it('init, import (the lines reach the engine in the import), status, push again', () => {
    const init = cipJson<{ engine: string }>(['init', ws, '--engine', `chdb:${join(dir, 'lines')}`]);
    expect(init.engine).toBe(`chdb:${join(dir, 'lines')}`);
    const imp = cipJson<{ imported: number }>([
      'import',
      'declarations',
      join(FIX, 'dua-es-latin1.csv'),
      '-m',
      join(FIX, 'dua-es.yaml'),
      '-w',
      ws,
    ]);
    expect(imp.imported).toBe(4);
    expect(cipJson(['engine', 'status', '-w', ws])).toEqual({
      engine: 'clickhouse',
      where: `chdb:${join(dir, 'lines')}`,
      engineLines: 4,
      workspaceLines: 4,
    });
    expect(cipJson(['engine', 'push', '-w', ws])).toEqual({
      where: `chdb:${join(dir, 'lines')}`,
      imports: 1,
      lines: 4,
      dropped: 0,
    });
    expect(cipJson<{ engineLines: number }>(['engine', 'status', '-w', ws]).engineLines).toBe(4);
  }, 60_000);
});
