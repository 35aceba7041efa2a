-- officer_overlaps: pairs of assignments of one officer that share at least one day (end dates
-- are inclusive, so a handover with end_date = next start_date overlaps by one day). Kept in the
-- data, listed on the data-quality page. "first" is the assignment that started first (ties: the
-- lower hromada code); overlap_end NULL = both still open; overlap_days NULL while open.
CREATE OR REPLACE VIEW officer_overlaps AS
WITH

assignments AS (
    SELECT officer_id, hromada_katottg, start_date, end_date
    FROM officers
),

pairs AS (
    SELECT
        first.officer_id,
        first.hromada_katottg AS first_hromada,
        second.hromada_katottg AS second_hromada,
        greatest(first.start_date, second.start_date) AS overlap_start,
        CASE
            WHEN first.end_date IS NULL THEN second.end_date
            WHEN second.end_date IS NULL THEN first.end_date
            ELSE least(first.end_date, second.end_date)
        END AS overlap_end
    FROM assignments AS first
    JOIN assignments AS second
        ON second.officer_id = first.officer_id
        AND (
            first.start_date < second.start_date
            OR (first.start_date = second.start_date AND first.hromada_katottg < second.hromada_katottg)
        )
        AND second.start_date <= coalesce(first.end_date, DATE '9999-12-31')
        AND first.start_date <= coalesce(second.end_date, DATE '9999-12-31')
),

final AS (
    SELECT
        officer_id,
        first_hromada,
        second_hromada,
        overlap_start,
        overlap_end,
        (overlap_end - overlap_start + 1)::INTEGER AS overlap_days
    FROM pairs
)

SELECT * FROM final
ORDER BY officer_id, overlap_start, first_hromada, second_hromada;
