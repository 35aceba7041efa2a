-- hromada_state_steps: everything that changes over time in a hromada, as a step function.
-- One row per (hromada, date on which something changes); the counts hold from from_date until the
-- hromada's next row. The coverage macro reads the row in force on a date with an ASOF join, so a
-- date grid of any size costs O(grid + events) instead of grid x officers (see docs/methodology.md).
-- Date rules (the single place they are written in SQL):
--   officer assignment  start_date .. end_date      both inclusive  -> -1 the day after end_date
--   memorandum          signed_on  .. ended_on      both inclusive  -> -1 the day after ended_on
--   station             opened_on  .. closed_on     closed_on EXCLUSIVE (closed that day) -> -1 on closed_on
--   territory period    start_date .. end_date      both inclusive  -> -1 the day after end_date
CREATE OR REPLACE TABLE hromada_state_steps AS
WITH

assignments AS (
    SELECT
        officer_id,
        hromada_katottg AS katottg,
        start_date,
        coalesce(end_date, DATE '9999-12-31') AS end_date
    FROM officers
),

-- merge overlapping or adjacent assignments of one officer in one hromada, so that counting
-- intervals counts distinct officers
assignments_flagged AS (
    SELECT
        *,
        CASE
            WHEN start_date <= max(end_date) OVER (
                PARTITION BY officer_id, katottg
                ORDER BY start_date, end_date
                ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
            ) + 1 THEN 0
            ELSE 1
        END AS starts_island
    FROM assignments
),

assignments_islands AS (
    SELECT
        *,
        sum(starts_island) OVER (
            PARTITION BY officer_id, katottg
            ORDER BY start_date, end_date
            ROWS UNBOUNDED PRECEDING
        ) AS island_no
    FROM assignments_flagged
),

officer_spells AS (
    SELECT officer_id, katottg, min(start_date) AS start_date, max(end_date) AS end_date
    FROM assignments_islands
    GROUP BY officer_id, katottg, island_no
),

officer_events AS (
    SELECT katottg, start_date AS event_date, 1 AS d_officers FROM officer_spells
    UNION ALL
    SELECT katottg, end_date + 1, -1 FROM officer_spells WHERE end_date < DATE '9999-12-31'
),

memorandum_events AS (
    SELECT hromada_katottg AS katottg, signed_on AS event_date, 1 AS d_memoranda, 1 AS d_signed
    FROM memoranda
    UNION ALL
    SELECT hromada_katottg, ended_on + 1, -1, 0 FROM memoranda WHERE ended_on IS NOT NULL
),

station_changes AS (
    SELECT hromada_katottg AS katottg, kind, opened_on AS event_date, 1 AS delta FROM stations
    UNION ALL
    SELECT hromada_katottg, kind, closed_on, -1 FROM stations WHERE closed_on IS NOT NULL
),

station_events AS (
    SELECT
        katottg,
        event_date,
        CASE WHEN kind = 'police_station' THEN delta ELSE 0 END AS d_police_stations,
        CASE WHEN kind = 'public_safety_office' THEN delta ELSE 0 END AS d_public_safety_offices,
        CASE WHEN kind = 'front_office' THEN delta ELSE 0 END AS d_front_offices,
        delta AS d_stations
    FROM station_changes
),

territory_changes AS (
    SELECT katottg, status, is_partial, start_date AS event_date, 1 AS delta
    FROM territory_status_periods
    UNION ALL
    SELECT katottg, status, is_partial, end_date + 1, -1
    FROM territory_status_periods
    WHERE end_date IS NOT NULL
),

territory_events AS (
    SELECT
        katottg,
        event_date,
        CASE WHEN status = 'occupied' AND NOT is_partial THEN delta ELSE 0 END AS d_occupied_full,
        CASE WHEN status = 'active_hostilities' AND NOT is_partial THEN delta ELSE 0 END AS d_active_full,
        CASE WHEN status = 'possible_hostilities' AND NOT is_partial THEN delta ELSE 0 END AS d_possible_full,
        CASE WHEN status = 'occupied' AND is_partial THEN delta ELSE 0 END AS d_occupied_part,
        CASE WHEN status = 'active_hostilities' AND is_partial THEN delta ELSE 0 END AS d_active_part,
        CASE WHEN status = 'possible_hostilities' AND is_partial THEN delta ELSE 0 END AS d_possible_part
    FROM territory_changes
),

all_events AS (
    SELECT * FROM officer_events
    UNION ALL BY NAME SELECT * FROM memorandum_events
    UNION ALL BY NAME SELECT * FROM station_events
    UNION ALL BY NAME SELECT * FROM territory_events
),

daily_deltas AS (
    SELECT
        katottg,
        event_date,
        sum(coalesce(d_officers, 0)) AS d_officers,
        sum(coalesce(d_memoranda, 0)) AS d_memoranda,
        sum(coalesce(d_signed, 0)) AS d_signed,
        sum(coalesce(d_police_stations, 0)) AS d_police_stations,
        sum(coalesce(d_public_safety_offices, 0)) AS d_public_safety_offices,
        sum(coalesce(d_front_offices, 0)) AS d_front_offices,
        sum(coalesce(d_stations, 0)) AS d_stations,
        sum(coalesce(d_occupied_full, 0)) AS d_occupied_full,
        sum(coalesce(d_active_full, 0)) AS d_active_full,
        sum(coalesce(d_possible_full, 0)) AS d_possible_full,
        sum(coalesce(d_occupied_part, 0)) AS d_occupied_part,
        sum(coalesce(d_active_part, 0)) AS d_active_part,
        sum(coalesce(d_possible_part, 0)) AS d_possible_part
    FROM all_events
    GROUP BY katottg, event_date
),

running AS (
    SELECT
        katottg,
        event_date AS from_date,
        sum(d_officers) OVER w AS officers_serving,
        sum(d_memoranda) OVER w AS memoranda_in_force,
        sum(d_signed) OVER w AS memoranda_signed,
        sum(d_police_stations) OVER w AS police_stations_open,
        sum(d_public_safety_offices) OVER w AS public_safety_offices_open,
        sum(d_front_offices) OVER w AS front_offices_open,
        sum(d_stations) OVER w AS stations_open,
        sum(d_occupied_full) OVER w AS n_occupied_full,
        sum(d_active_full) OVER w AS n_active_full,
        sum(d_possible_full) OVER w AS n_possible_full,
        sum(d_occupied_part) OVER w AS n_occupied_part,
        sum(d_active_part) OVER w AS n_active_part,
        sum(d_possible_part) OVER w AS n_possible_part
    FROM daily_deltas
    WINDOW w AS (PARTITION BY katottg ORDER BY event_date ROWS UNBOUNDED PRECEDING)
),

final AS (
    SELECT
        katottg,
        from_date,
        officers_serving::INTEGER AS officers_serving,
        memoranda_in_force::INTEGER AS memoranda_in_force,
        memoranda_signed::INTEGER AS memoranda_signed,
        police_stations_open::INTEGER AS police_stations_open,
        public_safety_offices_open::INTEGER AS public_safety_offices_open,
        front_offices_open::INTEGER AS front_offices_open,
        stations_open::INTEGER AS stations_open,
        -- full periods decide first; partial ones only when no full period covers the date
        CASE
            WHEN n_occupied_full > 0 THEN 'occupied'
            WHEN n_active_full > 0 THEN 'active_hostilities'
            WHEN n_possible_full > 0 THEN 'possible_hostilities'
            WHEN n_occupied_part > 0 THEN 'occupied'
            WHEN n_active_part > 0 THEN 'active_hostilities'
            WHEN n_possible_part > 0 THEN 'possible_hostilities'
            ELSE 'none'
        END AS territory_status,
        (n_occupied_full + n_active_full + n_possible_full = 0
            AND n_occupied_part + n_active_part + n_possible_part > 0) AS is_partial_territory,
        (n_occupied_full = 0 AND n_active_full = 0) AS is_assessable
    FROM running
)

SELECT * FROM final
ORDER BY katottg, from_date;
