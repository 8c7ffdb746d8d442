import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { get, patch, post } from '../api.ts';
import { useApi } from '../components/useApi.ts';
import { ErrorBox } from '../components/Status.tsx';
import { fmtDateTime } from '../format.ts';
import { LANGUAGES } from '../i18n.ts';
import type { RolesListed, UnitListed, UserListed } from '../../../src/server/routes/admin.ts';

export function UsersPage() {
  const { t } = useTranslation();
  const users = useApi(() => get<UserListed[]>('/api/users'), []);
  const units = useApi(() => get<UnitListed[]>('/api/units'), []);
  const roles = useApi(() => get<RolesListed>('/api/roles'), []);
  const [form, setForm] = useState({
    username: '',
    display_name: '',
    roles: [] as string[],
    unit_id: 'HQ',
    password: '',
    language: 'en',
  });
  const [error, setError] = useState<string>();
  const [editing, setEditing] = useState<string | null>(null);
  const [reset, setReset] = useState<{ username: string; password: string | null }>();
  const [edit, setEdit] = useState<{ roles: string[]; unit_id: string }>({ roles: [], unit_id: 'HQ' });

  const create = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    try {
      await post('/api/users', { ...form, display_name: form.display_name || undefined });
      // A new account starts from nothing: the roles ticked for the previous one are not carried over.
      setForm({ ...form, username: '', display_name: '', password: '', roles: [] });
      users.reload();
    } catch (err) {
      setError((err as Error).message);
    }
  };
  const save = async (u: UserListed, body: Record<string, unknown>) => {
    setError(undefined);
    try {
      await patch(`/api/users/${encodeURIComponent(u.username)}`, body);
      setEditing(null);
      users.reload();
    } catch (err) {
      setError((err as Error).message);
    }
  };
  /** A new random password for the account, shown once (as `cip users set-password`); its sessions end. */
  const resetPassword = async (u: UserListed) => {
    setError(undefined);
    setReset(undefined);
    if (!confirm(t('users.confirmReset', { user: u.username }))) return;
    try {
      setReset(
        await post<{ username: string; password: string | null }>(
          `/api/users/${encodeURIComponent(u.username)}/password`,
          {},
        ),
      );
    } catch (err) {
      setError((err as Error).message);
    }
  };
  const roleCodes = roles.data?.roles.map((r) => r.code) ?? [];
  const unitName = (id: string) => units.data?.find((u) => u.unit_id === id)?.name ?? id;
  const RolePicker = ({ value, onChange }: { value: string[]; onChange: (v: string[]) => void }) => (
    <div className="checks">
      {roleCodes.map((r) => (
        <label key={r}>
          <input
            type="checkbox"
            checked={value.includes(r)}
            onChange={(e) => onChange(e.target.checked ? [...value, r] : value.filter((x) => x !== r))}
          />
          {t(`roles.${r}`)}
        </label>
      ))}
    </div>
  );
  const UnitPicker = ({ value, onChange }: { value: string; onChange: (v: string) => void }) => (
    <select value={value} onChange={(e) => onChange(e.target.value)}>
      {(units.data ?? []).map((u) => (
        <option key={u.unit_id} value={u.unit_id}>
          {t(`units.${u.level}`)}: {u.name}
        </option>
      ))}
    </select>
  );
  return (
    <section>
      <h1>{t('users.title')}</h1>
      <ErrorBox error={error ?? users.error} />
      {reset?.password && (
        <div className="ok" role="status" data-testid="reset-password">
          {t('users.newPassword', { user: reset.username })} <code>{reset.password}</code>
          <div className="small">{t('users.shownOnce')}</div>
        </div>
      )}
      <table>
        <thead>
          <tr>
            <th>{t('users.username')}</th>
            <th>{t('users.displayName')}</th>
            <th>{t('users.roles')}</th>
            <th>{t('users.unit')}</th>
            <th>{t('users.language')}</th>
            <th>{t('users.created')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {(users.data ?? []).map((u) => (
            <tr key={u.username} className={u.disabled ? 'disabled' : ''}>
              <td>{u.username}</td>
              <td>{u.display_name}</td>
              <td>
                {editing === u.username ? (
                  <RolePicker value={edit.roles} onChange={(roles) => setEdit({ ...edit, roles })} />
                ) : (
                  u.roles.map((r) => t(`roles.${r}`)).join(', ')
                )}
              </td>
              <td>
                {editing === u.username ? (
                  <UnitPicker value={edit.unit_id} onChange={(unit_id) => setEdit({ ...edit, unit_id })} />
                ) : (
                  unitName(u.unit_id)
                )}
              </td>
              <td>{t(`languages.${u.language}`)}</td>
              <td>{fmtDateTime(u.created_at)}</td>
              <td className="actions">
                {editing === u.username ? (
                  <>
                    <button type="button" onClick={() => void save(u, edit)}>
                      {t('app.save')}
                    </button>
                    <button type="button" className="link" onClick={() => setEditing(null)}>
                      {t('app.cancel')}
                    </button>
                  </>
                ) : (
                  <>
                    <button
                      type="button"
                      className="link"
                      onClick={() => {
                        setEditing(u.username);
                        setEdit({ roles: u.roles, unit_id: u.unit_id });
                      }}
                    >
                      {t('app.edit')}
                    </button>
                    <button type="button" className="link" onClick={() => void save(u, { disabled: !u.disabled })}>
                      {u.disabled ? t('users.enable') : t('users.disable')}
                    </button>
                    <button
                      type="button"
                      className="link"
                      onClick={() => void resetPassword(u)}
                      data-testid={`reset-${u.username}`}
                    >
                      {t('users.resetPassword')}
                    </button>
                  </>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>{t('users.add')}</h2>
      <form className="card form-grid" onSubmit={(e) => void create(e)}>
        <label>
          {t('users.username')}
          <input value={form.username} onChange={(e) => setForm({ ...form, username: e.target.value })} required />
        </label>
        <label>
          {t('users.displayName')}
          <input value={form.display_name} onChange={(e) => setForm({ ...form, display_name: e.target.value })} />
        </label>
        <label>
          {t('users.password')}
          <input
            type="password"
            minLength={10}
            value={form.password}
            onChange={(e) => setForm({ ...form, password: e.target.value })}
            required
            autoComplete="new-password"
          />
        </label>
        <label>
          {t('users.unit')}
          <UnitPicker value={form.unit_id} onChange={(unit_id) => setForm({ ...form, unit_id })} />
        </label>
        <label>
          {t('users.language')}
          <select value={form.language} onChange={(e) => setForm({ ...form, language: e.target.value })}>
            {LANGUAGES.map((l) => (
              <option key={l} value={l}>
                {t(`languages.${l}`)}
              </option>
            ))}
          </select>
        </label>
        <div>
          {t('users.roles')}
          <RolePicker value={form.roles} onChange={(r) => setForm({ ...form, roles: r })} />
        </div>
        <button type="submit" disabled={form.roles.length === 0}>
          {t('users.create')}
        </button>
      </form>
    </section>
  );
}
