-- wave_changes: for each scope x group x metric of trust_summary, the change of the share from
-- the previous wave that has a row for the same scope, group and metric. Waves are ordered by
-- wave_start (then label). The test treats the two waves as independent samples:
-- se_change = sqrt(se^2 + se_prev^2), z = change / se_change, significant when |z| > 1.96.
CREATE OR REPLACE VIEW wave_changes AS
WITH

ordered AS (
    SELECT
        *,
        lag(wave) OVER w AS prev_wave,
        lag(share) OVER w AS prev_share,
        lag(se) OVER w AS prev_se
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
        sqrt(se * se + prev_se * prev_se) AS se_change
    FROM ordered
    WHERE prev_wave IS NOT NULL
),

final AS (
    SELECT
        *,
        change / nullif(se_change, 0) AS z,
        CASE
            WHEN se_change > 0 THEN abs(change / se_change) > 1.96
            ELSE change <> 0
        END AS is_significant
    FROM changes
)

SELECT * FROM final;
