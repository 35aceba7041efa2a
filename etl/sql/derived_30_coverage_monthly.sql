-- coverage_monthly: coverage_on_dates' rows for every month end from the programme's start (2019-05-31)
-- that is before the as-of date, and for the as-of date itself (the last on_date is "today").
-- One set-based evaluation of coverage_on_dates over the whole date list.
CREATE OR REPLACE TABLE coverage_monthly AS
WITH

as_of AS (
    SELECT value::DATE AS as_of_date
    FROM build_info
    WHERE key = 'as_of_date'
),

month_ends AS (
    SELECT last_day(month_start::DATE) AS on_date
    FROM as_of, generate_series(DATE '2019-05-01', as_of.as_of_date, INTERVAL 1 MONTH) AS t(month_start)
),

report_dates AS (
    SELECT month_ends.on_date
    FROM month_ends, as_of
    WHERE month_ends.on_date < as_of.as_of_date
    UNION
    SELECT as_of_date FROM as_of
),

final AS (
    SELECT *
    FROM coverage_on_dates((SELECT list(on_date) FROM report_dates))
)

SELECT * FROM final
ORDER BY on_date, katottg;
