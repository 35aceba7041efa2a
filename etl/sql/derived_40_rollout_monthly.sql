-- rollout_on_dates(ds): the programme's progress on any dates, for each oblast and for the whole
-- country (scope_katottg = 'UA'). Sums over hromadas, so oblasts add up to 'UA'. Persisted, so the
-- read side counts a date that is not a month end (a year ago, a published milestone's date) by
-- this one definition. rollout_monthly is the macro over coverage_monthly's dates.
CREATE OR REPLACE MACRO rollout_on_dates(ds) AS TABLE
WITH

coverage AS (
    SELECT *
    FROM coverage_on_dates(ds)
),

-- only the programme's universe (hromadas.in_programme): scopes outside it have no row
by_scope AS (
    SELECT
        on_date,
        CASE WHEN grouping(oblast_katottg) = 1 THEN 'UA' ELSE oblast_katottg END AS scope_katottg,
        count(*) AS hromadas_total,
        count(*) FILTER (WHERE is_assessable) AS hromadas_assessable,
        count(*) FILTER (WHERE has_officer) AS hromadas_with_officer,
        count(*) FILTER (WHERE is_at_required_strength) AS hromadas_at_required_strength,
        sum(officers_serving) AS officers_serving,
        coalesce(sum(officers_serving) FILTER (WHERE is_assessable), 0) AS officers_serving_assessable,
        coalesce(sum(required_officers) FILTER (WHERE is_assessable), 0) AS officers_required,
        sum(officer_gap) AS officers_short,
        sum(officers_above_required) AS officers_above_required,
        sum(residents_with_officer) AS residents_with_officer,
        sum(residents_at_required_strength) AS residents_at_required_strength,
        sum(residents_strength_weighted) AS residents_strength_weighted,
        coalesce(sum(residents_strength_weighted) FILTER (WHERE is_large_urban), 0)
            AS residents_strength_weighted_large_urban,
        coalesce(sum(population_count) FILTER (WHERE is_assessable), 0) AS population_assessable,
        coalesce(sum(population_count) FILTER (WHERE is_assessable AND is_large_urban), 0)
            AS population_assessable_large_urban,
        count(*) FILTER (WHERE is_assessable AND is_large_urban) AS hromadas_assessable_large_urban,
        sum(police_stations_open) AS police_stations_open,
        sum(public_safety_offices_open) AS public_safety_offices_open,
        sum(front_offices_open) AS front_offices_open,
        sum(stations_open) AS stations_open,
        sum(memoranda_in_force) AS memoranda_active,
        sum(memoranda_signed) AS memoranda_signed
    FROM coverage
    WHERE in_programme
    GROUP BY GROUPING SETS ((on_date, oblast_katottg), (on_date))
),

planned AS (
    SELECT oblast_katottg AS scope_katottg, year, planned_officers::BIGINT AS planned_officers
    FROM targets
    UNION ALL
    SELECT 'UA', year, sum(planned_officers)
    FROM targets
    GROUP BY year
),

final AS (
    SELECT
        by_scope.on_date,
        by_scope.scope_katottg,
        by_scope.hromadas_total::INTEGER AS hromadas_total,
        by_scope.hromadas_assessable::INTEGER AS hromadas_assessable,
        by_scope.hromadas_with_officer::INTEGER AS hromadas_with_officer,
        (by_scope.hromadas_with_officer / nullif(by_scope.hromadas_assessable, 0))::DOUBLE AS with_officer_share,
        by_scope.hromadas_at_required_strength::INTEGER AS hromadas_at_required_strength,
        (by_scope.hromadas_at_required_strength / nullif(by_scope.hromadas_assessable, 0))::DOUBLE
            AS at_required_strength_share,
        by_scope.officers_serving::INTEGER AS officers_serving,
        by_scope.officers_serving_assessable::INTEGER AS officers_serving_assessable,
        by_scope.officers_required::INTEGER AS officers_required,
        by_scope.officers_short::INTEGER AS officers_short,
        by_scope.officers_above_required::INTEGER AS officers_above_required,
        by_scope.residents_with_officer::BIGINT AS residents_with_officer,
        by_scope.residents_at_required_strength::BIGINT AS residents_at_required_strength,
        round(by_scope.residents_strength_weighted)::BIGINT AS residents_strength_weighted,
        (by_scope.residents_strength_weighted / nullif(by_scope.population_assessable, 0))::DOUBLE
            AS strength_weighted_share,
        round(by_scope.residents_strength_weighted_large_urban)::BIGINT AS residents_strength_weighted_large_urban,
        by_scope.population_assessable::BIGINT AS population_assessable,
        by_scope.population_assessable_large_urban::BIGINT AS population_assessable_large_urban,
        by_scope.hromadas_assessable_large_urban::INTEGER AS hromadas_assessable_large_urban,
        (by_scope.population_assessable / nullif(by_scope.officers_serving_assessable, 0))::DOUBLE
            AS residents_per_officer,
        by_scope.police_stations_open::INTEGER AS police_stations_open,
        by_scope.public_safety_offices_open::INTEGER AS public_safety_offices_open,
        by_scope.front_offices_open::INTEGER AS front_offices_open,
        by_scope.stations_open::INTEGER AS stations_open,
        by_scope.memoranda_active::INTEGER AS memoranda_active,
        planned.planned_officers::BIGINT AS planned_officers,
        by_scope.memoranda_signed::INTEGER AS memoranda_signed
    FROM by_scope
    LEFT JOIN planned
        ON planned.scope_katottg = by_scope.scope_katottg
        AND planned.year = year(by_scope.on_date)
)

SELECT * FROM final;

CREATE OR REPLACE TABLE rollout_monthly AS
SELECT *
FROM rollout_on_dates((SELECT list(DISTINCT on_date) FROM coverage_monthly))
ORDER BY on_date, scope_katottg = 'UA' DESC, scope_katottg;
