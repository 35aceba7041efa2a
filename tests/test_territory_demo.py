"""The demo data respects the territory (issue 8 §1): no officer serves, and no respondent is
interviewed, in a hromada on a day it is not assessable — as the warehouse itself says."""


def test_no_officer_serves_where_the_hromada_is_not_assessable(demo_con):
    # day-exact: the step function changes whenever officers or the territory do
    steps = demo_con.execute(
        "SELECT count(*), count(DISTINCT katottg) FROM hromada_state_steps "
        "WHERE NOT is_assessable AND officers_serving > 0 "
        "AND from_date <= (SELECT value::DATE FROM build_info WHERE key = 'as_of_date')"
    ).fetchone()
    assert steps == (0, 0)
    # and the monthly figures the rollout page shows (409 hromada-months before the fix)
    months = demo_con.execute(
        "SELECT count(*) FROM coverage_monthly WHERE NOT is_assessable AND officers_serving > 0"
    ).fetchone()[0]
    assert months == 0
    # the generator does post officers to hromadas that are not assessable on other days
    before = demo_con.execute(
        "SELECT count(DISTINCT s.katottg) FROM hromada_state_steps s "
        "WHERE s.officers_serving > 0 AND s.katottg IN "
        "(SELECT katottg FROM hromada_state_steps WHERE NOT is_assessable AND from_date >= DATE '2022-02-24')"
    ).fetchone()[0]
    assert before >= 10


def test_no_respondent_is_interviewed_where_the_hromada_is_not_assessable(demo_con):
    interviewed = demo_con.execute(
        "SELECT count(*), count(DISTINCT (s.hromada_katottg, s.interview_date)) "
        "FROM trust_survey s ASOF JOIN hromada_state_steps st "
        "ON st.katottg = s.hromada_katottg AND st.from_date <= s.interview_date "
        "WHERE NOT st.is_assessable"
    ).fetchone()
    assert interviewed == (0, 0)  # 3,153 respondents on 2,317 hromada-days before the fix
    assert demo_con.execute("SELECT count(*) FROM trust_survey").fetchone()[0] > 90_000
