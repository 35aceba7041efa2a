"""The demo-data generator: deterministic programme files, calibrated on the published figures.

There is no public programme data, so this package writes contract-conformant files (officers,
stations, memoranda, trust surveys, targets; docs/input-contract.md) into a raw directory, which
the ETL (`etl/`) then reads like any directorate's export. It never writes the database.
Method, calibration and planted faults: docs/demo-data.md.
"""
