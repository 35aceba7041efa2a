-- trust_summary: weighted shares per survey wave x scope ('UA' or an oblast) x group ('all',
-- 'covered', 'not_covered') x metric ('trust', 'knows_officer'), with Kish effective n, standard
-- error and a 95 % Wilson score interval computed with the effective n (docs/methodology.md).
-- One pass over the respondents (a GROUP BY at the finest grain); the roll-up to scopes and groups
-- runs on that small table, since every aggregate here is a sum.
CREATE OR REPLACE TABLE trust_summary AS
WITH

-- the only pass over the respondents: sums per (wave, hromada, interview date), the grain at which
-- "an officer serving in the respondent's hromada on the interview date" is decided
respondent_cells AS (
    SELECT
        wave,
        hromada_katottg,
        interview_date,
        count(*) FILTER (WHERE trust_police BETWEEN 1 AND 4) AS n_trust,
        sum(weight) FILTER (WHERE trust_police BETWEEN 1 AND 4) AS sw_trust,
        sum(weight * weight) FILTER (WHERE trust_police BETWEEN 1 AND 4) AS sw2_trust,
        sum(weight) FILTER (WHERE trust_police BETWEEN 1 AND 2) AS swy_trust,
        count(*) FILTER (WHERE knows_officer IS NOT NULL) AS n_knows,
        sum(weight) FILTER (WHERE knows_officer IS NOT NULL) AS sw_knows,
        sum(weight * weight) FILTER (WHERE knows_officer IS NOT NULL) AS sw2_knows,
        sum(weight) FILTER (WHERE knows_officer) AS swy_knows
    FROM trust_survey
    GROUP BY wave, hromada_katottg, interview_date
),

waves AS (
    SELECT wave, min(interview_date) AS wave_start, max(interview_date) AS wave_end
    FROM respondent_cells
    GROUP BY wave
),

cells AS (
    SELECT
        respondent_cells.*,
        hromadas.oblast_katottg,
        coalesce(steps.officers_serving, 0) >= 1 AS is_covered
    FROM respondent_cells
    JOIN hromadas
        ON hromadas.katottg = respondent_cells.hromada_katottg
    ASOF LEFT JOIN hromada_state_steps AS steps
        ON steps.katottg = respondent_cells.hromada_katottg
        AND respondent_cells.interview_date >= steps.from_date
),

rolled_up AS (
    SELECT
        wave,
        CASE WHEN grouping(oblast_katottg) = 1 THEN 'UA' ELSE oblast_katottg END AS scope_katottg,
        CASE
            WHEN grouping(is_covered) = 1 THEN 'all'
            WHEN is_covered THEN 'covered'
            ELSE 'not_covered'
        END AS grp,
        sum(n_trust) AS n_trust,
        sum(sw_trust) AS sw_trust,
        sum(sw2_trust) AS sw2_trust,
        coalesce(sum(swy_trust), 0) AS swy_trust,
        sum(n_knows) AS n_knows,
        sum(sw_knows) AS sw_knows,
        sum(sw2_knows) AS sw2_knows,
        coalesce(sum(swy_knows), 0) AS swy_knows
    FROM cells
    GROUP BY GROUPING SETS (
        (wave, oblast_katottg, is_covered),
        (wave, oblast_katottg),
        (wave, is_covered),
        (wave)
    )
),

by_metric AS (
    SELECT wave, scope_katottg, grp, 'trust' AS metric,
        n_trust AS n_unweighted, sw_trust AS sw, sw2_trust AS sw2, swy_trust AS swy
    FROM rolled_up
    UNION ALL
    SELECT wave, scope_katottg, grp, 'knows_officer',
        n_knows, sw_knows, sw2_knows, swy_knows
    FROM rolled_up
),

estimates AS (
    SELECT
        wave,
        scope_katottg,
        grp,
        metric,
        n_unweighted,
        swy / sw AS p,
        sw * sw / sw2 AS n_eff,
        1.959963984540054 AS z
    FROM by_metric
    WHERE n_unweighted > 0
),

intervals AS (
    SELECT
        *,
        sqrt(p * (1 - p) / n_eff) AS se,
        (p + z * z / (2 * n_eff)) / (1 + z * z / n_eff) AS wilson_centre,
        z / (1 + z * z / n_eff) * sqrt(p * (1 - p) / n_eff + z * z / (4 * n_eff * n_eff)) AS wilson_half
    FROM estimates
),

final AS (
    SELECT
        intervals.wave,
        waves.wave_start,
        waves.wave_end,
        intervals.scope_katottg,
        intervals.grp,
        intervals.metric,
        intervals.p::DOUBLE AS share,
        intervals.n_unweighted::INTEGER AS n_unweighted,
        intervals.n_eff::DOUBLE AS n_effective,
        intervals.se::DOUBLE AS se,
        greatest(intervals.wilson_centre - intervals.wilson_half, 0)::DOUBLE AS ci_low,
        least(intervals.wilson_centre + intervals.wilson_half, 1)::DOUBLE AS ci_high
    FROM intervals
    JOIN waves
        ON waves.wave = intervals.wave
)

SELECT * FROM final
ORDER BY wave_start, wave, scope_katottg = 'UA' DESC, scope_katottg, grp, metric;
