-- wave_changes: for each scope x group x metric of trust_summary, the change of the share from the
-- previous wave that has a row for the same scope, group and metric (waves ordered by wave_start,
-- then label), tested with the design standard errors (docs/methodology.md, "Survey figures"):
--   t = change / √(se² + se_prev²)  (fresh respondents each wave: independent samples),
--   p = two-sided, Student t with df = the smaller of the two waves' design df,
--   Benjamini–Hochberg over the comparisons one table shows — every group and wave of one scope
--   and metric — among those it shows as numbers (both waves not 'too_few') with se > 0;
--   is_significant = adjusted p ≤ reporting_rule.fdr_level. A zero standard error flags nothing.
--   reporting = the weaker class of the two waves (too_few < caution < reportable).
-- Needs etl/reporting.py's reporting_rule table and t_two_sided_p().
CREATE OR REPLACE TABLE wave_changes AS
WITH

rule AS (
    SELECT * FROM reporting_rule
),

ordered AS (
    SELECT
        *,
        lag(wave) OVER w AS prev_wave,
        lag(share) OVER w AS prev_share,
        lag(se) OVER w AS prev_se,
        lag(df) OVER w AS prev_df,
        lag(reporting) OVER w AS prev_reporting
    FROM trust_summary
    WINDOW w AS (PARTITION BY scope_katottg, grp, metric ORDER BY wave_start, wave)
),

changes AS (
    SELECT
        wave,
        wave_start,
        prev_wave,
        scope_katottg,
        grp,
        metric,
        share,
        prev_share,
        share - prev_share AS change,
        sqrt(se * se + prev_se * prev_se) AS se_change,
        least(df, prev_df) AS df,
        CASE
            WHEN 'too_few' IN (reporting, prev_reporting) THEN 'too_few'
            WHEN 'caution' IN (reporting, prev_reporting) THEN 'caution'
            ELSE 'reportable'
        END AS reporting
    FROM ordered
    WHERE prev_wave IS NOT NULL
),

tested AS (
    SELECT
        *,
        change / nullif(se_change, 0) AS t_stat,
        t_two_sided_p(change / nullif(se_change, 0), df) AS p_value
    FROM changes
),

-- the comparisons a table shows as numbers, ranked by p within the table
family AS (
    SELECT
        *,
        row_number() OVER f AS p_rank,
        count(*) OVER (PARTITION BY scope_katottg, metric) AS m
    FROM tested
    WHERE reporting <> 'too_few' AND p_value IS NOT NULL
    WINDOW f AS (PARTITION BY scope_katottg, metric ORDER BY p_value, grp, wave_start)
),

adjusted AS (
    SELECT
        wave,
        scope_katottg,
        grp,
        metric,
        least(1.0, min(p_value * m / p_rank) OVER (
            PARTITION BY scope_katottg, metric
            ORDER BY p_rank DESC
            ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
        )) AS p_adjusted
    FROM family
),

final AS (
    SELECT
        tested.*,
        adjusted.p_adjusted,
        coalesce(adjusted.p_adjusted <= rule.fdr_level, FALSE) AS is_significant
    FROM tested
    LEFT JOIN adjusted
        USING (wave, scope_katottg, grp, metric)
    CROSS JOIN rule
)

SELECT * FROM final
ORDER BY scope_katottg, metric, grp, wave_start;
