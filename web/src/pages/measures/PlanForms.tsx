// Forms for the plan's measures and progress indicators (Annex 2 steps 3–4), the same steps as
// `cip measures add|depend` and `cip measures indicator add|record`.
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { post } from '../../api.ts';
import type { Measure, ProgressIndicator, VulnerabilityView } from '../../../../src/server/routes/plan-schemas.ts';

const val = (f: FormData, k: string) => String(f.get(k) ?? '').trim();
const list = (s: string) =>
  s
    .split(/[;,]/)
    .map((x) => x.trim())
    .filter(Boolean);

/** A form that posts, resets and reports: the refusal is shown next to it. */
function useSubmit(onDone: () => void) {
  const [error, setError] = useState<string>();
  const submit = (fn: (f: FormData) => Promise<unknown>) => async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    setError(undefined);
    try {
      await fn(new FormData(form));
      form.reset();
      onDone();
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return { submit, error };
}

function Refusal({ error }: { error?: string }) {
  return error ? (
    <div className="error small" role="alert">
      {error}
    </div>
  ) : null;
}

export function AddMeasureForm({
  vulns,
  measures,
  onDone,
}: {
  vulns: VulnerabilityView[];
  measures: Measure[];
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const { submit, error } = useSubmit(onDone);
  return (
    <form
      className="card form-grid"
      data-testid="add-measure"
      onSubmit={submit((f) =>
        post('/api/plan/measures', {
          vulnId: val(f, 'vuln'),
          description: val(f, 'description'),
          responsibleUnit: val(f, 'responsible'),
          supportingUnits: list(val(f, 'supporting')),
          expected: val(f, 'expected') || null,
          dependsOn: f.getAll('dependsOn').map(String),
        }),
      )}
    >
      <h3 style={{ gridColumn: '1 / -1' }}>{t('meas.addTitle')}</h3>
      <label>
        {t('meas.vuln')}
        <select name="vuln" required>
          {vulns.map((v) => (
            <option key={v.id} value={v.id}>
              {v.id} {v.processCode} — {v.description.slice(0, 60)}
            </option>
          ))}
        </select>
      </label>
      <label style={{ gridColumn: 'span 2' }}>
        {t('meas.description')}
        <input name="description" required />
      </label>
      <label>
        {t('meas.responsible')}
        <input name="responsible" required />
      </label>
      <label>
        {t('meas.supporting')}
        <input name="supporting" placeholder={t('meas.commaSeparated')} />
      </label>
      <label>
        {t('meas.expected')}
        <input name="expected" placeholder={t('meas.expectedPlaceholder')} />
      </label>
      {measures.length > 0 && (
        <fieldset style={{ gridColumn: '1 / -1' }}>
          <legend>{t('meas.dependsOn')}</legend>
          <div className="checks">
            {measures.map((m) => (
              <label key={m.id}>
                <input type="checkbox" name="dependsOn" value={m.id} /> {m.id}
              </label>
            ))}
          </div>
        </fieldset>
      )}
      <div>
        <button type="submit" disabled={vulns.length === 0}>
          {t('meas.add')}
        </button>
      </div>
      <div style={{ gridColumn: '1 / -1' }}>
        {vulns.length === 0 && <p className="muted small">{t('meas.noVulns')}</p>}
        <Refusal error={error} />
      </div>
    </form>
  );
}

/** Adds or removes what one measure depends on. */
export function DependencyEditor({
  measure,
  measures,
  onDone,
}: {
  measure: Measure;
  measures: Measure[];
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const { submit, error } = useSubmit(onDone);
  const others = measures.filter((m) => m.id !== measure.id && !measure.dependsOn.includes(m.id));
  return (
    <div data-testid={`deps-${measure.id}`}>
      {measure.dependsOn.map((d) => (
        <form
          key={d}
          className="inline"
          onSubmit={submit(() =>
            post(`/api/plan/measures/${encodeURIComponent(measure.id)}/dependencies`, { on: [d], remove: true }),
          )}
        >
          {d}{' '}
          <button type="submit" className="link" aria-label={t('meas.removeDependency', { id: d })}>
            ✕
          </button>
        </form>
      ))}
      {others.length > 0 && (
        <form
          className="inline"
          onSubmit={submit((f) =>
            post(`/api/plan/measures/${encodeURIComponent(measure.id)}/dependencies`, { on: [val(f, 'on')] }),
          )}
        >
          <select name="on" aria-label={t('meas.dependsOnFor', { id: measure.id })}>
            {others.map((m) => (
              <option key={m.id} value={m.id}>
                {m.id}
              </option>
            ))}
          </select>
          <button type="submit" className="link">
            {t('meas.addDependency')}
          </button>
        </form>
      )}
      <Refusal error={error} />
    </div>
  );
}

export function AddIndicatorForm({
  vulns,
  measures,
  onDone,
}: {
  vulns: VulnerabilityView[];
  measures: Measure[];
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const { submit, error } = useSubmit(onDone);
  const [vuln, setVuln] = useState('');
  const vulnId = vuln || vulns[0]?.id || '';
  return (
    <form
      className="card form-grid"
      data-testid="add-indicator"
      onSubmit={submit((f) =>
        post('/api/plan/indicators', {
          vulnId,
          measureId: val(f, 'measure') || null,
          name: val(f, 'name'),
          numeratorLabel: val(f, 'numerator'),
          denominatorLabel: val(f, 'denominator'),
          goal: val(f, 'goal') === '' ? null : Number(val(f, 'goal')),
        }),
      )}
    >
      <h3 style={{ gridColumn: '1 / -1' }}>{t('meas.addIndicatorTitle')}</h3>
      <label>
        {t('meas.vuln')}
        <select name="vuln" value={vulnId} onChange={(e) => setVuln(e.target.value)}>
          {vulns.map((v) => (
            <option key={v.id} value={v.id}>
              {v.id} {v.processCode}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('meas.measureOptional')}
        <select name="measure">
          <option value="">{t('meas.wholeVuln')}</option>
          {measures
            .filter((m) => m.vulnId === vulnId)
            .map((m) => (
              <option key={m.id} value={m.id}>
                {m.id} — {m.description.slice(0, 50)}
              </option>
            ))}
        </select>
      </label>
      <label style={{ gridColumn: 'span 2' }}>
        {t('meas.indicator')}
        <input name="name" required />
      </label>
      <label>
        {t('meas.numerator')}
        <input name="numerator" required />
      </label>
      <label>
        {t('meas.denominator')}
        <input name="denominator" required />
      </label>
      <label>
        {t('meas.goalPct')}
        <input name="goal" type="number" step="any" min="0" />
      </label>
      <div>
        <button type="submit" disabled={vulns.length === 0}>
          {t('meas.addIndicator')}
        </button>
      </div>
      <div style={{ gridColumn: '1 / -1' }}>
        <Refusal error={error} />
      </div>
    </form>
  );
}

/** Records (or corrects) the numerator and denominator of a period. */
export function RecordValueForm({ indicator, onDone }: { indicator: ProgressIndicator; onDone: () => void }) {
  const { t } = useTranslation();
  const { submit, error } = useSubmit(onDone);
  const num = (s: string) => Number(s.replace(/[\s,_]/g, ''));
  return (
    <>
      <form
        className="inline"
        data-testid={`record-${indicator.id}`}
        onSubmit={submit((f) =>
          post(`/api/plan/indicators/${encodeURIComponent(indicator.id)}/values`, {
            period: val(f, 'period'),
            numerator: num(val(f, 'numerator')),
            denominator: num(val(f, 'denominator')),
          }),
        )}
      >
        <input
          name="period"
          placeholder={t('meas.period')}
          aria-label={t('meas.period')}
          required
          style={{ width: 80 }}
        />
        <input
          name="numerator"
          placeholder={t('meas.numerator')}
          aria-label={t('meas.numerator')}
          required
          inputMode="decimal"
          style={{ width: 100 }}
        />
        <input
          name="denominator"
          placeholder={t('meas.denominator')}
          aria-label={t('meas.denominator')}
          required
          inputMode="decimal"
          style={{ width: 100 }}
        />
        <button type="submit" className="secondary">
          {t('meas.record')}
        </button>
      </form>
      <Refusal error={error} />
    </>
  );
}
