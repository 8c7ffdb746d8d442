// The draft against the version in force: what changed, setting by setting, and "Publish" — one new version,
// or one proposal for the committee while GRI configurations need its approval.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { GriPreview } from '../../../../src/server/routes/gri-draft.ts';

const show = (v: unknown) =>
  v === null || v === undefined ? '—' : typeof v === 'object' ? JSON.stringify(v) : String(v);

export function DraftPanel({
  preview,
  version,
  approvalRequired,
  editable,
  busy,
  onPublish,
  onDiscard,
}: {
  preview: GriPreview | undefined;
  version: number;
  approvalRequired: boolean;
  editable: boolean;
  busy: boolean;
  onPublish: (p: { comment: string; summary: string }) => void;
  onDiscard: () => void;
}) {
  const { t } = useTranslation();
  const [comment, setComment] = useState('');
  const [summary, setSummary] = useState('');
  const changes = preview?.changes ?? [];
  return (
    <div className="card" data-testid="draft">
      <h3>{t('gri.draftTitle', { version })}</h3>
      {changes.length === 0 ? (
        <p className="muted">{t('gri.noChanges')}</p>
      ) : (
        <table className="compact" data-testid="draft-changes">
          <thead>
            <tr>
              <th>{t('gri.setting')}</th>
              <th>{t('gri.inForce')}</th>
              <th>{t('gri.inDraft')}</th>
            </tr>
          </thead>
          <tbody>
            {changes.map((c) => (
              <tr key={c.path}>
                <td>
                  <code>{c.path}</code>
                </td>
                <td>{show(c.before)}</td>
                <td>
                  <b>{show(c.after)}</b>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {preview?.needsFullRun && <p className="muted small">{t('gri.needsFullRun')}</p>}
      {approvalRequired && <p className="small">{t('gri.approvalNote')}</p>}
      {editable && (
        <div className="form-grid" style={{ marginTop: 8 }}>
          {approvalRequired && (
            <label>
              {t('gri.summary')}
              <input
                value={summary}
                onChange={(e) => setSummary(e.target.value)}
                placeholder={t('gri.summaryPlaceholder')}
                data-testid="draft-summary"
              />
            </label>
          )}
          <label>
            {t('gri.comment')}
            <input value={comment} onChange={(e) => setComment(e.target.value)} data-testid="draft-comment" />
          </label>
          <div className="row">
            <button
              type="button"
              disabled={busy || changes.length === 0 || (approvalRequired && !summary.trim())}
              onClick={() => onPublish({ comment, summary })}
              data-testid="publish"
            >
              {approvalRequired ? t('gri.proposeDraft') : t('gri.publish')}
            </button>
            <button
              type="button"
              className="secondary"
              disabled={busy || changes.length === 0}
              onClick={onDiscard}
              data-testid="discard"
            >
              {t('gri.discard')}
            </button>
          </div>
        </div>
      )}
    </div>
  );
}
