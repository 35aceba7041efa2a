-- trust_gaps: per wave x scope x metric, the gap between the two groups' shares, has_officer −
-- no_officer, with its design-based standard error (docs/methodology.md, "Survey figures"). The
-- two groups are domains of the same design: the gap's linearised variable is the difference of
-- the two domains' z per PSU, so their covariance (shared strata, and a hromada whose officer
-- arrived during the fieldwork) is counted, not assumed away.
--   z_hi = (Σw·y − p₁·Σw)_{has, PSU i} / W₁ − (Σw·y − p₂·Σw)_{no, PSU i} / W₂
--   v = Σ_h stratum_variance(n_h, Σ_i z_hi, Σ_i z_hi²); df = the scope's design df
--   p = two-sided Student t; is_significant = p < 1 − confidence (one comparison per tile), only
--   when both groups may be shown and se > 0. reporting = the weaker class of the two groups.
-- Needs derived_50's TEMP tables and macro, and etl/reporting.py's t_two_sided_p().
CREATE OR REPLACE TABLE trust_gaps AS
WITH

rule AS (
    SELECT * FROM reporting_rule
),

groups AS (
    SELECT
        has.wave,
        has.scope_katottg,
        has.metric,
        has.share AS share_has_officer,
        no.share AS share_no_officer,
        has.share - no.share AS gap,
        has.df,
        CASE
            WHEN 'too_few' IN (has.reporting, no.reporting) THEN 'too_few'
            WHEN 'caution' IN (has.reporting, no.reporting) THEN 'caution'
            ELSE 'reportable'
        END AS reporting
    FROM trust_summary AS has
    JOIN trust_summary AS no
        ON no.wave = has.wave
        AND no.scope_katottg = has.scope_katottg
        AND no.metric = has.metric
        AND no.grp = 'no_officer'
    WHERE has.grp = 'has_officer'
),

domain_totals AS (
    SELECT wave, scope_katottg, metric, grp, sum(sw) AS w, sum(swy) / sum(sw) AS p
    FROM trust_domain_psus
    WHERE grp IN ('has_officer', 'no_officer')
    GROUP BY ALL
),

-- z of the gap per PSU: + the has_officer domain's z, − the no_officer domain's
psu_z AS (
    SELECT
        d.wave,
        d.scope_katottg,
        d.metric,
        d.stratum,
        d.psu,
        sum(CASE WHEN d.grp = 'has_officer' THEN 1 ELSE -1 END * (d.swy - t.p * d.sw) / t.w) AS z
    FROM trust_domain_psus AS d
    JOIN domain_totals AS t
        USING (wave, scope_katottg, metric, grp)
    GROUP BY ALL
),

variances AS (
    SELECT z.wave, z.scope_katottg, z.metric, sum(stratum_variance(s.n_h, z.sz, z.szz)) AS v
    FROM (
        SELECT wave, scope_katottg, metric, stratum, sum(z) AS sz, sum(z * z) AS szz
        FROM psu_z
        GROUP BY ALL
    ) AS z
    JOIN trust_design_strata AS s
        USING (wave, stratum)
    GROUP BY ALL
),

final AS (
    SELECT
        g.*,
        sqrt(greatest(v.v, 0)) AS se,
        g.gap / nullif(sqrt(greatest(v.v, 0)), 0) AS t_stat,
        t_two_sided_p(g.gap / nullif(sqrt(greatest(v.v, 0)), 0), g.df) AS p_value
    FROM groups AS g
    JOIN variances AS v
        USING (wave, scope_katottg, metric)
)

SELECT
    final.*,
    coalesce(final.reporting <> 'too_few' AND final.p_value < 1 - rule.confidence, FALSE) AS is_significant
FROM final
CROSS JOIN rule
ORDER BY wave, scope_katottg, metric;
