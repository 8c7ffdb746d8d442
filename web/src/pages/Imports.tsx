// Import in the browser: upload a file (CSV, XLSX, Parquet), check the suggested mapping in an editable table,
// preview the rows as they would be stored and the ones that would be rejected, save the mapping by name, then
// import as a job (followed live). Below, every import with its counts and its rejected rows as CSV.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, csrfToken, get, post, put } from '../api.ts';
import { ErrorBox, Loading } from '../components/Status.tsx';
import { JobProgress } from '../components/JobProgress.tsx';
import { MappingTable, normalise } from '../components/MappingTable.tsx';
import { startJob, useJob } from '../components/jobs.ts';
import { useApi } from '../components/useApi.ts';
import { fmtDateTime, fmtInt } from '../format.ts';
import { can, useMe } from '../session.tsx';
import type { Mapping } from '../../../src/ingest/mapping.ts';
import type { ImportKind } from '../../../src/ingest/fields.ts';
import type { ImportRow } from '../../../src/server/routes/data.ts';
import type {
  ImportFields,
  PreviewAnswer,
  SavedMappingAnswer,
  SuggestionAnswer,
  Upload,
} from '../../../src/server/routes/imports.ts';

const KINDS: ImportKind[] = ['declarations', 'operators', 'tax', 'cases', 'audits', 'treatments'];

/** Multipart upload with progress (fetch cannot report an upload's progress). */
function uploadFile(file: File, onProgress: (pct: number) => void): Promise<Upload> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/imports/uploads');
    xhr.setRequestHeader('x-csrf-token', csrfToken());
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress((e.loaded / e.total) * 100);
    xhr.onload = () => {
      let data: { error?: string } = {};
      try {
        data = JSON.parse(xhr.responseText || '{}') as { error?: string };
      } catch {
        /* not JSON */
      }
      if (xhr.status === 200) resolve(data as Upload);
      else reject(new ApiError(xhr.status, data.error ?? xhr.statusText));
    };
    xhr.onerror = () => reject(new ApiError(0, xhr.statusText || 'network error'));
    const form = new FormData();
    form.append('file', file);
    xhr.send(form);
  });
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

export function ImportsPage() {
  const { t } = useTranslation();
  const me = useMe();
  const imports = useApi(() => get<ImportRow[]>('/api/data/imports'), []);
  return (
    <section>
      <h1>{t('imp.title')}</h1>
      {can(me, 'data.write') && <ImportWizard onImported={imports.reload} />}
      <h2>{t('imp.list')}</h2>
      <ErrorBox error={imports.error} />
      <table data-testid="imports">
        <thead>
          <tr>
            <th>#</th>
            <th>{t('data.kind')}</th>
            <th>{t('data.file')}</th>
            <th>{t('data.by')}</th>
            <th>{t('data.when')}</th>
            <th className="num">{t('data.read')}</th>
            <th className="num">{t('data.imported')}</th>
            <th className="num">{t('data.rejected')}</th>
            <th className="num">{t('data.duplicates')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {(imports.data ?? []).map((i) => (
            <tr key={i.import_id} data-testid={`import-${i.import_id}`}>
              <td>{i.import_id}</td>
              <td>{i.kind}</td>
              <td>{i.file_name}</td>
              <td>{i.imported_by}</td>
              <td>{fmtDateTime(i.finished_at)}</td>
              <td className="num">{fmtInt(i.rows_read)}</td>
              <td className="num">{fmtInt(i.rows_imported)}</td>
              <td className={`num ${i.rows_rejected ? 'level-high' : ''}`}>{fmtInt(i.rows_rejected)}</td>
              <td className="num">{fmtInt(i.rows_duplicate)}</td>
              <td>
                {i.rows_rejected > 0 && (
                  <a href={`/api/imports/${i.import_id}/rejects.csv`} download>
                    {t('imp.rejectsCsv')}
                  </a>
                )}
              </td>
            </tr>
          ))}
          {imports.data?.length === 0 && (
            <tr>
              <td colSpan={10} className="empty">
                {t('data.noImports')}
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </section>
  );
}

function ImportWizard({ onImported }: { onImported: () => void }) {
  const { t } = useTranslation();
  const [kind, setKind] = useState<ImportKind>('declarations');
  const [file, setFile] = useState<File | null>(null);
  const [sent, setSent] = useState<number | null>(null);
  const [upload, setUpload] = useState<Upload | null>(null);
  const [suggestion, setSuggestion] = useState<SuggestionAnswer | null>(null);
  const [mapping, setMapping] = useState<Mapping | null>(null);
  const [preview, setPreview] = useState<PreviewAnswer | null>(null);
  const [name, setName] = useState('');
  const [savedNote, setSavedNote] = useState<string | null>(null);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [jobId, setJobId] = useState<number | null>(null);
  const job = useJob(jobId);
  const fields = useApi(() => get<ImportFields>('/api/imports/fields'), []);
  const saved = useApi(() => get<SavedMappingAnswer[]>('/api/imports/mappings'), []);
  const defs = fields.data?.find((f) => f.kind === kind);

  useEffect(() => {
    if (job && job.status !== 'queued' && job.status !== 'running') onImported();
  }, [job, onImported]);

  const act = async (fn: () => Promise<void>) => {
    setError(undefined);
    setBusy(true);
    try {
      await fn();
    } catch (e) {
      setError(message(e));
    } finally {
      setBusy(false);
    }
  };
  const send = () =>
    act(async () => {
      if (!file) return;
      setUpload(null);
      setSuggestion(null);
      setPreview(null);
      setJobId(null);
      setSent(0);
      const u = await uploadFile(file, setSent);
      setUpload(u);
      const s = await post<SuggestionAnswer>('/api/imports/suggest', { uploadId: u.uploadId, kind });
      setSuggestion(s);
      setMapping(normalise(s.mapping));
    });
  const doPreview = () =>
    act(async () => {
      setPreview(null);
      setPreview(await post<PreviewAnswer>('/api/imports/preview', { uploadId: upload!.uploadId, kind, mapping }));
    });
  const save = () =>
    act(async () => {
      const s = await put<SavedMappingAnswer>(`/api/imports/mappings/${encodeURIComponent(name)}`, { kind, mapping });
      setSavedNote(t('imp.saved', { name: s.name }));
      saved.reload();
    });
  const useSaved = (n: string) => {
    const m = saved.data?.find((x) => x.name === n);
    if (!m) return;
    setKind(m.kind);
    setMapping(normalise(m.mapping));
    setName(m.name);
    setPreview(null);
  };
  const start = () =>
    act(async () => {
      const j = await startJob({ kind: 'import', params: { uploadId: upload!.uploadId, kind, mapping: mapping! } });
      setJobId(j.id);
    });

  return (
    <div className="card" data-testid="import-wizard">
      <h2>{t('imp.new')}</h2>
      <div className="filters">
        <label>
          {t('imp.kind')}
          <select value={kind} onChange={(e) => setKind(e.target.value as ImportKind)} data-testid="import-kind">
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`imp.kinds.${k}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('imp.file')}
          <input
            type="file"
            accept=".csv,.txt,.tsv,.parquet,.pq,.xlsx,.xlsm"
            onChange={(e) => setFile(e.target.files?.[0] ?? null)}
            data-testid="import-file"
          />
        </label>
        <button type="button" disabled={!file || busy} onClick={() => void send()} data-testid="import-upload">
          {t('imp.upload')}
        </button>
        {sent !== null && !upload && <progress max={100} value={sent} aria-label={t('imp.uploading')} />}
      </div>
      <ErrorBox error={error ?? fields.error} />
      {upload && (
        <p className="small" data-testid="import-uploaded">
          {t('imp.uploaded', { name: upload.fileName, size: fmtInt(Math.round(upload.bytes / 1024)) })}
        </p>
      )}
      {suggestion && suggestion.missing.length > 0 && (
        <p className="level-medium small">{t('imp.missing', { fields: suggestion.missing.join(', ') })}</p>
      )}
      {upload && mapping && defs && suggestion && (
        <>
          <h3>{t('imp.mapping')}</h3>
          {(saved.data?.length ?? 0) > 0 && (
            <label className="inline small">
              {t('imp.useSaved')}
              <select value="" onChange={(e) => useSaved(e.target.value)} data-testid="import-saved">
                <option value="" />
                {saved.data!.map((m) => (
                  <option key={m.name} value={m.name}>
                    {m.name} ({m.kind})
                  </option>
                ))}
              </select>
            </label>
          )}
          <MappingTable
            defs={defs}
            columns={suggestion.columns}
            samples={suggestion.samples}
            mapping={mapping}
            onChange={(m) => {
              setMapping(m);
              setPreview(null);
              setSavedNote(null);
            }}
          />
          <div className="filters">
            <button type="button" disabled={busy} onClick={() => void doPreview()} data-testid="import-preview">
              {t('imp.preview')}
            </button>
            <label>
              {t('imp.saveAs')}
              <input value={name} onChange={(e) => setName(e.target.value)} data-testid="import-save-name" />
            </label>
            <button type="button" className="secondary" disabled={!name || busy} onClick={() => void save()}>
              {t('imp.save')}
            </button>
            {savedNote && <span className="ok-text small">{savedNote}</span>}
          </div>
        </>
      )}
      <Loading show={busy} />
      {preview && <Preview preview={preview} />}
      {preview && (
        <div className="filters">
          <button
            type="button"
            disabled={busy || (job && job.status === 'running')}
            onClick={() => void start()}
            data-testid="import-start"
          >
            {t('imp.import')}
          </button>
        </div>
      )}
      {job && (
        <div data-testid="import-job" data-status={job.status}>
          <JobProgress job={job} />{' '}
          {job.result?.type === 'import' && (
            <span data-testid="import-result">
              {job.result.alreadyImportedAs !== null
                ? t('jobs.result.already', { id: job.result.alreadyImportedAs })
                : t('jobs.result.import', {
                    read: fmtInt(job.result.summary.read),
                    imported: fmtInt(job.result.summary.imported),
                    rejected: fmtInt(job.result.summary.rejected),
                    duplicates: fmtInt(job.result.summary.duplicates),
                  })}
            </span>
          )}
          {job.result?.type === 'import' && (job.result.warnings ?? []).length > 0 && (
            <ul className="small" data-testid="import-warnings">
              {(job.result.warnings ?? []).map((w, i) => (
                <li key={i}>{w.text}</li>
              ))}
            </ul>
          )}
          {job.rejected && job.rejected.length > 0 && (
            <RejectedRows
              testId="import-rejected"
              caption={t('imp.rejectedByJob')}
              rows={job.rejected.flatMap((i) =>
                i.examples.map((e) => ({ key: `${i.code}:${e.row}:${e.column}`, ...e, text: e.message })),
              )}
            />
          )}
        </div>
      )}
    </div>
  );
}

function Preview({ preview }: { preview: PreviewAnswer }) {
  const { t } = useTranslation();
  const shown = preview.fields.filter((f) => preview.rows.some((r) => r.values[f] !== null));
  return (
    <>
      <h3>{t('imp.previewTitle')}</h3>
      <p className="small" data-testid="preview-counts">
        {t('imp.previewCounts', {
          scanned: fmtInt(preview.scanned),
          accepted: fmtInt(preview.accepted),
          rejected: fmtInt(preview.scanned - preview.accepted),
        })}
      </p>
      <div className="scroll">
        <table className="compact" data-testid="preview-rows">
          <thead>
            <tr>
              <th className="num">{t('data.row')}</th>
              {shown.map((f) => (
                <th key={f}>{f}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {preview.rows.map((r) => (
              <tr key={r.sourceRow}>
                <td className="num">{r.sourceRow}</td>
                {shown.map((f) => (
                  <td key={f}>{r.values[f] === null ? '' : String(r.values[f])}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {preview.rejected.length > 0 && (
        <>
          <h3>{t('imp.rejectedTitle')}</h3>
          <RejectedRows
            testId="preview-rejected"
            rows={preview.rejected.map((r, i) => ({
              key: String(i),
              row: r.sourceRow,
              column: r.column,
              value: r.value,
              text: r.message.text,
            }))}
          />
        </>
      )}
    </>
  );
}

/** Rejected rows with their problem in the reader's language: of a preview, or of a --strict import that failed. */
function RejectedRows({
  rows,
  testId,
  caption,
}: {
  rows: { key: string; row: number; column: string | null; value: string | null; text: string }[];
  testId: string;
  caption?: string;
}) {
  const { t } = useTranslation();
  return (
    <table className="compact" data-testid={testId}>
      {caption && <caption>{caption}</caption>}
      <thead>
        <tr>
          <th className="num">{t('data.row')}</th>
          <th>{t('data.column')}</th>
          <th>{t('data.value')}</th>
          <th>{t('data.problem')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.key}>
            <td className="num">{r.row}</td>
            <td>{r.column}</td>
            <td>{r.value}</td>
            <td>{r.text}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
