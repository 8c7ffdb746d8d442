// Jobs and import in the browser, through the API: upload → suggested mapping → preview → saved mapping → import
// job → imports list and rejects CSV; a backtest job answers what GET /api/backtest answers; cancel; permissions.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { queueOf } from '../../src/jobs/queue.ts';
import type { JobView } from '../../src/jobs/view.ts';
import { QualityReportSchema } from '../../src/ingest/quality.ts';
import { call, login, seedLines, startTestServer, type Session, type TestServer } from './helpers.ts';
import { Workspace } from '../../src/workspace/workspace.ts';
import { ServerDb } from '../../src/server/db.ts';
import { buildApp } from '../../src/server/app.ts';
import { addUser } from '../../src/server/users.ts';
import { tmpDir } from '../helpers/tmp.ts';

const FIX = join(import.meta.dirname, '..', 'fixtures', 'ingest');

/** A multipart/form-data request with one file, as a browser sends it. */
export function multipart(fileName: string, data: Buffer): { body: Buffer; contentType: string } {
  const boundary = '----cip' + Math.random().toString(16).slice(2);
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: application/octet-stream\r\n\r\n`;
  return {
    body: Buffer.concat([Buffer.from(head), data, Buffer.from(`\r\n--${boundary}--\r\n`)]),
    contentType: `multipart/form-data; boundary=${boundary}`,
  };
}

async function upload(app: FastifyInstance, s: Session, fileName: string, data: Buffer) {
  const m = multipart(fileName, data);
  return app.inject({
    method: 'POST',
    url: '/api/imports/uploads',
    headers: { cookie: s.cookie, 'x-csrf-token': s.csrf, 'content-type': m.contentType },
    payload: m.body,
  });
}

let srv: TestServer;
let coordinator: Session;
let operational: Session;
let head: Session;

beforeAll(async () => {
  srv = await startTestServer(seedLines);
  coordinator = await login(srv.app, 'coordinator');
  operational = await login(srv.app, 'operational');
  head = await login(srv.app, 'head');
});
afterAll(() => srv.close());

const finished = (id: number): Promise<JobView> => queueOf(srv.db).finished(id);

describe('import in the browser (API)', () => {
  it('upload, suggestion, preview, saved mapping, import job, imports list, rejects CSV', async () => {
    const up = await upload(srv.app, coordinator, 'broken.csv', readFileSync(join(FIX, 'broken.csv')));
    expect(up.statusCode, up.body).toBe(200);
    const { uploadId, fileName, bytes, format } = up.json();
    expect({ fileName, bytes, format }).toEqual({
      fileName: 'broken.csv',
      bytes: readFileSync(join(FIX, 'broken.csv')).length,
      format: 'csv',
    });

    const sug = await call(srv.app, coordinator, 'POST', '/api/imports/suggest', { uploadId, kind: 'declarations' });
    expect(sug.statusCode, sug.body).toBe(200);
    const s = sug.json();
    expect(s.columns).toEqual([
      'declaration_id',
      'line_no',
      'date',
      'importer_tin',
      'hs_code',
      'origin',
      'cif_value',
      'channel',
    ]);
    expect(s.missing).toEqual([]);
    expect(s.mapping.fields.operator_id).toEqual({ column: 'importer_tin' });
    expect(s.samples.channel).toEqual(['green', 'red', 'yellow']);

    const pre = await call(srv.app, coordinator, 'POST', '/api/imports/preview', {
      uploadId,
      kind: 'declarations',
      mapping: s.mapping,
    });
    expect(pre.statusCode, pre.body).toBe(200);
    const p = pre.json();
    expect({ scanned: p.scanned, accepted: p.accepted }).toEqual({ scanned: 9, accepted: 4 });
    expect(p.rows.map((r: { sourceRow: number }) => r.sourceRow)).toEqual([1, 2, 6, 9]);
    expect(p.rows[0].values).toMatchObject({
      declaration_id: 'D1',
      line_no: 1,
      date: '2024-01-15',
      operator_id: 'TIN001',
      hs_code: '0101210000',
      value: 1500.5,
      channel: 'green',
    });
    expect(p.rejected.map((r: { sourceRow: number; column: string }) => [r.sourceRow, r.column])).toEqual([
      [3, 'date'],
      [4, 'cif_value'],
      [5, 'importer_tin'],
      [7, 'hs_code'],
      [8, 'cif_value'],
    ]);

    // A bad mapping is refused at once, naming the key, as the CLI does.
    const bad = await call(srv.app, coordinator, 'PUT', '/api/imports/mappings/broken-v1', {
      kind: 'declarations',
      mapping: { fields: { declaration_id: 'declaration_id' } },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toContain('fields.date: required field for declarations is not mapped');

    const saved = await call(srv.app, coordinator, 'PUT', '/api/imports/mappings/broken-v1', {
      kind: 'declarations',
      mapping: s.mapping,
    });
    expect(saved.statusCode, saved.body).toBe(200);
    const list = await call(srv.app, head, 'GET', '/api/imports/mappings');
    expect(list.json().map((m: { name: string; saved_by: string }) => [m.name, m.saved_by])).toEqual([
      ['broken-v1', 'coordinator'],
    ]);

    const start = await call(srv.app, coordinator, 'POST', '/api/jobs', {
      kind: 'import',
      params: { uploadId, kind: 'declarations', mappingName: 'broken-v1' },
    });
    expect(start.statusCode, start.body).toBe(200);
    const job = await finished(start.json().id);
    expect(job.status).toBe('succeeded');
    // The seeded workspace holds declarations D0..D1799, line 1: D1/1 and D5/1 (twice in the file) are duplicates.
    expect(job.result).toMatchObject({
      type: 'import',
      summary: { read: 9, imported: 1, rejected: 5, duplicates: 3 },
    });
    const importId = (job.result as { importId: number }).importId;

    const imports = await call(srv.app, head, 'GET', '/api/data/imports');
    expect(imports.json()[0]).toMatchObject({
      import_id: importId,
      file_name: 'broken.csv',
      imported_by: 'coordinator',
      rows_read: 9,
      rows_imported: 1,
      rows_rejected: 5,
      rows_duplicate: 3,
    });
    const csv = await call(srv.app, head, 'GET', `/api/imports/${importId}/rejects.csv`);
    expect(csv.statusCode).toBe(200);
    const lines = csv.body.trim().split('\n');
    expect(lines[0]).toBe('import_id,file,row,column,value,problem,reason');
    expect(lines).toHaveLength(6); // header + one problem per rejected row
    expect(lines[1]).toBe(
      `${importId},broken.csv,3,date,2024-13-45,unparseable_date,date: expected a date as yyyy-mm-dd`,
    );

    const hist = await call(srv.app, head, 'GET', '/api/history?entity_type=mapping');
    expect(
      hist.json().map((h: { actor: string; action: string; entity_id: string }) => [h.actor, h.action, h.entity_id]),
    ).toEqual([['coordinator', 'mapping.save', 'broken-v1']]);
  });

  it('GET /api/data/quality answers its declared schema: the report with the rejects of the import above', async () => {
    const doc = (await srv.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    const schema = doc.paths['/api/data/quality'].get.responses['200'].content['application/json'].schema;
    expect(Object.keys(schema.properties)).toEqual(['errors', 'warnings', 'totals', 'outcomes']);
    const r = await call(srv.app, head, 'GET', '/api/data/quality');
    expect(r.statusCode, r.body).toBe(200);
    const q = QualityReportSchema.parse(r.json());
    expect(q.totals.rejectedRows).toBe(5);
    expect(q.errors.find((i) => i.code === 'unparseable_date')!.examples[0]).toEqual({
      file: 'broken.csv',
      row: 3,
      column: 'date',
      value: '2024-13-45',
      message: 'date: expected a date as yyyy-mm-dd',
    });
  });

  it("answers an import job's warnings in the reader's language", async () => {
    const data = Buffer.from(
      'declaration_id,line_no,date,importer_tin,hs_code,origin,cif_value,channel\n' +
        'W1,1,2024-03-01,TIN-NEW,8471300000,US,100,green\n',
    );
    const up = await upload(srv.app, coordinator, 'new-operator.csv', data);
    expect(up.statusCode, up.body).toBe(200);
    const mapping = {
      fields: {
        declaration_id: 'declaration_id',
        line_no: 'line_no',
        date: 'date',
        operator_id: 'importer_tin',
        hs_code: 'hs_code',
        value: 'cif_value',
        channel: 'channel',
      },
    };
    expect((await call(srv.app, coordinator, 'PUT', '/api/me/language', { language: 'es' })).statusCode).toBe(200);
    try {
      const start = await call(srv.app, coordinator, 'POST', '/api/jobs', {
        kind: 'import',
        params: { uploadId: up.json().uploadId, kind: 'declarations', mapping },
      });
      expect(start.statusCode, start.body).toBe(200);
      expect((await finished(start.json().id)).status).toBe('succeeded');
      const texts = async (s: Session) => {
        const r = await call(srv.app, s, 'GET', `/api/jobs/${start.json().id}`);
        expect(r.statusCode, r.body).toBe(200);
        return (r.json().result.warnings as { key: string; text: string }[]).map((w) => [w.key, w.text]);
      };
      expect(await texts(coordinator)).toEqual([
        [
          'import_warning.operator_not_in_operators',
          'new-operator.csv: 1 operador(es) de la columna importer_tin no están en la tabla de operadores; sus líneas se importaron: importe los operadores para nombrarlos.',
        ],
      ]);
      expect(await texts(head)).toEqual([
        [
          'import_warning.operator_not_in_operators',
          'new-operator.csv: 1 operator(s) of column importer_tin are not in the operator table; their lines were imported: import the operators to name them.',
        ],
      ]);
    } finally {
      await call(srv.app, coordinator, 'PUT', '/api/me/language', { language: 'en' });
    }
  });

  it("previews rejected rows and fails a --strict import with its rejects in the reader's language", async () => {
    // broken.csv with one more good row: not the file imported above (that one would be 'already imported').
    const data = Buffer.concat([
      readFileSync(join(FIX, 'broken.csv')),
      Buffer.from('S1,1,2024-02-06,TIN005,8471300000,US,10,green\n'),
    ]);
    const up = await upload(srv.app, coordinator, 'broken-strict.csv', data);
    expect(up.statusCode, up.body).toBe(200);
    const uploadId = up.json().uploadId;
    const mapping = (
      await call(srv.app, coordinator, 'POST', '/api/imports/suggest', { uploadId, kind: 'declarations' })
    ).json().mapping;
    expect((await call(srv.app, coordinator, 'PUT', '/api/me/language', { language: 'es' })).statusCode).toBe(200);
    try {
      const pre = await call(srv.app, coordinator, 'POST', '/api/imports/preview', {
        uploadId,
        kind: 'declarations',
        mapping,
      });
      expect(pre.statusCode, pre.body).toBe(200);
      type Rejected = { sourceRow: number; code: string; message: { key: string; text: string } };
      expect(pre.json().rejected.map((r: Rejected) => [r.sourceRow, r.code, r.message.key, r.message.text])).toEqual([
        [3, 'unparseable_date', 'reject.expected_date', 'date: se esperaba una fecha con el formato yyyy-mm-dd'],
        [4, 'unparseable_number', 'reject.expected_number', 'value: se esperaba un número'],
        [5, 'missing_required', 'reject.missing_required', 'operator_id es obligatorio pero está vacío'],
        [7, 'hs_code_length', 'reject.hs_code_length', 'hs_code: se esperaban de 6 a 10 dígitos'],
        [8, 'negative_value', 'reject.negative_value', 'value no puede ser negativo'],
      ]);

      const start = await call(srv.app, coordinator, 'POST', '/api/jobs', {
        kind: 'import',
        params: { uploadId, kind: 'declarations', mapping, strict: true },
      });
      expect(start.statusCode, start.body).toBe(200);
      expect((await finished(start.json().id)).status).toBe('failed');
      const rejected = async (s: Session) => {
        const r = await call(srv.app, s, 'GET', `/api/jobs/${start.json().id}`);
        expect(r.statusCode, r.body).toBe(200);
        const v = r.json() as JobView;
        return v.rejected!.flatMap((i) => i.examples.map((e) => [i.code, e.row, e.column, e.value, e.message]));
      };
      expect(await rejected(coordinator)).toEqual([
        ['hs_code_length', 7, 'hs_code', '12', 'hs_code: se esperaban de 6 a 10 dígitos'],
        ['missing_required', 5, 'importer_tin', null, 'operator_id es obligatorio pero está vacío'],
        ['negative_value', 8, 'cif_value', '-5', 'value no puede ser negativo'],
        ['unparseable_date', 3, 'date', '2024-13-45', 'date: se esperaba una fecha con el formato yyyy-mm-dd'],
        ['unparseable_number', 4, 'cif_value', 'abc', 'value: se esperaba un número'],
      ]);
      // The same job read by an English reader: the sentences the import stores with its rejects.
      expect((await rejected(head)).map((r) => r[4])).toEqual([
        'hs_code: expected 6 to 10 digits',
        'operator_id is required but empty',
        'value must not be negative',
        'date: expected a date as yyyy-mm-dd',
        'value: expected a number',
      ]);
    } finally {
      await call(srv.app, coordinator, 'PUT', '/api/me/language', { language: 'en' });
    }
  });

  it('refuses an upload of another type, an unknown upload, and a user without data.write', async () => {
    const txt = await upload(srv.app, coordinator, 'notes.docx', Buffer.from('x'));
    expect(txt.statusCode).toBe(400);
    expect(txt.json().error).toContain('notes.docx: expected a CSV, Parquet or XLSX file');
    const none = await call(srv.app, coordinator, 'POST', '/api/imports/suggest', {
      uploadId: '00000000-0000-4000-8000-000000000000',
      kind: 'declarations',
    });
    expect(none.statusCode).toBe(404);
    const op = await upload(srv.app, operational, 'a.csv', Buffer.from('a,b\n1,2\n'));
    expect(op.statusCode).toBe(403);
    const job = await call(srv.app, operational, 'POST', '/api/jobs', {
      kind: 'gri',
      params: { risk: 'general' },
    });
    expect(job.statusCode).toBe(403);
    expect(job.json().error).toContain("'gri.write'");
  });
});

describe('jobs', () => {
  it('a backtest job answers exactly what GET /api/backtest answers, with its phases', async () => {
    const q = { train_until: '2025-03-31', test_from: '2025-04-01', test_until: '2025-11-30' };
    const phases: string[] = [];
    const off = queueOf(srv.db).subscribe((v) => {
      if (v.kind === 'backtest' && v.phase && phases.at(-1) !== v.phase) phases.push(v.phase);
    });
    const start = await call(srv.app, head, 'POST', '/api/jobs', { kind: 'backtest', params: q });
    expect(start.statusCode, start.body).toBe(200);
    const job = await finished(start.json().id);
    off();
    expect(job.status, job.error ?? '').toBe('succeeded');
    expect(phases).toEqual(['fitting', 'scoring', 'evaluating']);
    const viaJob = await call(srv.app, head, 'GET', `/api/jobs/${job.id}/backtest`);
    const direct = await call(srv.app, head, 'GET', `/api/backtest?${new URLSearchParams(q)}`);
    expect(viaJob.statusCode).toBe(200);
    expect(viaJob.json()).toEqual(direct.json());
    expect(job.result).toEqual({
      type: 'backtest',
      testLines: direct.json().periods.test.lines,
      auc: direct.json().lines.auc,
    });
  });

  it('a failing job keeps the message the CLI gives', async () => {
    const start = await call(srv.app, head, 'POST', '/api/jobs', {
      kind: 'backtest',
      params: { train_until: '2030-01-01', test_from: '2030-02-01', test_until: '2030-03-01' },
    });
    const job = await finished(start.json().id);
    expect(job.status).toBe('failed');
    expect(job.errorCode).toBe('failed');
    expect(job.error).toMatch(/^no labelled declaration lines/);
  });

  it('a queued job is cancelled before it starts; only its creator or an administrator may cancel', async () => {
    // Two writing jobs: the second waits for the first (one writing job at a time).
    const a = (await call(srv.app, coordinator, 'POST', '/api/jobs', { kind: 'gri', params: {} })).json();
    const b = (await call(srv.app, coordinator, 'POST', '/api/jobs', { kind: 'gri', params: {} })).json();
    expect(b.status).toBe('queued');
    const other = await call(srv.app, head, 'POST', `/api/jobs/${b.id}/cancel`);
    expect(other.statusCode).toBe(403);
    const c = await call(srv.app, coordinator, 'POST', `/api/jobs/${b.id}/cancel`);
    expect(c.statusCode, c.body).toBe(200);
    const done = await finished(b.id);
    expect(done.status).toBe('cancelled');
    expect(done.error).toBe(`job #${b.id} was cancelled by coordinator; nothing of it was kept`);
    const first = await finished(a.id);
    expect(first.status, first.error ?? '').toBe('succeeded');
    // 60 seeded operators, TIN001 and TIN-NEW of the imports above.
    expect(first.result).toMatchObject({ type: 'gri', risk: 'general', operators: 62 });
    const list = (await call(srv.app, head, 'GET', '/api/jobs')).json() as JobView[];
    expect(list.slice(0, 2).map((j) => [j.id, j.status])).toEqual([
      [b.id, 'cancelled'],
      [a.id, 'succeeded'],
    ]);
  });
});

describe('exports as jobs, and who may see them', () => {
  it('a plan workbook job writes the file GET /api/exports/plan.xlsx gives; a PCA list is its creator’s only', async () => {
    const start = await call(srv.app, head, 'POST', '/api/jobs', { kind: 'plan-export', params: { format: 'xlsx' } });
    expect(start.statusCode, start.body).toBe(200);
    const job = await finished(start.json().id);
    expect(job.status, job.error ?? '').toBe('succeeded');
    const file = await call(srv.app, head, 'GET', `/api/jobs/${job.id}/download`);
    expect(file.statusCode).toBe(200);
    expect(file.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(file.rawPayload.subarray(0, 2).toString()).toBe('PK');
    expect(job.result).toEqual({ type: 'file', name: job.fileName, bytes: file.rawPayload.length, rows: null });

    const director = await login(srv.app, 'director');
    const pca = await call(srv.app, director, 'POST', '/api/jobs', { kind: 'pca', params: { capacity: 10 } });
    const pj = await finished(pca.json().id);
    expect(pj.status, pj.error ?? '').toBe('succeeded');
    expect((await call(srv.app, director, 'GET', `/api/jobs/${pj.id}/download`)).statusCode).toBe(200);
    // Another user with taxpayer access (another unit) sees the job but not its list.
    const other = await call(srv.app, coordinator, 'GET', `/api/jobs/${pj.id}`);
    expect(other.json()).toMatchObject({ id: pj.id, result: null, fileName: null });
    expect((await call(srv.app, coordinator, 'GET', `/api/jobs/${pj.id}/download`)).statusCode).toBe(403);
  });

  it('the line-level selectivity list is refused to a user who sees one office only', async () => {
    const r = await call(srv.app, operational, 'POST', '/api/jobs', { kind: 'selectivity', params: {} });
    expect(r.statusCode).toBe(403);
    expect(r.json().error).toContain('covers every office');
  });
});

describe('upload limit', () => {
  it('a file over the limit is refused with 413, naming the limit and the option', async () => {
    const ws = await Workspace.open(tmpDir('cip-upload-'), { create: true });
    await addUser(ws, { username: 'cc', roles: 'coordinator', password: 'correct-horse-42' });
    const db = await ServerDb.attach(ws, 1);
    const app = await buildApp(db, { web: false, service: { uploadLimit: 1024 } });
    try {
      const s = await login(app, 'cc', 'correct-horse-42');
      const r = await upload(app, s, 'big.csv', Buffer.alloc(4096, 'a'));
      expect(r.statusCode).toBe(413);
      expect(r.json().error).toBe('big.csv is larger than the upload limit of 1 KiB (cip serve --upload-limit)');
    } finally {
      await app.close();
      await db.close();
      ws.close();
    }
  });
});
