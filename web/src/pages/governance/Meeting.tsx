// One meeting: the members called and their attendance, the agenda (items added by hand, actions carried forward)
// with minutes and decisions, actions, signatures and sign-off, corrections once signed off, exports.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { get, post, put } from '../../api.ts';
import { JobDownload } from '../../components/JobDownload.tsx';
import { ErrorBox } from '../../components/Status.tsx';
import { useApi } from '../../components/useApi.ts';
import type { AgendaItem, Committee, MeetingView } from '../../../../src/server/routes/governance-schemas.ts';
import { ids, submitWith, val } from './common.ts';

const SUBJECTS = ['none', 'measure', 'vulnerability', 'indicator', 'treatment', 'gri_config', 'action'] as const;

export function MeetingPanel({
  refId,
  write,
  committee,
  onChange,
}: {
  refId: string;
  write: boolean;
  committee: Committee | undefined;
  onChange: () => void;
}) {
  const { t } = useTranslation();
  const m = useApi(() => get<MeetingView>(`/api/governance/meetings/${encodeURIComponent(refId)}`), [refId]);
  const [text, setText] = useState<Record<string, string>>({});
  const [error, setError] = useState<string>();
  const base = `/api/governance/meetings/${encodeURIComponent(refId)}`;
  const done = () => {
    setError(undefined);
    m.reload();
    onChange();
  };
  const fail = (e: Error) => setError(e.message);
  const act = (p: Promise<unknown>) => p.then(done, fail);
  if (m.error) return <ErrorBox error={m.error} />;
  const v = m.data;
  if (!v) return null;
  const open = v.status === 'open' && write;
  const minutesOf = (key: string) => v.minutes.filter((x) => x.itemKey === key);
  const decide = (i: AgendaItem, outcome: string) =>
    act(
      post(`${base}/decisions`, {
        itemKey: i.key,
        subjectType: i.subjectType ?? 'none',
        subjectId: i.subjectId,
        outcome,
        // the outcome is stored as a code and shown in the reader's language; the text is only what people wrote
        text: text[i.key] ?? '',
      }),
    );
  const delegates = (committee?.terms?.delegates ?? [])
    .map((id) => committee?.members.find((x) => x.id === id)?.name ?? id)
    .join(', ');
  return (
    <div className="card" data-testid="gov-meeting">
      <h3>{t('gov.meetingTitle', { ref: v.ref, date: v.heldOn, chair: v.chair })}</h3>
      <p className="muted" data-testid="gov-status">
        {v.status === 'signed'
          ? t('gov.lockedNote', { user: v.signedBy, date: v.signedAt?.slice(0, 10) })
          : v.status === 'signing'
            ? t('gov.signingNote')
            : t('gov.openNote')}
      </p>
      <ErrorBox error={error} />

      <h4>{t('gov.attendance')}</h4>
      <form
        data-testid="gov-attendance"
        onSubmit={submitWith(
          (f) => {
            const present = ids(f, 'present');
            return put(`${base}/attendance`, {
              present,
              absent: v.attendees.map((a) => a.memberId).filter((id) => !present.includes(id)),
            });
          },
          done,
          fail,
        )}
      >
        <table className="compact">
          <thead>
            <tr>
              <th>{t('gov.present')}</th>
              <th>{t('gov.name')}</th>
              <th>{t('gov.role')}</th>
              <th>{t('gov.unit')}</th>
              <th>{t('gov.recorded')}</th>
            </tr>
          </thead>
          <tbody>
            {v.attendees.map((a) => (
              <tr key={a.memberId}>
                <td>
                  <input
                    type="checkbox"
                    name="present"
                    value={a.memberId}
                    defaultChecked={a.present ?? false}
                    disabled={!open}
                    aria-label={t('gov.presentName', { name: a.name })}
                  />
                </td>
                <td>
                  {a.name}
                  {a.memberId === v.chairMemberId ? ` (${t('gov.chairShort')})` : ''}
                </td>
                <td>{committee?.roles.find((r) => r.code === a.role)?.label ?? a.role}</td>
                <td>{a.unit}</td>
                <td className={a.present === null ? 'muted' : ''}>
                  {a.present === null ? t('gov.notRecorded') : a.present ? t('gov.wasPresent') : t('gov.wasAbsent')}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {open && <button type="submit">{t('gov.recordAttendance')}</button>}
      </form>

      <h4>{t('gov.agenda')}</h4>
      <table data-testid="gov-agenda">
        <thead>
          <tr>
            <th>#</th>
            <th>{t('gov.item')}</th>
            <th>{t('gov.minutes')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {v.agenda.map((i) => (
            <tr key={i.key} data-key={i.key}>
              <td>{i.itemNo}</td>
              <td>
                {i.title}
                {i.action && (
                  <div className="small">
                    {t('gov.actionStatus', { status: t(`gov.act_${i.action.status}`), from: i.from })}
                  </div>
                )}
              </td>
              <td>
                {minutesOf(i.key).map((x) => (
                  <div key={x.entryNo} className={x.kind === 'correction' ? 'small level-medium' : 'small'}>
                    {x.kind === 'correction' ? t('gov.correction') + ': ' : ''}
                    {x.body}
                  </div>
                ))}
                {v.decisions
                  .filter((d) => d.itemKey === i.key)
                  .map((d) => (
                    <div key={d.id} className="small">
                      <b>{d.id}</b> {t(`gov.out_${d.outcome}`)}
                      {d.text ? `: ${d.text}` : ''}
                    </div>
                  ))}
                {(open || (v.status === 'signed' && write)) && (
                  <textarea
                    aria-label={t('gov.minutes')}
                    rows={2}
                    value={text[i.key] ?? ''}
                    onChange={(e) => setText({ ...text, [i.key]: e.target.value })}
                  />
                )}
              </td>
              <td>
                {open && (
                  <button
                    type="button"
                    onClick={() =>
                      void act(
                        post(`${base}/minutes`, { itemKey: i.key, text: text[i.key] ?? '' }).then(() =>
                          setText({ ...text, [i.key]: '' }),
                        ),
                      )
                    }
                  >
                    {t('gov.saveMinutes')}
                  </button>
                )}
                {open && i.kind === 'approval' && !v.decisions.some((d) => d.itemKey === i.key) && (
                  <>
                    <button type="button" onClick={() => void decide(i, 'approved')}>
                      {t('gov.approve')}
                    </button>
                    <button type="button" onClick={() => void decide(i, 'rejected')}>
                      {t('gov.reject')}
                    </button>
                  </>
                )}
                {open && i.kind !== 'approval' && (
                  <button type="button" onClick={() => void decide(i, 'noted')}>
                    {t('gov.recordDecision')}
                  </button>
                )}
                {open && i.action && i.action.status !== 'closed' && (
                  <button
                    type="button"
                    onClick={() =>
                      void act(
                        (text[i.key]
                          ? post(`${base}/minutes`, { itemKey: i.key, text: text[i.key] })
                          : Promise.resolve()
                        )
                          .then(() =>
                            post(`/api/governance/actions/${encodeURIComponent(i.action!.id)}/updates`, {
                              status: 'closed',
                              ref: v.ref,
                              note: text[i.key] || null,
                            }),
                          )
                          .then(() => setText({ ...text, [i.key]: '' })),
                      )
                    }
                  >
                    {t('gov.closeAction')}
                  </button>
                )}
                {v.status === 'signed' && write && (
                  <button
                    type="button"
                    onClick={() => void act(post(`${base}/corrections`, { itemKey: i.key, text: text[i.key] ?? '' }))}
                  >
                    {t('gov.addCorrection')}
                  </button>
                )}
              </td>
            </tr>
          ))}
          {v.agenda.length === 0 && (
            <tr>
              <td colSpan={4} className="empty">
                {t('gov.emptyAgenda')}
              </td>
            </tr>
          )}
        </tbody>
      </table>
      {open && (
        <form
          className="inline"
          data-testid="gov-add-item"
          onSubmit={submitWith(
            (f) =>
              post(`${base}/agenda`, {
                title: val(f, 'title'),
                subjectType: val(f, 'subjectType') === 'none' ? null : val(f, 'subjectType'),
                subjectId: val(f, 'subjectId') || null,
              }),
            done,
            fail,
          )}
        >
          <input name="title" placeholder={t('gov.itemTitle')} aria-label={t('gov.itemTitle')} required />
          <select name="subjectType" aria-label={t('gov.subject')}>
            {SUBJECTS.map((s) => (
              <option key={s} value={s}>
                {t(`gov.subjects.${s}`)}
              </option>
            ))}
          </select>
          <input name="subjectId" placeholder={t('gov.subjectId')} aria-label={t('gov.subjectId')} />
          <button type="submit">{t('gov.addItem')}</button>
        </form>
      )}

      <h4>{t('gov.actions')}</h4>
      <table className="compact" data-testid="gov-actions">
        <thead>
          <tr>
            <th>{t('gov.id')}</th>
            <th>{t('gov.action')}</th>
            <th>{t('gov.owner')}</th>
            <th>{t('gov.due')}</th>
            <th>{t('gov.status')}</th>
          </tr>
        </thead>
        <tbody>
          {v.actions.map((a) => (
            <tr key={a.id}>
              <td>{a.id}</td>
              <td>{a.description}</td>
              <td>{a.ownerUnit}</td>
              <td>{a.dueDate}</td>
              <td>{a.status === 'closed' ? t('gov.closedIn', { ref: a.closedIn ?? '' }) : t(`gov.act_${a.status}`)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {open && (
        <form
          className="inline"
          data-testid="gov-assign"
          onSubmit={submitWith(
            (f) =>
              post(`${base}/actions`, {
                description: val(f, 'description'),
                ownerUnit: val(f, 'owner'),
                dueDate: val(f, 'due'),
              }),
            done,
            fail,
          )}
        >
          <input name="description" placeholder={t('gov.action')} aria-label={t('gov.action')} required />
          <input name="owner" placeholder={t('gov.owner')} aria-label={t('gov.owner')} required />
          <input name="due" type="date" aria-label={t('gov.due')} required />
          <button type="submit">{t('gov.assign')}</button>
        </form>
      )}

      <h4>{t('gov.signatures')}</h4>
      <ul data-testid="gov-signatures">
        {v.signatures.map((s) => (
          <li key={s.memberId}>
            {t('gov.signedAs', {
              name: s.name,
              capacity: t(`gov.capacity.${s.capacity}`),
              at: s.signedAt.slice(0, 10),
            })}
          </li>
        ))}
        {v.signatures.length === 0 && <li className="muted">{t('gov.noSignatures')}</li>}
      </ul>
      {v.status !== 'signed' && (
        <p className="muted small">
          {t('gov.whoSigns', {
            chair: v.chair,
            delegates: delegates || t('gov.none'),
            preparers: v.preparers.join(', '),
          })}
        </p>
      )}
      <p>
        {write && v.status !== 'signed' && (
          <button
            type="button"
            data-testid="gov-signoff"
            onClick={() => {
              if (confirm(t('gov.confirmSignoff'))) void act(post(`${base}/signoff`));
            }}
          >
            {v.status === 'signing' ? t('gov.coSign') : t('gov.signOff')}
          </button>
        )}{' '}
        <JobDownload
          request={{ kind: 'minutes-export', params: { ref: v.ref, format: 'docx' } }}
          testId="gov-minutes-docx"
        >
          {t('gov.minutesDocx')}
        </JobDownload>{' '}
        <JobDownload
          request={{ kind: 'minutes-export', params: { ref: v.ref, format: 'xlsx' } }}
          testId="gov-minutes-xlsx"
        >
          {t('gov.minutesXlsx')}
        </JobDownload>
      </p>
    </div>
  );
}
