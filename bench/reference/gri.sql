-- A plain GRI written by hand: the reference `npm run bench` compares the product with (bench/reference.ts runs it).
-- Reads a relation `lines` with the canonical column names (a view over a Parquet/CSV file or over
-- declaration_lines, made by the caller). Window: the 24 months up to the last date (the product's default window),
-- growth = last 12 months against the 12 before; 8 indicators per importer, equal weights; levels at the 70th and
-- 90th percentile of the GRI; sizes by value. Statements end with ';'.

CREATE OR REPLACE TEMP TABLE ref_window AS
SELECT max(date) AS w_end, CAST(max(date) - INTERVAL 24 MONTH AS DATE) AS w_start,
       CAST(max(date) - INTERVAL 12 MONTH AS DATE) AS g_split
FROM lines;

-- Risky brokers, HS codes, origins and suppliers: at least 30 labelled lines, finding rate ≥ 1.5 × the base rate.
CREATE OR REPLACE TEMP TABLE ref_risky AS
WITH w AS (SELECT l.* FROM lines l, ref_window r WHERE l.date > r.w_start AND l.date <= r.w_end),
d AS (
  SELECT 'broker' AS kind, declarant_id AS code, count(finding) AS n, count(*) FILTER (WHERE finding) AS f FROM w GROUP BY 2
  UNION ALL SELECT 'hs', hs_code, count(finding), count(*) FILTER (WHERE finding) FROM w GROUP BY 2
  UNION ALL SELECT 'origin', origin_country, count(finding), count(*) FILTER (WHERE finding) FROM w GROUP BY 2
  UNION ALL SELECT 'supplier', supplier_id, count(finding), count(*) FILTER (WHERE finding) FROM w GROUP BY 2
),
base AS (SELECT sum(f) / sum(n) AS rate FROM d WHERE kind = 'hs')
SELECT kind, code FROM d, base WHERE code IS NOT NULL AND n >= 30 AND f >= 1.5 * base.rate * n;

-- One pass over the window's lines: per importer, the measures of the 8 indicators.
CREATE OR REPLACE TEMP TABLE ref_ops AS
SELECT l.operator_id, count(*) AS lines, sum(l.value) AS value,
  count(rb.code) / count(*) AS broker_share,
  count(rh.code) / count(*) AS hs_share,
  count(ro.code) / count(*) AS origin_share,
  count(rs.code) / count(*) AS supplier_share,
  count(*) FILTER (WHERE l.finding) / nullif(count(l.finding), 0) AS finding_rate,
  count(DISTINCT l.declaration_id) FILTER (WHERE l.finding) AS finding_declarations,
  count(l.exemption_code) FILTER (WHERE l.date > r.g_split) / nullif(count(*) FILTER (WHERE l.date > r.g_split), 0)
    - count(l.exemption_code) FILTER (WHERE l.date <= r.g_split) / nullif(count(*) FILTER (WHERE l.date <= r.g_split), 0)
    AS exemption_growth,
  count(*) FILTER (WHERE l.date > r.g_split AND substr(l.hs_code, 6, 1) = '9') / nullif(count(*) FILTER (WHERE l.date > r.g_split), 0)
    - count(*) FILTER (WHERE l.date <= r.g_split AND substr(l.hs_code, 6, 1) = '9') / nullif(count(*) FILTER (WHERE l.date <= r.g_split), 0)
    AS residual_growth
FROM lines l
CROSS JOIN ref_window r
LEFT JOIN ref_risky rb ON rb.kind = 'broker' AND rb.code = l.declarant_id
LEFT JOIN ref_risky rh ON rh.kind = 'hs' AND rh.code = l.hs_code
LEFT JOIN ref_risky ro ON ro.kind = 'origin' AND ro.code = l.origin_country
LEFT JOIN ref_risky rs ON rs.kind = 'supplier' AND rs.code = l.supplier_id
WHERE l.date > r.w_start AND l.date <= r.w_end
GROUP BY l.operator_id;

-- Flags, GRI (share of the 8 indicators raised), size and level.
CREATE OR REPLACE TEMP TABLE ref_gri AS
WITH g AS (
  SELECT operator_id, value,
    ((broker_share >= 0.5)::INTEGER + (hs_share >= 0.5)::INTEGER + (origin_share >= 0.5)::INTEGER
      + (supplier_share >= 0.5)::INTEGER + (coalesce(finding_rate, 0) >= 0.3)::INTEGER + (finding_declarations >= 2)::INTEGER
      + (coalesce(exemption_growth, 0) >= 0.2)::INTEGER + (coalesce(residual_growth, 0) >= 0.2)::INTEGER) / 8.0 AS gri
  FROM ref_ops
),
bars AS (SELECT quantile_cont(gri, 0.7) AS medium, quantile_cont(gri, 0.9) AS high FROM g)
SELECT operator_id, value, gri,
  CASE WHEN value >= 1000000 THEN 'large' WHEN value >= 100000 THEN 'medium' ELSE 'small' END AS size,
  CASE WHEN gri > 0 AND gri >= bars.high THEN 'high' WHEN gri > 0 AND gri >= bars.medium THEN 'medium' ELSE 'low' END AS level
FROM g, bars;

-- Table 4: operators and value per size and level.
SELECT size, level, count(*) AS operators, sum(value) AS value FROM ref_gri GROUP BY ALL ORDER BY ALL;
