// Governance (Annex 4): the committee, proposals awaiting approval, meetings (agenda from the plan with actions
// carried forward, minutes per item, decisions, actions, sign-off, corrections, exports) and follow-up.
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { get, post } from '../api.ts';
import { ErrorBox } from '../components/Status.tsx';
import { useApi } from '../components/useApi.ts';
import { navigate, useLocation } from '../router.ts';
import { can, useMe } from '../session.tsx';

interface Member {
  id: string;
  name: string;
  role: string;
  roleLabel: string;
  unit: string | null;
  active: boolean;
}
interface Committee {
  members: Member[];
  subcommittees: { code: string; name: string; theme: string; reportsTo: string }[];
  roles: { code: string; label: string }[];
  terms: { title: string; body: string; version: number; changedBy: string } | null;
}
interface Meeting {
  ref: string;
  heldOn: string;
  chair: string;
  status: 'open' | 'signed';
  signedBy: string | null;
  signedAt: string | null;
  attendees: { memberId: string; name: string; role: string; unit: string | null }[];
}
interface Action {
  id: string;
  ref: string;
  description: string;
  ownerUnit: string;
  dueDate: string;
  status: string;
  closedIn: string | null;
}
interface Item {
  key: string;
  itemNo: number;
  kind: string;
  subjectType: string | null;
  subjectId: string | null;
  title: string;
  from?: string;
  action?: Action;
}
interface Minute {
  entryNo: number;
  itemKey: string;
  kind: string;
  body: string;
  author: string;
}
interface Decision {
  id: string;
  itemKey: string | null;
  subjectType: string;
  subjectId: string | null;
  outcome: string;
  text: string;
}
interface MeetingView extends Meeting {
  agenda: Item[];
  minutes: Minute[];
  decisions: Decision[];
  actions: Action[];
}
interface Proposal {
  id: string;
  kind: string;
  target: string;
  summary: string;
  status: string;
  decisionId: string | null;
  meetingRef: string | null;
  decidedBy: string | null;
  decidedAt: string | null;
}
interface Followup {
  overdue: { unit: string; overdueActions: { id: string }[]; overdueMeasures: { id: string }[] }[];
  reminders: { actionId: string; kind: string; message: string }[];
  report: {
    measures: { total: number; done: number; late: number };
    pending: { proposals: unknown[]; openActions: number; overdueActions: number };
  };
}

const fail = (e: Error) => alert(e.message);
const val = (f: FormData, k: string) => String(f.get(k) ?? '');

export function GovernancePage() {
  const { t } = useTranslation();
  const me = useMe();
  const write = can(me, 'governance.write');
  const propose = can(me, 'plan.write');
  const { search } = useLocation();
  const sel = search.get('ref');
  const committee = useApi(() => get<Committee>('/api/governance/committee'), []);
  const meetings = useApi(() => get<Meeting[]>('/api/governance/meetings'), []);
  const proposals = useApi(() => get<Proposal[]>('/api/governance/proposals'), []);
  const follow = useApi(() => get<Followup>('/api/governance/followup'), []);
  const reloadAll = () => {
    committee.reload();
    meetings.reload();
    proposals.reload();
    follow.reload();
  };

  const submit = (fn: (f: FormData) => Promise<unknown>) => async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    await fn(new FormData(form)).then(() => {
      form.reset();
      reloadAll();
    }, fail);
  };

  return (
    <section>
      <h1>{t('gov.title')}</h1>
      <ErrorBox error={committee.error ?? meetings.error} />
      <h2>{t('gov.committee')}</h2>
      <table className="compact" data-testid="gov-members">
        <thead>
          <tr>
            <th>{t('gov.id')}</th>
            <th>{t('gov.name')}</th>
            <th>{t('gov.role')}</th>
            <th>{t('gov.unit')}</th>
          </tr>
        </thead>
        <tbody>
          {(committee.data?.members ?? []).map((m) => (
            <tr key={m.id}>
              <td>{m.id}</td>
              <td>{m.name}</td>
              <td>{m.roleLabel}</td>
              <td>{m.unit}</td>
            </tr>
          ))}
          {committee.data?.members.length === 0 && (
            <tr>
              <td colSpan={4} className="empty">
                {t('gov.noMembers')}
              </td>
            </tr>
          )}
        </tbody>
      </table>
      {write && (
        <form
          className="inline"
          data-testid="gov-add-member"
          onSubmit={submit((f) =>
            post('/api/governance/members', {
              name: val(f, 'name'),
              role: val(f, 'role'),
              unit: val(f, 'unit') || null,
            }),
          )}
        >
          <input name="name" placeholder={t('gov.name')} required />
          <select name="role">
            {(committee.data?.roles ?? []).map((r) => (
              <option key={r.code} value={r.code}>
                {r.label}
              </option>
            ))}
          </select>
          <input name="unit" placeholder={t('gov.unit')} />
          <button type="submit">{t('gov.addMember')}</button>
        </form>
      )}

      <h3>{t('gov.subcommittees')}</h3>
      <table className="compact" data-testid="gov-subcommittees">
        <thead>
          <tr>
            <th>{t('gov.code')}</th>
            <th>{t('gov.name')}</th>
            <th>{t('gov.theme')}</th>
            <th>{t('gov.reportsTo')}</th>
          </tr>
        </thead>
        <tbody>
          {(committee.data?.subcommittees ?? []).map((s) => (
            <tr key={s.code}>
              <td>{s.code}</td>
              <td>{s.name}</td>
              <td>{s.theme}</td>
              <td>{s.reportsTo}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {write && (
        <form
          className="inline"
          data-testid="gov-add-subcommittee"
          onSubmit={submit((f) =>
            post('/api/governance/subcommittees', {
              code: val(f, 'code'),
              name: val(f, 'name'),
              theme: val(f, 'theme'),
            }),
          )}
        >
          <input name="code" placeholder={t('gov.code')} required />
          <input name="name" placeholder={t('gov.name')} required />
          <input name="theme" placeholder={t('gov.theme')} required />
          <button type="submit">{t('gov.addSubcommittee')}</button>
        </form>
      )}
      <h3>{t('gov.terms')}</h3>
      {committee.data?.terms ? (
        <details>
          <summary>
            {committee.data.terms.title} (v{committee.data.terms.version}, {committee.data.terms.changedBy})
          </summary>
          <pre className="small">{committee.data.terms.body}</pre>
        </details>
      ) : (
        <p className="muted">{t('gov.noTerms')}</p>
      )}

      <h2>{t('gov.proposals')}</h2>
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
          {(proposals.data ?? []).map((p) => (
            <tr key={p.id}>
              <td>{p.id}</td>
              <td>{p.kind}</td>
              <td>{p.target}</td>
              <td>{p.summary}</td>
              <td>{t(`gov.st_${p.status}`)}</td>
              <td>{p.decisionId ? `${p.decidedBy}, ${p.decidedAt?.slice(0, 10)}, ${p.decisionId}` : ''}</td>
            </tr>
          ))}
          {proposals.data?.length === 0 && (
            <tr>
              <td colSpan={6} className="empty">
                {t('gov.noProposals')}
              </td>
            </tr>
          )}
        </tbody>
      </table>
      {propose && (
        <form
          className="inline"
          data-testid="gov-propose"
          onSubmit={submit((f) =>
            post('/api/governance/proposals', {
              kind: 'treatment',
              summary: val(f, 'summary'),
              payload: { size: val(f, 'size'), risk: val(f, 'risk'), patch: { package: val(f, 'package') } },
            }),
          )}
        >
          <span>{t('gov.proposeTreatment')}</span>
          <select name="size" aria-label={t('gov.size')}>
            {['large', 'medium', 'small'].map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
          <select name="risk" aria-label={t('gov.risk')}>
            {['high', 'medium', 'low'].map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
          <input name="package" placeholder={t('gov.package')} required />
          <input name="summary" placeholder={t('gov.summary')} required />
          <button type="submit">{t('gov.propose')}</button>
        </form>
      )}

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
              <td>{m.status === 'signed' ? t('gov.signedBy', { user: m.signedBy }) : t('gov.open')}</td>
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
          onSubmit={submit(async (f) => {
            const m = await post<Meeting>('/api/governance/meetings', {
              heldOn: val(f, 'date'),
              chair: val(f, 'chair'),
            });
            navigate(`/governance?ref=${encodeURIComponent(m.ref)}`);
          })}
        >
          <input name="date" type="date" aria-label={t('gov.date')} required />
          <input name="chair" placeholder={t('gov.chair')} required />
          <button type="submit">{t('gov.holdMeeting')}</button>
        </form>
      )}
      {sel && <MeetingPanel key={sel} refId={sel} write={write} onChange={reloadAll} />}

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

function MeetingPanel({ refId, write, onChange }: { refId: string; write: boolean; onChange: () => void }) {
  const { t } = useTranslation();
  const m = useApi(() => get<MeetingView>(`/api/governance/meetings/${encodeURIComponent(refId)}`), [refId]);
  const [text, setText] = useState<Record<string, string>>({});
  const base = `/api/governance/meetings/${encodeURIComponent(refId)}`;
  const done = () => {
    m.reload();
    onChange();
  };
  const act = (p: Promise<unknown>) => p.then(done, fail);
  if (m.error) return <ErrorBox error={m.error} />;
  const v = m.data;
  if (!v) return null;
  const open = v.status === 'open' && write;
  const minutesOf = (key: string) => v.minutes.filter((x) => x.itemKey === key);
  const decide = (i: Item, outcome: string) =>
    act(
      post(`${base}/decisions`, {
        itemKey: i.key,
        subjectType: i.subjectType ?? 'none',
        subjectId: i.subjectId,
        outcome,
        text: text[i.key] || t(`gov.out_${outcome}`),
      }),
    );
  return (
    <div className="card" data-testid="gov-meeting">
      <h3>{t('gov.meetingTitle', { ref: v.ref, date: v.heldOn, chair: v.chair })}</h3>
      <p className="muted">
        {v.status === 'signed'
          ? t('gov.lockedNote', { user: v.signedBy, date: v.signedAt?.slice(0, 10) })
          : t('gov.openNote')}
      </p>
      <p>
        {t('gov.attendees')}: {v.attendees.map((a) => `${a.name}${a.unit ? ' (' + a.unit + ')' : ''}`).join('; ')}
      </p>
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
                  <div className="small">{t('gov.actionStatus', { status: i.action.status, from: i.from })}</div>
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
                      <b>{d.id}</b> {t(`gov.out_${d.outcome}`)}: {d.text}
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
              <td>{a.status === 'closed' ? t('gov.closedIn', { ref: a.closedIn ?? '' }) : a.status}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {open && (
        <form
          className="inline"
          data-testid="gov-assign"
          onSubmit={(e) => {
            e.preventDefault();
            const form = e.currentTarget;
            const f = new FormData(form);
            void post(`${base}/actions`, {
              description: val(f, 'description'),
              ownerUnit: val(f, 'owner'),
              dueDate: val(f, 'due'),
            }).then(() => {
              form.reset();
              done();
            }, fail);
          }}
        >
          <input name="description" placeholder={t('gov.action')} required />
          <input name="owner" placeholder={t('gov.owner')} required />
          <input name="due" type="date" aria-label={t('gov.due')} required />
          <button type="submit">{t('gov.assign')}</button>
        </form>
      )}
      <p>
        {open && (
          <button
            type="button"
            data-testid="gov-signoff"
            onClick={() => {
              if (confirm(t('gov.confirmSignoff'))) void act(post(`${base}/signoff`));
            }}
          >
            {t('gov.signOff')}
          </button>
        )}{' '}
        <a href={`${base}/minutes.docx`} data-testid="gov-minutes-docx">
          {t('gov.minutesDocx')}
        </a>{' '}
        · <a href={`${base}/minutes.xlsx`}>{t('gov.minutesXlsx')}</a>
      </p>
    </div>
  );
}
