-- Coverage of every hromada on given dates: the one definition of the coverage columns.
-- Two words, one meaning each (docs/methodology.md): `has_officer` («є офіцер») = assessable and
-- at least one officer serving; `is_at_required_strength` («повний склад») = assessable and at
-- least the required officers serving. "Assessable" includes the programme's universe
-- (hromadas.in_programme, config/universe.toml): a unit outside it is never assessable.
--   coverage_on_dates(ds DATE[])  one row per (date, hromada): on_date and the columns below
--   coverage_on(d DATE)           one row per hromada, the same columns without on_date;
--                                 the read side calls SELECT * FROM coverage_on(?::DATE)
-- The columns are listed once, in `final` below.
-- Both are persisted in the database file; coverage_monthly and rollout_monthly are built from
-- coverage_on_dates so that the map of any date and the monthly series cannot disagree.
CREATE OR REPLACE MACRO coverage_on_dates(ds) AS TABLE
WITH

dates AS (
    SELECT DISTINCT unnest(ds)::DATE AS on_date
),

grid AS (
    SELECT
        dates.on_date,
        hromadas.katottg,
        hromadas.oblast_katottg,
        hromadas.population_count,
        hromadas.required_officers,
        hromadas.in_programme,
        hromadas.is_large_urban
    FROM dates
    CROSS JOIN hromadas
),

state_on_date AS (
    SELECT
        grid.*,
        coalesce(steps.officers_serving, 0) AS officers_serving,
        coalesce(steps.memoranda_in_force, 0) AS memoranda_in_force,
        coalesce(steps.memoranda_signed, 0) AS memoranda_signed,
        coalesce(steps.police_stations_open, 0) AS police_stations_open,
        coalesce(steps.public_safety_offices_open, 0) AS public_safety_offices_open,
        coalesce(steps.front_offices_open, 0) AS front_offices_open,
        coalesce(steps.stations_open, 0) AS stations_open,
        coalesce(steps.territory_status, 'none') AS territory_status,
        coalesce(steps.is_partial_territory, FALSE) AS is_partial_territory,
        grid.in_programme AND coalesce(steps.is_assessable, TRUE) AS is_assessable
    FROM grid
    ASOF LEFT JOIN hromada_state_steps AS steps
        ON grid.katottg = steps.katottg
        AND grid.on_date >= steps.from_date
),

classified AS (
    SELECT
        *,
        memoranda_in_force > 0 AS has_memorandum,
        is_assessable AND officers_serving >= 1 AS has_officer,
        is_assessable AND officers_serving >= greatest(required_officers, 1) AS is_at_required_strength,
        CASE
            WHEN NOT in_programme THEN 'outside_programme'
            WHEN NOT is_assessable THEN 'not_assessable'
            WHEN officers_serving >= greatest(required_officers, 1) THEN 'at_required_strength'
            WHEN officers_serving >= 1 THEN 'below_required'
            WHEN memoranda_in_force > 0 THEN 'memorandum_only'
            ELSE 'no_officer_no_memorandum'
        END AS status
    FROM state_on_date
),

final AS (
    SELECT
        on_date,
        katottg,
        oblast_katottg,
        population_count,
        officers_serving::INTEGER AS officers_serving,
        required_officers::INTEGER AS required_officers,
        -- officers short of the requirement / above it, assessable hromadas only
        (CASE WHEN is_assessable THEN greatest(required_officers - officers_serving, 0) ELSE 0 END)::INTEGER
            AS officer_gap,
        (CASE WHEN is_assessable THEN greatest(officers_serving - required_officers, 0) ELSE 0 END)::INTEGER
            AS officers_above_required,
        has_memorandum,
        territory_status,
        is_partial_territory,
        in_programme,
        is_assessable,
        has_officer,
        is_at_required_strength,
        status,
        is_large_urban,
        (CASE WHEN has_officer THEN coalesce(population_count, 0) ELSE 0 END)::BIGINT AS residents_with_officer,
        (CASE WHEN is_at_required_strength THEN coalesce(population_count, 0) ELSE 0 END)::BIGINT
            AS residents_at_required_strength,
        -- population x min(1, serving / required): 1 of 3 officers counts a third of the residents
        (CASE
            WHEN is_assessable
                THEN coalesce(population_count, 0) * least(1.0, officers_serving / greatest(required_officers, 1))
            ELSE 0
        END)::DOUBLE AS residents_strength_weighted,
        CASE
            WHEN population_count > 0 THEN officers_serving / population_count * 10000
        END::DOUBLE AS officers_per_10k,
        CASE WHEN officers_serving > 0 THEN population_count / officers_serving END::DOUBLE
            AS residents_per_officer,
        stations_open::INTEGER AS stations_open,
        police_stations_open::INTEGER AS police_stations_open,
        public_safety_offices_open::INTEGER AS public_safety_offices_open,
        front_offices_open::INTEGER AS front_offices_open,
        memoranda_in_force::INTEGER AS memoranda_in_force,
        memoranda_signed::INTEGER AS memoranda_signed
    FROM classified
)

SELECT * FROM final;

CREATE OR REPLACE MACRO coverage_on(d) AS TABLE
SELECT * EXCLUDE (on_date)
FROM coverage_on_dates([d])
ORDER BY katottg;
