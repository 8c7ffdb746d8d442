// The computation of each KPI of catalogue.yaml, as SQL over the staged tables of staging.ts: kpi_groups holds the
// declarations grouped by period and attributes (n declarations, sums and counts of non-null amounts per group),
// kpi_levels the operators and collection per period and risk level, kpi_offences the offences per operator and period
// (n, amount, cum_n: offences from the start of the data), kpi_checked the periods in which a repeat offender had a
// declaration inspected.
// Every query returns: period_start DATE, dimension VARCHAR (NULL when the KPI has none),
// numerator DOUBLE, denominator DOUBLE (NULL when not a ratio/average), value DOUBLE.
// No user value is interpolated here: the window and period are applied when staging (bound params).

const COLLECTION_TAXES = `
  SELECT period_start, 'total' AS dimension, sum(collection) AS numerator, sum(value) AS denominator FROM imp GROUP BY 1
  UNION ALL SELECT period_start, 'duty', sum(duty), sum(value) FROM imp GROUP BY 1 HAVING sum(n_duty) > 0
  UNION ALL SELECT period_start, 'vat', sum(vat), sum(value) FROM imp GROUP BY 1 HAVING sum(n_vat) > 0
  UNION ALL SELECT period_start, 'excise', sum(excise), sum(value) FROM imp GROUP BY 1 HAVING sum(n_excise) > 0`;

/** Declarations in kpi_groups: all of the group, those meeting a condition. */
const COUNT = 'sum(n)::BIGINT';
const COUNT_IF = (cond: string) => `coalesce(sum(n) FILTER (WHERE ${cond}), 0)::BIGINT`;

export const KPI_SQL: Record<string, string> = {
  S1_collection_to_cif: `
    WITH imp AS NOT MATERIALIZED (SELECT * FROM kpi_groups WHERE flow IS NULL OR flow = 'import')
    SELECT period_start, dimension, numerator, denominator, numerator / nullif(denominator, 0) AS value
    FROM (${COLLECTION_TAXES})`,

  S2_collection_vs_trade: `
    SELECT period_start, 'collection' AS dimension, sum(collection) AS numerator, NULL::DOUBLE AS denominator, sum(collection) AS value
    FROM kpi_groups GROUP BY 1
    UNION ALL
    SELECT period_start, 'trade_value', sum(value), NULL, sum(value) FROM kpi_groups GROUP BY 1`,

  S3_release_time_by_mode: `
    SELECT period_start, transport_mode AS dimension, sum(release_hours) AS numerator, sum(n_release)::BIGINT AS denominator,
      sum(release_hours) / sum(n_release) AS value
    FROM kpi_groups WHERE n_release > 0 GROUP BY 1, 2`,

  T1_aeo_share_transactions: `
    SELECT period_start, NULL AS dimension, ${COUNT_IF('aeo')} AS numerator, ${COUNT} AS denominator,
      ${COUNT_IF('aeo')} / ${COUNT} AS value
    FROM kpi_groups GROUP BY 1`,

  T2_aeo_share_value: `
    SELECT period_start, NULL AS dimension, coalesce(sum(value) FILTER (WHERE aeo), 0) AS numerator, sum(value) AS denominator,
      coalesce(sum(value) FILTER (WHERE aeo), 0) / nullif(sum(value), 0) AS value
    FROM kpi_groups GROUP BY 1`,

  // Every channel seen in the window gets a row (0%) in each period with declarations.
  T3_channel_share: `
    WITH c AS NOT MATERIALIZED (
      SELECT period_start, channel, sum(n)::BIGINT AS n FROM kpi_groups WHERE channel IS NOT NULL GROUP BY 1, 2),
    tot AS NOT MATERIALIZED (SELECT period_start, sum(n) AS t FROM c GROUP BY 1),
    ch AS NOT MATERIALIZED (SELECT DISTINCT channel FROM c)
    SELECT tot.period_start, ch.channel AS dimension, coalesce(c.n, 0) AS numerator, tot.t AS denominator,
      coalesce(c.n, 0) / tot.t AS value
    FROM tot CROSS JOIN ch LEFT JOIN c ON c.period_start = tot.period_start AND c.channel = ch.channel`,

  T4_selectivity_hit_rate: `
    SELECT period_start, NULL AS dimension, ${COUNT_IF('finding')} AS numerator, ${COUNT} AS denominator,
      ${COUNT_IF('finding')} / ${COUNT} AS value
    FROM kpi_groups WHERE inspected GROUP BY 1`,

  // A declaration with a line selected by lot counts as random: its outcome says nothing of the targeting.
  T14_hit_rate_random_vs_targeted: `
    SELECT period_start, selection AS dimension, ${COUNT_IF('finding')} AS numerator, ${COUNT} AS denominator,
      ${COUNT_IF('finding')} / ${COUNT} AS value
    FROM kpi_groups WHERE inspected AND selection IS NOT NULL GROUP BY 1, 2`,

  T5_pca_hit_rate: `
    SELECT period_start, NULL AS dimension, count(*) FILTER (WHERE finding) AS numerator, count(*) AS denominator,
      count(*) FILTER (WHERE finding) / count(*) AS value
    FROM kpi_audits WHERE finding IS NOT NULL GROUP BY 1`,

  T6_repeat_offenders: `
    SELECT period_start, NULL AS dimension, count(*) AS numerator, NULL::DOUBLE AS denominator, count(*) AS value
    FROM kpi_offences WHERE cum_n >= 2 GROUP BY 1`,

  T7_repeat_offender_cases: `
    SELECT period_start, NULL AS dimension, sum(n) AS numerator, NULL::DOUBLE AS denominator, sum(n) AS value
    FROM kpi_offences WHERE cum_n >= 2 GROUP BY 1`,

  T8_repeat_offender_amount: `
    SELECT period_start, NULL AS dimension, sum(amount) AS numerator, NULL::DOUBLE AS denominator, sum(amount) AS value
    FROM kpi_offences WHERE cum_n >= 2 GROUP BY 1`,

  // Became compliant in t: ≥ 2 offences before t, inspected in t, no offence in t.
  T9_repeat_offenders_improved: `
  WITH became_repeat AS NOT MATERIALIZED (
    SELECT operator_id, min(period_start) AS since FROM kpi_offences WHERE cum_n >= 2 GROUP BY 1),
  checked AS NOT MATERIALIZED (SELECT operator_id, period_start FROM kpi_checked)
    SELECT c.period_start, NULL AS dimension, count(*) AS numerator, NULL::DOUBLE AS denominator, count(*) AS value
    FROM checked c JOIN became_repeat r ON r.operator_id = c.operator_id AND r.since < c.period_start
    WHERE NOT EXISTS (SELECT 1 FROM kpi_offences o WHERE o.operator_id = c.operator_id AND o.period_start = c.period_start)
    GROUP BY 1`,

  T10_operators_by_risk_level: `
    SELECT period_start, risk_level AS dimension, operators AS numerator, NULL::DOUBLE AS denominator,
      operators AS value
    FROM kpi_levels`,

  T11_collection_share_by_risk_level: `
    WITH c AS NOT MATERIALIZED (
      SELECT period_start, risk_level, collection AS coll FROM kpi_levels),
    tot AS NOT MATERIALIZED (SELECT period_start, sum(coll) AS t FROM c GROUP BY 1),
    lv AS NOT MATERIALIZED (SELECT DISTINCT risk_level FROM c)
    SELECT tot.period_start, lv.risk_level AS dimension, coalesce(c.coll, 0) AS numerator, tot.t AS denominator,
      coalesce(c.coll, 0) / nullif(tot.t, 0) AS value
    FROM tot CROSS JOIN lv LEFT JOIN c ON c.period_start = tot.period_start AND c.risk_level = lv.risk_level`,

  O1_clearance_avg_reassessment: `
    SELECT period_start, coalesce(compliance_risk, 'all') AS dimension, sum(reassessed) AS numerator,
      count(DISTINCT declaration_id) AS denominator, sum(reassessed) / count(DISTINCT declaration_id) AS value
    FROM kpi_findings GROUP BY GROUPING SETS ((period_start, compliance_risk), (period_start))`,

  O2_pca_avg_assessment: `
    SELECT period_start, coalesce(compliance_risk, 'all') AS dimension, sum(assessed) AS numerator,
      count(*) AS denominator, sum(assessed) / count(*) AS value
    FROM kpi_audits WHERE finding GROUP BY GROUPING SETS ((period_start, compliance_risk), (period_start))`,
};
