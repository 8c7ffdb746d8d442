// Governance (Annex 4): the committee and its terms of reference, which changes need its approval, proposals
// awaiting approval, meetings (attendance, agenda, minutes, decisions, actions, signatures, corrections, exports)
// and follow-up. Panels: ./governance/.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { get, post } from '../api.ts';
import { ErrorBox } from '../components/Status.tsx';
import { useApi } from '../components/useApi.ts';
import { navigate, useLocation } from '../router.ts';
import { can, useMe } from '../session.tsx';
import type {
  Committee,
  Followup,
  MeetingSummary,
  ProposalView,
  Settings,
} from '../../../src/server/routes/governance-schemas.ts';
import { CommitteePanel } from './governance/Committee.tsx';
import { MeetingPanel } from './governance/Meeting.tsx';
import { ProposalsPanel } from './governance/Proposals.tsx';
import { SettingsPanel } from './governance/Settings.tsx';
import { submitWith, val } from './governance/common.ts';

export function GovernancePage() {
  const { t } = useTranslation();
  const me = useMe();
  const write = can(me, 'governance.write');
  const propose = can(me, 'plan.write');
  const { search } = useLocation();
  const sel = search.get('ref');
  const committee = useApi(() => get<Committee>('/api/governance/committee'), []);
  const settings = useApi(() => get<Settings>('/api/governance/settings'), []);
  const meetings = useApi(() => get<MeetingSummary[]>('/api/governance/meetings'), []);
  const proposals = useApi(() => get<ProposalView[]>('/api/governance/proposals'), []);
  const follow = useApi(() => get<Followup>('/api/governance/followup'), []);
  const [error, setError] = useState<string>();
  const fail = (e: Error) => setError(e.message);
  const reloadAll = () => {
    setError(undefined);
    committee.reload();
    settings.reload();
    meetings.reload();
    proposals.reload();
    follow.reload();
  };
  const members = (committee.data?.members ?? []).filter((m) => m.active);

  return (
    <section>
      <h1>{t('gov.title')}</h1>
      <ErrorBox error={error ?? committee.error ?? meetings.error} />
      <h2>{t('gov.committee')}</h2>
      <CommitteePanel committee={committee.data} write={write} onChange={reloadAll} fail={fail} />

      <h2>{t('gov.approvals')}</h2>
      <SettingsPanel settings={settings.data} write={write} onChange={reloadAll} fail={fail} />

      <h2>{t('gov.proposals')}</h2>
      <ProposalsPanel proposals={proposals.data} propose={propose} onChange={reloadAll} fail={fail} />

      <h2>{t('gov.meetings')}</h2>
      <table className="compact" data-testid="gov-meetings">
        <thead>
          <tr>
            <th>{t('gov.ref')}</th>
            <th>{t('gov.date')}</th>
            <th>{t('gov.chair')}</th>
            <th>{t('gov.status')}</th>
          </tr>
        </thead>
        <tbody>
          {(meetings.data ?? []).map((m) => (
            <tr key={m.ref} className={m.ref === sel ? 'selected' : ''}>
              <td>
                <button
                  type="button"
                  className="link"
                  onClick={() => navigate(`/governance?ref=${encodeURIComponent(m.ref)}`)}
                >
                  {m.ref}
                </button>
              </td>
              <td>{m.heldOn}</td>
              <td>{m.chair}</td>
              <td>
                {m.status === 'signed'
                  ? t('gov.signedBy', { user: m.signedBy })
                  : m.status === 'signing'
                    ? t('gov.awaitingSecond')
                    : t('gov.open')}
              </td>
            </tr>
          ))}
          {meetings.data?.length === 0 && (
            <tr>
              <td colSpan={4} className="empty">
                {t('gov.noMeetings')}
              </td>
            </tr>
          )}
        </tbody>
      </table>
      {write && (
        <form
          className="inline"
          data-testid="gov-new-meeting"
          onSubmit={submitWith(
            async (f) => {
              const m = await post<MeetingSummary>('/api/governance/meetings', {
                heldOn: val(f, 'date'),
                chair: val(f, 'chair'),
              });
              navigate(`/governance?ref=${encodeURIComponent(m.ref)}`);
            },
            reloadAll,
            fail,
          )}
        >
          <input name="date" type="date" aria-label={t('gov.date')} required />
          <select name="chair" aria-label={t('gov.chair')} required>
            <option value="">{t('gov.pickChair')}</option>
            {members.map((m) => (
              <option key={m.id} value={m.id}>
                {m.name} ({m.roleLabel})
              </option>
            ))}
          </select>
          <button type="submit">{t('gov.holdMeeting')}</button>
        </form>
      )}
      {sel && <MeetingPanel key={sel} refId={sel} write={write} committee={committee.data} onChange={reloadAll} />}

      <h2>{t('gov.followup')}</h2>
      {follow.data && (
        <div className="card" data-testid="gov-followup">
          <p>
            {t('gov.reportLine', {
              done: follow.data.report.measures.done,
              total: follow.data.report.measures.total,
              late: follow.data.report.measures.late,
              open: follow.data.report.pending.openActions,
              overdue: follow.data.report.pending.overdueActions,
              pending: follow.data.report.pending.proposals.length,
            })}
          </p>
          <table className="compact">
            <thead>
              <tr>
                <th>{t('gov.unit')}</th>
                <th>{t('gov.overdueActions')}</th>
                <th>{t('gov.overdueMeasures')}</th>
              </tr>
            </thead>
            <tbody>
              {follow.data.overdue.map((u) => (
                <tr key={u.unit}>
                  <td>{u.unit}</td>
                  <td>{u.overdueActions.map((a) => a.id).join(', ')}</td>
                  <td>{u.overdueMeasures.map((m) => m.id).join(', ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <ul>
            {follow.data.reminders.map((r) => (
              <li key={r.actionId + r.kind} className={r.kind === 'overdue' ? 'level-high' : ''}>
                {r.message}
              </li>
            ))}
          </ul>
        </div>
      )}
      <p>
        <a href="/api/governance/decisions.xlsx">{t('gov.decisionLog')} (xlsx)</a> ·{' '}
        <a href="/api/governance/decisions.docx">{t('gov.decisionLog')} (docx)</a>
      </p>
    </section>
  );
}
