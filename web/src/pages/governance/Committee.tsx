// The committee (Annex 4): members with their role and the account they sign with, technical subcommittees, and
// the terms of reference — their text and the members named to sign minutes off in the chair's place.
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { post, put } from '../../api.ts';
import type { Committee } from '../../../../src/server/routes/governance-schemas.ts';
import { ids, submitWith, val } from './common.ts';

export function CommitteePanel({
  committee,
  write,
  onChange,
  fail,
}: {
  committee: Committee | undefined;
  write: boolean;
  onChange: () => void;
  fail: (e: Error) => void;
}) {
  const { t } = useTranslation();
  const submit = (fn: (f: FormData) => Promise<unknown>) => submitWith(fn, onChange, fail);
  const [editing, setEditing] = useState<string | null>(null);
  const members = committee?.members ?? [];
  const terms = committee?.terms ?? null;
  const nameOf = (id: string) => members.find((m) => m.id === id)?.name ?? id;
  return (
    <>
      <table className="compact" data-testid="gov-members">
        <thead>
          <tr>
            <th>{t('gov.id')}</th>
            <th>{t('gov.name')}</th>
            <th>{t('gov.role')}</th>
            <th>{t('gov.unit')}</th>
            <th>{t('gov.account')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {members.map((m) =>
            editing === m.id ? (
              <tr key={m.id}>
                <td colSpan={6}>
                  <form
                    className="inline"
                    data-testid="gov-edit-member"
                    onSubmit={submit(async (f) => {
                      await post('/api/governance/members', {
                        id: m.id,
                        name: val(f, 'name'),
                        role: val(f, 'role'),
                        unit: val(f, 'unit') || null,
                        account: val(f, 'account') || null,
                        active: f.get('active') === 'on',
                      });
                      setEditing(null);
                    })}
                  >
                    <b>{m.id}</b>
                    <input name="name" defaultValue={m.name} aria-label={t('gov.name')} required />
                    <select name="role" defaultValue={m.role} aria-label={t('gov.role')}>
                      {(committee?.roles ?? []).map((r) => (
                        <option key={r.code} value={r.code}>
                          {r.label}
                        </option>
                      ))}
                    </select>
                    <input name="unit" defaultValue={m.unit ?? ''} aria-label={t('gov.unit')} />
                    <input name="account" defaultValue={m.account ?? ''} aria-label={t('gov.account')} />
                    <label className="inline">
                      <input type="checkbox" name="active" defaultChecked={m.active} /> {t('gov.active')}
                    </label>
                    <button type="submit">{t('app.save')}</button>
                    <button type="button" className="link" onClick={() => setEditing(null)}>
                      {t('app.cancel')}
                    </button>
                  </form>
                </td>
              </tr>
            ) : (
              <tr key={m.id} className={m.active ? '' : 'disabled'}>
                <td>{m.id}</td>
                <td>{m.name}</td>
                <td>{m.roleLabel}</td>
                <td>{m.unit}</td>
                <td>{m.account ?? <span className="muted">{t('gov.noAccount')}</span>}</td>
                <td>
                  {write && (
                    <button type="button" className="link" onClick={() => setEditing(m.id)}>
                      {t('app.edit')}
                    </button>
                  )}
                </td>
              </tr>
            ),
          )}
          {committee?.members.length === 0 && (
            <tr>
              <td colSpan={6} className="empty">
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
              account: val(f, 'account') || null,
            }),
          )}
        >
          <input name="name" placeholder={t('gov.name')} aria-label={t('gov.name')} required />
          <select name="role" aria-label={t('gov.role')}>
            {(committee?.roles ?? []).map((r) => (
              <option key={r.code} value={r.code}>
                {r.label}
              </option>
            ))}
          </select>
          <input name="unit" placeholder={t('gov.unit')} aria-label={t('gov.unit')} />
          <input name="account" placeholder={t('gov.accountPlaceholder')} aria-label={t('gov.account')} />
          <button type="submit">{t('gov.addMember')}</button>
        </form>
      )}
      <p className="muted small">{t('gov.accountHelp')}</p>

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
          {(committee?.subcommittees ?? []).map((s) => (
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
          <input name="code" placeholder={t('gov.code')} aria-label={t('gov.code')} required />
          <input name="name" placeholder={t('gov.name')} aria-label={t('gov.name')} required />
          <input name="theme" placeholder={t('gov.theme')} aria-label={t('gov.theme')} required />
          <button type="submit">{t('gov.addSubcommittee')}</button>
        </form>
      )}

      <h3>{t('gov.terms')}</h3>
      {terms ? (
        <div data-testid="gov-terms">
          <p>
            <b>{terms.title}</b>{' '}
            <span className="muted small">
              {t('gov.termsVersion', { version: terms.version, user: terms.changedBy })}
            </span>
          </p>
          <p>
            {t('gov.delegates')}:{' '}
            {terms.delegates.length ? terms.delegates.map((d) => `${nameOf(d)} (${d})`).join(', ') : t('gov.none')}
          </p>
          <details>
            <summary>{t('gov.termsText')}</summary>
            <pre className="small" style={{ whiteSpace: 'pre-wrap' }}>
              {terms.body}
            </pre>
          </details>
        </div>
      ) : (
        <p className="muted">{t('gov.noTerms')}</p>
      )}
      {write && <TermsForm terms={terms} members={members} onSave={submit} />}
    </>
  );
}

function TermsForm({
  terms,
  members,
  onSave,
}: {
  terms: Committee['terms'];
  members: Committee['members'];
  onSave: (fn: (f: FormData) => Promise<unknown>) => (e: FormEvent<HTMLFormElement>) => Promise<void>;
}) {
  const { t } = useTranslation();
  const [body, setBody] = useState<string | null>(null);
  const [fileName, setFileName] = useState<string | null>(null);
  return (
    <form
      className="card form-grid"
      data-testid="gov-terms-form"
      onSubmit={onSave(async (f) => {
        await put('/api/governance/terms', {
          title: val(f, 'title') || undefined,
          body: body ?? undefined,
          fileName: body !== null ? fileName : undefined,
          delegates: ids(f, 'delegate'),
        });
        setBody(null);
        setFileName(null);
      })}
    >
      <label>
        {t('gov.termsTitle')}
        <input name="title" defaultValue={terms?.title ?? ''} required={!terms} />
      </label>
      <label>
        {t('gov.termsFile')}
        <input
          type="file"
          accept=".txt,.md,text/plain,text/markdown"
          onChange={async (e) => {
            const file = e.target.files?.[0];
            if (!file) return;
            setBody(await file.text());
            setFileName(file.name);
          }}
        />
      </label>
      <label style={{ gridColumn: '1 / -1' }}>
        {t('gov.termsText')}
        <textarea
          rows={4}
          value={body ?? terms?.body ?? ''}
          onChange={(e) => setBody(e.target.value)}
          aria-label={t('gov.termsText')}
        />
      </label>
      <fieldset style={{ gridColumn: '1 / -1' }}>
        <legend>{t('gov.delegatesPick')}</legend>
        <div className="checks">
          {members
            .filter((m) => m.active)
            .map((m) => (
              <label key={m.id}>
                <input
                  type="checkbox"
                  name="delegate"
                  value={m.id}
                  defaultChecked={terms?.delegates.includes(m.id)}
                  disabled={!m.account}
                />
                {m.name} ({m.id}){m.account ? '' : ` — ${t('gov.noAccount')}`}
              </label>
            ))}
        </div>
      </fieldset>
      <div>
        <button type="submit">{t('gov.saveTerms')}</button>
      </div>
    </form>
  );
}
