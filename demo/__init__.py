"""The demo-data generator: deterministic programme files, calibrated on the published figures.

There is no public programme data, so this package writes contract-conformant files (officers,
stations, memoranda, trust surveys, targets; docs/input-contract.md) into a raw directory, which
the ETL (`etl/`) then reads like any directorate's export. It never writes the database.
Method, calibration and planted faults: docs/demo-data.md.

    generate     the orchestration: Settings, refresh_raw_dir (python -m etl demo), write_demo_files
    world        the reference picture on a day grid: hromadas, required officers, occupation
    calibration  the curves through the published figures, oblast join dates, plans
    rollout      joins, officer posts, assignments with turnover, war losses and moves
    sites        stations, memoranda, targets
    survey       the trust survey's respondents and answers
    exports      each kind's rows as text in its files' styles, with the planted faults
    faults       the planted faults (corrupt copies of clean rows)
    files        file styles (encoding, delimiter, headers, spellings) and byte-stable writers
    marker       DEMO_DATA.json: says a raw directory holds demo data, and which
"""
