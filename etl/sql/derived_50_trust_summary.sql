-- trust_summary: the weighted share per survey wave x scope ('UA' or an oblast) x group ('all',
-- 'has_officer', 'no_officer') x metric ('trust', 'knows_officer'), with its design-based standard
-- error, interval and reporting class (docs/methodology.md, "Survey figures").
--
-- The design of each wave: strata = oblasts, PSUs = hromadas; a stratum that is a single hromada
-- in the registry (Kyiv city) is a certainty stratum, whose respondents are its PSUs. Every scope,
-- group and answered/not-answered split is a DOMAIN of the wave's whole design (respondents
-- outside it count with a zero), never a subset with its own design.
-- Share: the ratio p = Σ w·y / Σ w over the domain. Variance: Taylor linearisation of the ratio,
-- with-replacement between PSUs: z_hi = Σ_{j in PSU i of stratum h, in the domain} w·(y − p) / Σ w,
-- v = Σ_h n_h/(n_h − 1) · Σ_i (z_hi − z̄_h)², n_h = PSUs of stratum h in the wave (a stratum with
-- a single PSU adds nothing). df = PSUs − strata of the scope's strata.
-- Needs etl/reporting.py's reporting_rule table and t_quantile(). The TEMP tables and macro are the
-- build's working steps, shared with derived_55_trust_gaps.sql; they do not outlive the build.

-- a stratum's share of the variance: n_h/(n_h − 1) · Σ_i (z_hi − z̄_h)², from Σ z and Σ z² over
-- its PSUs (those outside the domain have z = 0); nothing from a stratum of a single PSU
CREATE OR REPLACE TEMP MACRO stratum_variance(n_h, sz, szz) AS
    CASE WHEN n_h > 1 THEN n_h / (n_h - 1) * (szz - sz * sz / n_h) ELSE 0 END;

-- per wave, stratum, PSU and group ('all' = every group and none), both measures' sums
CREATE OR REPLACE TEMP TABLE trust_psu_rolled AS
WITH

certainty_strata AS (
    SELECT oblast_katottg AS stratum
    FROM hromadas
    GROUP BY oblast_katottg
    HAVING count(*) = 1
),

-- the group of each (hromada, interview date), in the coverage macro's own words (has_officer,
-- is_assessable: derived_20_coverage_macro.sql), decided once per cell, not per respondent: a
-- hromada not assessable that day (occupied, under active hostilities, or outside the programme)
-- puts its respondents in no group (only in 'all')
cell_groups AS (
    SELECT
        c.katottg AS hromada_katottg,
        c.on_date AS interview_date,
        CASE
            WHEN NOT c.is_assessable THEN NULL
            WHEN c.has_officer THEN 'has_officer'
            ELSE 'no_officer'
        END AS respondent_grp
    FROM coverage_on_dates((SELECT list(DISTINCT interview_date) FROM trust_survey)) AS c
),

-- every respondent with its stratum, PSU and group
respondents AS (
    SELECT
        r.wave,
        r.interview_date,
        r.hromada_katottg,
        h.oblast_katottg AS stratum,
        CASE WHEN c.stratum IS NULL THEN r.hromada_katottg ELSE r.respondent_id END AS psu,
        r.weight,
        g.respondent_grp,
        h.is_large_urban AS is_city_100k,  -- config/universe.toml [large_urban] (100 000 residents)
        r.trust_police,
        r.knows_officer
    FROM trust_survey AS r
    JOIN hromadas AS h
        ON h.katottg = r.hromada_katottg
    LEFT JOIN certainty_strata AS c
        ON c.stratum = h.oblast_katottg
    JOIN cell_groups AS g
        ON g.hromada_katottg = r.hromada_katottg
        AND g.interview_date = r.interview_date
),

-- the one pass over the respondents: each metric's answers summed per PSU and group (trust: y = 1
-- for 1–2 of 1–4, "hard to say" not an answer; knows_officer: NULL not an answer)
psu_group_sums AS (
    SELECT
        wave,
        stratum,
        psu,
        hromada_katottg,
        respondent_grp,
        count(*) FILTER (WHERE trust_police BETWEEN 1 AND 4) AS n_trust,
        sum(weight) FILTER (WHERE trust_police BETWEEN 1 AND 4) AS sw_trust,
        sum(weight * weight) FILTER (WHERE trust_police BETWEEN 1 AND 4) AS sw2_trust,
        coalesce(sum(weight) FILTER (WHERE trust_police BETWEEN 1 AND 2), 0) AS swy_trust,
        coalesce(sum(weight) FILTER (WHERE trust_police BETWEEN 1 AND 4 AND is_city_100k), 0) AS sw_city_trust,
        count(*) FILTER (WHERE knows_officer IS NOT NULL) AS n_knows,
        sum(weight) FILTER (WHERE knows_officer IS NOT NULL) AS sw_knows,
        sum(weight * weight) FILTER (WHERE knows_officer IS NOT NULL) AS sw2_knows,
        coalesce(sum(weight) FILTER (WHERE knows_officer), 0) AS swy_knows,
        coalesce(sum(weight) FILTER (WHERE knows_officer IS NOT NULL AND is_city_100k), 0) AS sw_city_knows
    FROM respondents
    GROUP BY wave, stratum, psu, hromada_katottg, respondent_grp
),

-- the same per PSU for each group and for 'all' (every group and none), one row per metric
psu_rolled AS (
    SELECT
        wave, stratum, psu, hromada_katottg,
        CASE WHEN grouping(respondent_grp) = 1 THEN 'all' ELSE respondent_grp END AS grp,
        sum(n_trust) AS n_trust, sum(sw_trust) AS sw_trust, sum(sw2_trust) AS sw2_trust,
        sum(swy_trust) AS swy_trust, sum(sw_city_trust) AS sw_city_trust,
        sum(n_knows) AS n_knows, sum(sw_knows) AS sw_knows, sum(sw2_knows) AS sw2_knows,
        sum(swy_knows) AS swy_knows, sum(sw_city_knows) AS sw_city_knows
    FROM psu_group_sums
    GROUP BY GROUPING SETS ((wave, stratum, psu, hromada_katottg, respondent_grp), (wave, stratum, psu, hromada_katottg))
    HAVING grouping(respondent_grp) = 1 OR respondent_grp IS NOT NULL
)

SELECT * FROM psu_rolled;

-- n_h: the PSUs of each stratum in the wave's sample, whether or not they answered
CREATE OR REPLACE TEMP TABLE trust_design_strata AS
SELECT wave, stratum, count(DISTINCT psu) AS n_h
FROM trust_psu_rolled
WHERE grp = 'all'
GROUP BY wave, stratum;

-- the degrees of freedom of a scope: PSUs − strata over the strata it spans
CREATE OR REPLACE TEMP TABLE trust_design_df AS
SELECT wave, 'UA' AS scope_katottg, sum(n_h) - count(*) AS df
FROM trust_design_strata
GROUP BY wave
UNION ALL
SELECT wave, stratum, n_h - 1
FROM trust_design_strata;

-- each PSU's sums per measure, in both scopes it belongs to: the country and its oblast
CREATE OR REPLACE TEMP TABLE trust_domain_psus AS
WITH

psu_sums AS (
    SELECT wave, stratum, psu, hromada_katottg, grp, 'trust' AS metric,
        n_trust AS n, sw_trust AS sw, sw2_trust AS sw2, swy_trust AS swy, sw_city_trust AS sw_city
    FROM trust_psu_rolled
    WHERE n_trust > 0
    UNION ALL
    SELECT wave, stratum, psu, hromada_katottg, grp, 'knows_officer',
        n_knows, sw_knows, sw2_knows, swy_knows, sw_city_knows
    FROM trust_psu_rolled
    WHERE n_knows > 0
)

SELECT 'UA' AS scope_katottg, * FROM psu_sums
UNION ALL
SELECT stratum, * FROM psu_sums;

CREATE OR REPLACE TABLE trust_summary AS
WITH

rule AS (
    SELECT * FROM reporting_rule
),

waves AS (
    SELECT wave, min(interview_date) AS wave_start, max(interview_date) AS wave_end
    FROM trust_survey
    GROUP BY wave
),

estimates AS (
    SELECT
        wave,
        scope_katottg,
        grp,
        metric,
        sum(n) AS n_unweighted,
        sum(sw) AS sw,
        sum(swy) / sum(sw) AS p,
        sum(sw) * sum(sw) / sum(sw2) AS n_kish,
        count(*) AS n_psu,
        count(DISTINCT hromada_katottg) AS n_hromadas,
        max(sw) / sum(sw) AS max_psu_weight_share,
        coalesce(sum(sw_city), 0) / sum(sw) AS city_100k_weight_share
    FROM trust_domain_psus
    GROUP BY wave, scope_katottg, grp, metric
),

-- Σ_i z_hi and Σ_i z_hi² per stratum of a domain (the domain's PSUs; its other PSUs have z = 0)
linearised AS (
    SELECT
        d.wave,
        d.scope_katottg,
        d.grp,
        d.metric,
        d.stratum,
        sum((d.swy - e.p * d.sw) / e.sw) AS sz,
        sum(((d.swy - e.p * d.sw) / e.sw) ** 2) AS szz
    FROM trust_domain_psus AS d
    JOIN estimates AS e
        USING (wave, scope_katottg, grp, metric)
    GROUP BY ALL
),

variances AS (
    SELECT
        l.wave,
        l.scope_katottg,
        l.grp,
        l.metric,
        sum(stratum_variance(s.n_h, l.sz, l.szz)) AS v
    FROM linearised AS l
    JOIN trust_design_strata AS s
        USING (wave, stratum)
    GROUP BY ALL
),

-- design effective n = n / deff = p(1 − p) / v, at most n (a deff below 1 from a few PSUs is
-- noise in v, and no figure rests on more responses than were collected); Kish's n when v = 0
-- (a share of exactly 0 or 1, where deff is undefined)
with_se AS (
    SELECT
        e.*,
        greatest(v.v, 0) AS v,
        sqrt(greatest(v.v, 0)) AS se,
        CASE WHEN v.v > 0 THEN v.v / (e.p * (1 - e.p) / e.n_unweighted) END AS deff,
        CASE WHEN v.v > 0 THEN least(e.n_unweighted, e.p * (1 - e.p) / v.v) ELSE e.n_kish END AS n_eff,
        df.df,
        t_quantile(1 - (1 - rule.confidence) / 2, df.df) AS t
    FROM estimates AS e
    JOIN variances AS v
        USING (wave, scope_katottg, grp, metric)
    JOIN trust_design_df AS df
        USING (wave, scope_katottg)
    CROSS JOIN rule
),

-- Wilson's score interval with n = the design effective n and the t quantile at the design df
intervals AS (
    SELECT
        *,
        (p + t * t / (2 * n_eff)) / (1 + t * t / n_eff) AS wilson_centre,
        t / (1 + t * t / n_eff) * sqrt(p * (1 - p) / n_eff + t * t / (4 * n_eff * n_eff)) AS wilson_half
    FROM with_se
),

final AS (
    SELECT
        i.wave,
        waves.wave_start,
        waves.wave_end,
        i.scope_katottg,
        i.grp,
        i.metric,
        i.p::DOUBLE AS share,
        i.n_unweighted::INTEGER AS n_unweighted,
        i.n_eff::DOUBLE AS n_effective,
        i.n_kish::DOUBLE AS n_kish,
        i.deff::DOUBLE AS deff,
        i.se::DOUBLE AS se,
        i.df::INTEGER AS df,
        -- no interval without degrees of freedom (greatest/least would turn its NULL into 0 / 1)
        CASE WHEN i.t IS NOT NULL THEN greatest(i.wilson_centre - i.wilson_half, 0) END::DOUBLE AS ci_low,
        CASE WHEN i.t IS NOT NULL THEN least(i.wilson_centre + i.wilson_half, 1) END::DOUBLE AS ci_high,
        i.n_psu::INTEGER AS n_psu,
        i.n_hromadas::INTEGER AS n_hromadas,
        i.max_psu_weight_share::DOUBLE AS max_psu_weight_share,
        i.city_100k_weight_share::DOUBLE AS city_100k_weight_share,
        CASE
            WHEN i.n_psu < rule.min_hromadas
                OR i.max_psu_weight_share > rule.max_hromada_weight_share
                OR i.n_eff < rule.caution_effective_n
                THEN 'too_few'
            WHEN i.n_eff < rule.min_effective_n THEN 'caution'
            ELSE 'reportable'
        END AS reporting
    FROM intervals AS i
    JOIN waves
        ON waves.wave = i.wave
    CROSS JOIN rule
)

SELECT * FROM final
ORDER BY wave_start, wave, scope_katottg = 'UA' DESC, scope_katottg, grp, metric;
