-- The warehouse schema: every table the ETL writes and the dashboard reads.
-- Layers: reference (from ../shared/reference and ../shared/facts), core (validated programme
-- data from data/raw), quality (rejects, load_log), derived (tables built by etl/sql/derived_*.sql).
-- Columns say their unit and role: *_count, *_km2, is_*, *_date / *_on.
-- A name in braces in a CHECK is filled in by etl/schema.py with the codes of that vocabulary list.

-- ---------------------------------------------------------------- reference
CREATE TABLE oblasts (
    oblast_katottg   VARCHAR PRIMARY KEY,   -- 19-char KATOTTG, level 1
    name_uk          VARCHAR NOT NULL,      -- 'Вінницька область'
    name_en          VARCHAR NOT NULL,      -- 'Vinnytsia Oblast' (conventional)
    short_code       VARCHAR NOT NULL,      -- 'VIN'
    macro_region_uk  VARCHAR,
    macro_region_en  VARCHAR
);

CREATE TABLE hromadas (
    katottg                 VARCHAR PRIMARY KEY,  -- 19-char KATOTTG, level 3 (Kyiv city: oblast level)
    ocha_pcode              VARCHAR NOT NULL,     -- first 9 chars of katottg
    oblast_katottg          VARCHAR NOT NULL,
    raion_katottg           VARCHAR,
    name_uk                 VARCHAR NOT NULL,
    name_en                 VARCHAR,              -- OCHA transliteration; NULL for some Crimean ones
    raion_name_uk           VARCHAR,
    raion_name_en           VARCHAR,
    type_uk                 VARCHAR,              -- міська / селищна / сільська / NULL
    type_en                 VARCHAR CHECK (type_en IN ({hromada_types})),  -- NULL: no type in the registry
    population_count        BIGINT,               -- 1 Jan 2022; NULL in Crimea
    urban_population_count  BIGINT,
    area_km2                DOUBLE,               -- official area, else geometric
    settlements_count       INTEGER,
    centre_lat              DOUBLE,
    centre_lon              DOUBLE,
    is_occupied_before_2022 BOOLEAN NOT NULL,
    has_geometry            BOOLEAN NOT NULL,     -- one of the 1,470 polygons
    required_officers       INTEGER NOT NULL,     -- by config/required_officers.toml
    size_band               VARCHAR NOT NULL,     -- population band for peer comparison, e.g. '10-25k'
    in_programme            BOOLEAN NOT NULL,     -- in the programme's universe (config/universe.toml)
    programme_note          VARCHAR,              -- why not: outside_programme.code; NULL when in
    is_large_urban          BOOLEAN NOT NULL      -- population >= [large_urban] of config/universe.toml
);

-- The oblast-level units outside the programme's universe, with the reason and how maps draw
-- them ('occupied' | 'outside'); labels as the dashboard shows them (config/universe.toml).
CREATE TABLE outside_programme (
    oblast_katottg  VARCHAR PRIMARY KEY,
    code            VARCHAR NOT NULL,
    drawn_as        VARCHAR NOT NULL CHECK (drawn_as IN ('occupied', 'outside')),
    label_uk        VARCHAR NOT NULL,
    label_en        VARCHAR NOT NULL
);

-- Per-hromada territory status from the official hostilities/occupation list.
-- One row per (hromada, status, period). end_date NULL = still in force.
CREATE TABLE territory_status_periods (
    katottg        VARCHAR NOT NULL,
    status         VARCHAR NOT NULL CHECK (status IN ({territory_statuses_listed})),
    start_date     DATE NOT NULL,
    end_date       DATE,              -- inclusive last day; NULL = open
    is_partial     BOOLEAN NOT NULL,  -- only some settlements listed ('partly')
    source_table   INTEGER NOT NULL,  -- section of the official list (0..4)
    source_row     INTEGER NOT NULL   -- 1-based data row in the list file
);

-- Display geometry (simplified, topology-preserved), as GeoJSON FeatureCollection text.
CREATE TABLE display_geometry (
    layer          VARCHAR PRIMARY KEY,  -- 'hromadas' | 'oblasts'
    geojson        VARCHAR NOT NULL,
    feature_count  INTEGER NOT NULL,
    source_sha256  VARCHAR NOT NULL
);

-- Published figures from ../shared/facts (shown beside the data, never mixed into it).
CREATE TABLE facts_milestones (
    date_text       VARCHAR NOT NULL,   -- as published: '2021-03-03', '2021-09', '2020'
    milestone_date  DATE NOT NULL,      -- date_text resolved (year -> 1 Jan... see etl/facts.py)
    date_precision  VARCHAR NOT NULL,   -- 'day' | 'month' | 'year'
    oblast_katottg  VARCHAR,            -- NULL = national
    metric          VARCHAR NOT NULL,
    value           DOUBLE NOT NULL,
    source_name     VARCHAR,
    source_url      VARCHAR,
    note            VARCHAR,
    confidence      VARCHAR
);
CREATE TABLE facts_plans (
    announced_on    DATE,
    metric          VARCHAR NOT NULL,
    value           DOUBLE NOT NULL,
    by_date         DATE,
    scope           VARCHAR,
    source          VARCHAR,
    note            VARCHAR
);
CREATE TABLE facts_trust_polls (
    fieldwork_end_text VARCHAR NOT NULL,
    fieldwork_end   DATE NOT NULL,
    pollster        VARCHAR NOT NULL,
    is_pog_claim    BOOLEAN NOT NULL,   -- 'National Police (claim)' rows: POG-specific statements
    trust_pct       DOUBLE,
    distrust_pct    DOUBLE,
    sample_n        INTEGER,
    note            VARCHAR,
    source_url      VARCHAR,
    confidence      VARCHAR
);

-- ---------------------------------------------------------------- core (input contract)
CREATE TABLE officers (
    officer_id        VARCHAR NOT NULL,
    hromada_katottg   VARCHAR NOT NULL,
    start_date        DATE NOT NULL,
    end_date          DATE,            -- NULL = still serving; inclusive last day
    lives_in_hromada  BOOLEAN,
    trained_on        DATE,
    source_file       VARCHAR NOT NULL,
    source_row        INTEGER NOT NULL,
    PRIMARY KEY (officer_id, hromada_katottg, start_date)
);

CREATE TABLE stations (
    station_id        VARCHAR PRIMARY KEY,
    hromada_katottg   VARCHAR NOT NULL,
    kind              VARCHAR NOT NULL CHECK (kind IN ({station_kinds})),
    opened_on         DATE NOT NULL,
    closed_on         DATE,
    name              VARCHAR,
    lat               DOUBLE NOT NULL,
    lon               DOUBLE NOT NULL,
    is_location_imputed BOOLEAN NOT NULL,  -- TRUE = hromada centre used
    source_file       VARCHAR NOT NULL,
    source_row        INTEGER NOT NULL
);

CREATE TABLE memoranda (
    hromada_katottg   VARCHAR NOT NULL,
    signed_on         DATE NOT NULL,
    ended_on          DATE,
    source_file       VARCHAR NOT NULL,
    source_row        INTEGER NOT NULL,
    PRIMARY KEY (hromada_katottg, signed_on)
);

CREATE TABLE trust_survey (
    respondent_id     VARCHAR NOT NULL,
    wave              VARCHAR NOT NULL,
    interview_date    DATE NOT NULL,
    hromada_katottg   VARCHAR NOT NULL,
    trust_police      TINYINT,          -- 1..4; NULL = hard to say (9 or empty)
    knows_officer     BOOLEAN,
    weight            DOUBLE NOT NULL,  -- > 0, default 1
    sex               VARCHAR,          -- 'm' | 'f'
    age_group         VARCHAR CHECK (age_group IN ({age_groups})),
    PRIMARY KEY (wave, respondent_id)
);

CREATE TABLE targets (
    oblast_katottg    VARCHAR NOT NULL,
    year              INTEGER NOT NULL,
    planned_officers  INTEGER NOT NULL,
    source_file       VARCHAR NOT NULL,
    source_row        INTEGER NOT NULL,
    PRIMARY KEY (oblast_katottg, year)
);

-- ---------------------------------------------------------------- quality
CREATE TABLE rejects (
    file     VARCHAR NOT NULL,   -- file name as found in data/raw
    row      INTEGER NOT NULL,   -- 1-based row number as a spreadsheet user sees it (header = row of header)
    "column" VARCHAR,            -- canonical column name, NULL for whole-row faults
    value    VARCHAR,
    reason   VARCHAR NOT NULL CHECK (reason IN ({reject_reasons})),
    -- the oblast the row names (its hromada's, or the oblast code of a target), so a regional
    -- directorate sees its own rows only (docs/access.md); NULL when the row names none we know
    oblast_katottg VARCHAR
);

CREATE TABLE load_log (
    file            VARCHAR NOT NULL,
    kind            VARCHAR NOT NULL CHECK (kind IN ({file_kinds})),
    sha256          VARCHAR NOT NULL,
    rows_read       BIGINT NOT NULL,
    rows_loaded     BIGINT NOT NULL,
    rows_rejected   BIGINT NOT NULL,
    ignored_columns VARCHAR,             -- unknown extra columns, comma-separated
    built_at        TIMESTAMP NOT NULL
);

-- Key/value facts about this build: is_demo, built_at, as_of_date, seed, scale, effect sizes.
CREATE TABLE build_info (
    key    VARCHAR PRIMARY KEY,
    value  VARCHAR NOT NULL
);
