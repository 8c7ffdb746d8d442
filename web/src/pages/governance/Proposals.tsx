// Changes awaiting (or settled by) the committee's approval, with what each would change; a treatment plan can
// be proposed from here (GRI configurations from the GRI workbench, register changes from the register).
import { useTranslation } from 'react-i18next';
import { post } from '../../api.ts';
import type { ProposalView } from '../../../../src/server/routes/governance-schemas.ts';
import { submitWith, val } from './common.ts';

const show = (v: unknown) =>
  v === null || v === undefined ? '—' : typeof v === 'object' ? JSON.stringify(v) : String(v);

export function ProposalsPanel({
  proposals,
  propose,
  onChange,
  fail,
}: {
  proposals: ProposalView[] | undefined;
  propose: boolean;
  onChange: () => void;
  fail: (e: Error) => void;
}) {
  const { t } = useTranslation();
  return (
    <>
      <table className="compact" data-testid="gov-proposals">
        <thead>
          <tr>
            <th>{t('gov.id')}</th>
            <th>{t('gov.kind')}</th>
            <th>{t('gov.target')}</th>
            <th>{t('gov.summary')}</th>
            <th>{t('gov.status')}</th>
            <th>{t('gov.approvedBy')}</th>
          </tr>
        </thead>
        <tbody>
          {(proposals ?? []).map((p) => (
            <tr key={p.id}>
              <td>{p.id}</td>
              <td>{t(`gov.kinds.${p.kind}`)}</td>
              <td>{p.target}</td>
              <td>
                {p.summary}
                {p.changes.length > 0 && (
                  <ul className="small" data-testid="proposal-changes">
                    {p.changes.map((c) => (
                      <li key={c.path}>
                        <code>{c.path}</code>: {show(c.before)} → <b>{show(c.after)}</b>
                      </li>
                    ))}
                  </ul>
                )}
              </td>
              <td>{t(`gov.st_${p.status}`)}</td>
              <td>{p.decisionId ? `${p.decidedBy}, ${p.decidedAt?.slice(0, 10)}, ${p.decisionId}` : ''}</td>
            </tr>
          ))}
          {proposals?.length === 0 && (
            <tr>
              <td colSpan={6} className="empty">
                {t('gov.noProposals')}
              </td>
            </tr>
          )}
        </tbody>
      </table>
      <p className="muted small">{t('gov.proposeWhere')}</p>
      {propose && (
        <form
          className="inline"
          data-testid="gov-propose"
          onSubmit={submitWith(
            (f) =>
              post('/api/governance/proposals', {
                kind: 'treatment',
                summary: val(f, 'summary'),
                payload: { size: val(f, 'size'), risk: val(f, 'risk'), patch: { package: val(f, 'package') } },
              }),
            onChange,
            fail,
          )}
        >
          <span>{t('gov.proposeTreatment')}</span>
          <select name="size" aria-label={t('gov.size')}>
            {['large', 'medium', 'small'].map((s) => (
              <option key={s} value={s}>
                {t(`size.${s}`)}
              </option>
            ))}
          </select>
          <select name="risk" aria-label={t('gov.risk')}>
            {['high', 'medium', 'low'].map((s) => (
              <option key={s} value={s}>
                {t(`level.${s}`)}
              </option>
            ))}
          </select>
          <input name="package" placeholder={t('gov.package')} aria-label={t('gov.package')} required />
          <input name="summary" placeholder={t('gov.summary')} aria-label={t('gov.summary')} required />
          <button type="submit">{t('gov.propose')}</button>
        </form>
      )}
    </>
  );
}
