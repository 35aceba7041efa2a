"""Errors a user of the ETL sees as one clear line (never a traceback)."""


class InputFileError(Exception):
    """A whole input file cannot be used: the build stops and the database stays as it was.

    The message names the file and the problem in one line, e.g.
    ``officers_2021.csv: required column 'start_date' (Дата призначення) is missing``.
    """

    def __init__(self, file: str, problem: str):
        self.file = file
        self.problem = problem
        super().__init__(f"{file}: {problem}")
