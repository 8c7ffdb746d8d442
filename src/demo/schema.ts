// Tables owned by the demo context: the generator's truth, for tests and for checking estimators
// (never read by the product's own analyses). Append new migrations; never edit a released one.
import type { Migration } from '../workspace/migrations.ts';
import { detection, pNonCompliant0, pNonCompliantTreated } from './model.ts';

const p0 = pNonCompliant0({
  propensity: 'o.propensity',
  sensitivity: 'coalesce(hs.sensitivity, 1.0)',
  countryRisk: 'coalesce(c.risk, 1.0)',
  brokerRisk: 'coalesce(b.risk, 1.0)',
  aeo: 'o.aeo',
});

export const demoMigrations: Migration[] = [
  {
    id: 'demo-001-truth',
    description: 'truth tables of the demo generator (parameters, operators, brokers, countries, HS codes)',
    sql: `
-- key/value: seed, rows, effect, treatment, treatment_start, true_effect, ... (see src/demo/truth.ts)
CREATE TABLE demo_truth (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL);

CREATE TABLE demo_truth_operators (
  operator_id VARCHAR PRIMARY KEY,
  size_rank INTEGER NOT NULL,            -- 0 = the operator drawn with most lines
  latent_z DOUBLE NOT NULL,              -- latent non-compliance score, N(0,1)
  propensity DOUBLE NOT NULL,            -- base probability that one of its lines is non-compliant
  aeo BOOLEAN NOT NULL,
  start_date DATE NOT NULL,              -- first day it may trade (entrants start inside the calendar)
  main_broker VARCHAR,                   -- NULL when it files its own declarations
  exemption_growth DOUBLE NOT NULL,      -- yearly growth of its share of exempt lines
  residual_growth DOUBLE NOT NULL,       -- yearly growth of its share of residual HS codes
  risky_supplier_share DOUBLE NOT NULL,
  vat_mismatch BOOLEAN NOT NULL,         -- tax-return traits (deliberate cross-check mismatches)
  imports_mismatch BOOLEAN NOT NULL,
  excise_mismatch BOOLEAN NOT NULL,
  non_filer BOOLEAN NOT NULL,
  pre_segment VARCHAR,                   -- size by value 2023-2024 (500,000 / 100,000 USD)
  pre_inspected INTEGER NOT NULL,
  pre_findings INTEGER NOT NULL,
  treat_prob DOUBLE NOT NULL,            -- probability of being treated, from pre_segment and the directorate (pilot DR03, DR04)
  treated BOOLEAN NOT NULL
);

CREATE TABLE demo_truth_brokers (declarant_id VARCHAR PRIMARY KEY, bad BOOLEAN NOT NULL, risk DOUBLE NOT NULL);
CREATE TABLE demo_truth_countries (country VARCHAR PRIMARY KEY, risk DOUBLE NOT NULL);
CREATE TABLE demo_truth_hs_codes (hs_code VARCHAR PRIMARY KEY, heading VARCHAR NOT NULL, sensitivity DOUBLE NOT NULL,
  residual BOOLEAN NOT NULL);

-- Per line: the generator's probabilities. p_nc0 = non-compliance without treatment, p_nc = with the treatment
-- effect (treated operators from the treatment start), p_find* = p_nc* × detection of the line's channel
-- (0 for uninspected lines). The true effect is avg(p_find - p_find0) over inspected post-period lines of
-- treated operators (see demo_truth key true_effect).
CREATE VIEW demo_truth_lines AS
SELECT l.declaration_id, l.line_no, l.operator_id, l.date, l.channel, l.inspected, l.finding, o.treated,
  l.date >= CAST((SELECT value FROM demo_truth WHERE key = 'treatment_start') AS DATE) AS post,
  ${p0} AS p_nc0,
  CASE WHEN o.treated AND l.date >= CAST((SELECT value FROM demo_truth WHERE key = 'treatment_start') AS DATE)
       THEN ${pNonCompliantTreated(p0, "CAST((SELECT value FROM demo_truth WHERE key = 'effect') AS DOUBLE)")}
       ELSE ${p0} END AS p_nc,
  ${p0} * ${detection('l.channel')} AS p_find0,
  CASE WHEN o.treated AND l.date >= CAST((SELECT value FROM demo_truth WHERE key = 'treatment_start') AS DATE)
       THEN ${pNonCompliantTreated(p0, "CAST((SELECT value FROM demo_truth WHERE key = 'effect') AS DOUBLE)")}
       ELSE ${p0} END * ${detection('l.channel')} AS p_find
FROM declaration_lines l
JOIN demo_truth_operators o ON o.operator_id = l.operator_id
LEFT JOIN demo_truth_hs_codes hs ON hs.hs_code = l.hs_code
LEFT JOIN demo_truth_countries c ON c.country = l.origin_country
LEFT JOIN demo_truth_brokers b ON b.declarant_id = l.declarant_id;
`,
  },
];
