"""The official list of hostilities / occupied territories -> per-hromada status periods.

Source: territories_hostilities_occupation_<date>.csv, columns ``table, caption, katottg, name,
start, end``. Sections (``table``): 0 possible hostilities, 1 and 2 active hostilities (2 = where
state e-services still work), 3 and 4 temporarily occupied.

How a row becomes periods of hromadas (rules and reasons in docs/methodology-territory.md):

- the code is a hromada in the registry -> that hromada: full, or partial when the name says
  'за винятком' (except some settlements);
- a settlement (level-4 code, characters 10-12 not '000') -> the hromada whose OCHA p-code is the
  code's first 9 characters; always partial;
- a raion (characters 7-9 '000') or an oblast code (Crimea) -> every hromada of that raion / oblast;
  with 'за винятком', partial for the hromadas that hold an excepted settlement and FULL for the
  others (Mariupol raion: Kalchytska, Manhushska, Mykilska are occupied in full);
- anything else (the Chornobyl-zone towns, Sevastopol which has no hromadas in the registry)
  matches nothing: it is skipped, logged, and returned in ``skipped``.

The excepted settlements are matched by name (and type, or the code the list sometimes gives in
brackets) to the codifier (etl/settlements.py). A row whose excepted names cannot all be matched
stays partial, and is not combined (logged once per build, see ``unmatched``).

A cell may hold several dates, one per line (entered, left, re-entered): start[i] pairs with
end[i]; when there are more starts than ends the last period is still open. Dates are normalised
('12.11 2022', '31.03. 2022' -> DD.MM.YYYY). ``end`` is the last day inclusive; start == end is a
one-day period.

Every partial row lists a known set of the hromada's settlements (a settlement row: that one; an
'except' row: all but the excepted). Rows are combined: on the days when the settlements listed in
status S *or a more severe one* are every settlement of the hromada (the codifier's), the whole
hromada is at least S, and a full (is_partial FALSE) period of the most severe such S is added.
(Zaporizhzhia's occupied hromadas are listed settlement by settlement only; Nova Kakhovka is
'occupied except X, Y' with X and Y occupied on rows of their own.) A hromada the codifier does not
hold is counted against the registry's ``settlements_count`` instead.

Finally periods are merged per (katottg, status, is_partial): overlapping or adjacent periods
become one, keeping the source_table/source_row of the earliest.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import duckdb
import pandas as pd

import vocabulary
from etl import bundle, schema, settlements
from etl.errors import InputFileError

logger = logging.getLogger(__name__)

LIST_COLUMNS = ("table", "caption", "katottg", "name", "start", "end")
PERIOD_COLUMNS = (
    "katottg",
    "status",
    "start_date",
    "end_date",
    "is_partial",
    "source_table",
    "source_row",
)
# The statuses, the list's sections that give them, and their severity: vocabulary/territory_statuses.toml.
_LISTED = [t for t in vocabulary.TERRITORY_STATUSES if t["list_sections"]]
STATUS_BY_TABLE = {section: t.code for t in _LISTED for section in t["list_sections"]}
# Severity orders the statuses: settlement listings are promoted to the most severe status that
# covers the whole hromada (the rule for one day, in etl/sql/derived_10_*, uses the same order).
SEVERITY = {t.code: t["severity"] for t in _LISTED}
EXCEPT_MARKER = "за винятком"

_OPEN = date.max.toordinal()  # an open period ends "never" while sweeping
# The rule for one day, written once in SQL (also read by the demo generator, through day_rule_steps)
DAY_RULE_SQL = schema.SQL_DIR / "derived_10_hromada_state_steps.sql"


@dataclass
class StatusList:
    periods: pd.DataFrame  # columns PERIOD_COLUMNS
    skipped: pd.DataFrame  # source_row, katottg, name, reason
    rows_read: int = 0
    unmatched: pd.DataFrame | None = None  # source_row, katottg, excepted (names not in the codifier)


def status_periods(list_csv: Path, hromadas: pd.DataFrame, places: pd.DataFrame | None = None) -> pd.DataFrame:
    """Periods with the columns of ``territory_status_periods``.

    ``hromadas`` needs ``katottg, ocha_pcode, raion_katottg, oblast_katottg`` and, for hromadas the
    codifier does not hold, ``settlements_count`` (optional). ``places``: the codifier's
    settlements (etl.settlements.read_settlements(), read when not given).
    Rows that match no hromada are in ``result.attrs['skipped']`` (see also ``read_status_list``).
    """
    parsed = read_status_list(list_csv, hromadas, places)
    periods = parsed.periods
    periods.attrs["skipped"] = parsed.skipped
    return periods


def read_status_list(list_csv: Path, hromadas: pd.DataFrame, places: pd.DataFrame | None = None) -> StatusList:
    raw = _read_list(Path(list_csv))
    resolver = _Resolver(hromadas, settlements.read_settlements() if places is None else places)
    resolver.add_listed_names(zip(raw["katottg"].str.strip(), raw["name"], strict=True))
    records: list[dict] = []
    skipped: list[dict] = []
    unmatched: list[dict] = []

    for i, row in enumerate(raw.itertuples(index=False), start=1):
        code = row.katottg.strip()
        name = " ".join(row.name.split())
        try:
            table = int(row.table.strip())
            status = STATUS_BY_TABLE[table]
        except (ValueError, KeyError):
            skipped.append(_skip(i, code, name, f"unknown table {row.table!r}"))
            continue
        targets, missing = resolver.resolve(code, row.name)
        if not targets:
            skipped.append(_skip(i, code, name, "matches no hromada"))
            continue
        if missing:
            unmatched.append({"source_row": i, "katottg": code, "excepted": "; ".join(missing)})
        try:
            periods = pair_periods(row.start, row.end)
        except ValueError as exc:
            skipped.append(_skip(i, code, name, str(exc)))
            continue
        for start, end in periods:
            for k, partial, lists in targets:
                records.append(
                    {
                        "katottg": k,
                        "status": status,
                        "start": start.toordinal(),
                        "end": end.toordinal() if end else _OPEN,
                        "is_partial": partial,
                        "source_table": table,
                        "source_row": i,
                        "lists": lists,
                    }
                )

    name = Path(list_csv).name
    if skipped:  # one line per build, not one per row: the rows are also returned and counted
        logger.warning(
            "%s: %d row(s) skipped: %s",
            name,
            len(skipped),
            "; ".join(f"row {s['source_row']} {s['katottg']} {s['name']} ({s['reason']})" for s in skipped),
        )
    if unmatched:
        logger.warning(
            "%s: %d 'за винятком' row(s) name settlements not found in the codifier, kept partial: %s",
            name,
            len(unmatched),
            "; ".join(f"row {u['source_row']} {u['katottg']} ({u['excepted']})" for u in unmatched),
        )
    raw_periods = pd.DataFrame.from_records(
        records,
        columns=["katottg", "status", "start", "end", "is_partial", "source_table", "source_row", "lists"],
    )
    promoted = _promote_settlement_coverage(raw_periods, resolver)
    merged = _merge(pd.concat([raw_periods, promoted], ignore_index=True).drop(columns="lists"))
    return StatusList(
        periods=_to_output(merged),
        skipped=pd.DataFrame(skipped, columns=["source_row", "katottg", "name", "reason"]),
        rows_read=len(raw),
        unmatched=pd.DataFrame(unmatched, columns=["source_row", "katottg", "excepted"]),
    )


# ---------------------------------------------------------------- parsing


def _read_list(path: Path) -> pd.DataFrame:
    if not path.is_file():
        raise InputFileError(path.name, "file not found")
    return bundle.read_csv(path, LIST_COLUMNS)[0][list(LIST_COLUMNS)]


def parse_date(text: str) -> date:
    """'DD.MM.YYYY', tolerating stray spaces and dots: '12.11 2022', '31.03. 2022'."""
    cleaned = re.sub(r"[\s.]+", ".", text.strip()).strip(".")
    try:
        return datetime.strptime(cleaned, "%d.%m.%Y").date()
    except ValueError:
        raise ValueError(f"unreadable date {text!r}") from None


def parse_dates(cell: str) -> list[date]:
    """All dates of a cell, one per line; empty lines ignored."""
    return [parse_date(part) for part in str(cell).splitlines() if part.strip()]


def pair_periods(start_cell: str, end_cell: str) -> list[tuple[date, date | None]]:
    """start[i] pairs with end[i]; starts beyond the ends are open (None)."""
    starts, ends = parse_dates(start_cell), parse_dates(end_cell)
    if not starts:
        raise ValueError("no start date")
    if len(ends) > len(starts):
        raise ValueError(f"{len(ends)} end dates for {len(starts)} start dates")
    periods = []
    for i, start in enumerate(starts):
        end = ends[i] if i < len(ends) else None
        if end is not None and end < start:
            raise ValueError(f"period ends before it starts ({start} > {end})")
        periods.append((start, end))
    return periods


def _skip(i: int, code: str, name: str, reason: str) -> dict:
    return {"source_row": i, "katottg": code, "name": name, "reason": reason}


# ---------------------------------------------------------------- «за винятком»

# A settlement's type as the list writes it -> the codifier's categories it may be.
_TYPE_PREFIX = {"м": ("M",), "с": ("C",), "c": ("C",), "с-ще": ("X", "T"), "с-ща": ("X", "T"), "смт": ("T", "X")}
_PREFIX_RE = "|".join(sorted((re.escape(p) for p in _TYPE_PREFIX), key=len, reverse=True))
# a new item starts at a type prefix even without a comma ('с. Новокаїри с. Республіканець')
_ITEM_START = re.compile(rf"(?<!частина)\s(?=(?:{_PREFIX_RE})(?:\.\s*|\s))")
_ITEM = re.compile(rf"^(?:частина\s+)?(?P<prefix>{_PREFIX_RE})(?:\.\s*|\s+)(?P<name>[^(]+?)\s*(?:\((?P<alt>[^)]*)\))?$")
_CODE = re.compile(r"^UA\d{17}$")


@dataclass(frozen=True)
class Excepted:
    """One settlement named after «за винятком»: its type prefix, name(s), or the list's own code."""

    text: str
    categories: tuple[str, ...] = ()
    names: tuple[str, ...] = ()  # normalised; a bracketed other name too ('Грейгове (с-ще Миролюбове)')
    code: str | None = None


def excepted_settlements(name: str) -> list[Excepted] | None:
    """The settlements a row's name excepts, None when the name has no «за винятком»."""
    text = settlements.normalise_name(name)
    if EXCEPT_MARKER not in text:
        return None
    tail = text.split(EXCEPT_MARKER, 1)[1].strip(" :")
    if tail.endswith(")") and tail.count(")") > tail.count("("):  # '(за винятком …)'
        tail = tail[:-1]
    out = []
    for piece in re.split(r"[,;]|\sта\s", tail):
        for item in _ITEM_START.split(piece.strip()):
            item = item.strip(" .")
            if not item:
                continue
            m = _ITEM.match(item)
            if not m:
                out.append(Excepted(item))  # unreadable: matches nothing, keeps the row partial
                continue
            names, code, alt = [m["name"].strip()], None, (m["alt"] or "").strip()
            if _CODE.match(alt.upper()):  # 'с. Новобахмутівка (UA14160190130054690)'
                code = alt.upper()
            elif alt:  # another name: 'с-ще Грейгове (с-ще Миролюбове)'
                other = _ITEM.match(alt)
                names.append(other["name"].strip() if other else alt)
            out.append(Excepted(item, _TYPE_PREFIX[m["prefix"]], tuple(names), code))
    return out


class _Resolver:
    """Maps a code of any level to the registry hromadas it covers, and to the settlements a row
    lists in each of them."""

    def __init__(self, hromadas: pd.DataFrame, places: pd.DataFrame):
        h = hromadas
        self.hromadas = set(h["katottg"])
        self.by_pcode = dict(zip(h["ocha_pcode"], h["katottg"], strict=True))
        self.by_raion: dict[str, list[str]] = {}
        self.by_oblast: dict[str, list[str]] = {}
        for k, r, o in zip(h["katottg"], h["raion_katottg"], h["oblast_katottg"], strict=True):
            if isinstance(r, str) and r:
                self.by_raion.setdefault(r, []).append(k)
            self.by_oblast.setdefault(o, []).append(k)
        self.settlements_count: dict[str, int] = {}
        if "settlements_count" in h.columns:
            counts = pd.to_numeric(h["settlements_count"], errors="coerce")
            self.settlements_count = {
                k: int(n) for k, n in zip(h["katottg"], counts, strict=True) if pd.notna(n) and n > 0
            }
        # the codifier: the settlements of each hromada; names are indexed (normalised) only for the
        # hromadas an «за винятком» row names, when it is read
        self._hromada_of: dict[str, str] = {}
        self._places_of: dict[str, list[tuple[str, str, str]]] = {}
        for code, hk, cat, nm in zip(
            places["settlement_katottg"].tolist(),
            places["hromada_katottg"].tolist(),
            places["category"].tolist(),
            places["name_uk"].tolist(),
            strict=True,
        ):
            self._hromada_of[code] = hk
            self._places_of.setdefault(hk, []).append((code, cat, nm))
        self.settlements_of = {k: frozenset(c for c, _, _ in v) for k, v in self._places_of.items()}
        self._names: dict[str, dict[str, list[tuple[str, str]]]] = {}
        self._listed: dict[str, dict[str, set[str]]] = {}

    def add_listed_names(self, rows) -> None:
        """Names the list gives its own settlement rows ('с. Юр’ївка Торецької міської
        територіальної громади' -> юр'ївка), a second index for excepted names the codifier
        spells otherwise (Юріївка) or holds twice in one hromada (Миколаївка)."""
        for code, name in rows:
            hromada = self._hromada_of.get(code)
            words = settlements.normalise_name(name).split(" територіальної громади")[0].split(" ")
            m = _ITEM.match(" ".join(words[:-2])) if hromada and len(words) > 3 else None
            if m:
                self._listed.setdefault(hromada, {}).setdefault(m["name"].strip(), set()).add(code)

    def resolve(self, code: str, name: str) -> tuple[list[tuple[str, bool, frozenset[str] | None]], list[str]]:
        """([(hromada, is_partial, settlements the row lists there or None = all / unknown)],
        excepted names not found in the codifier)."""
        excepted = excepted_settlements(name)
        if code in self.hromadas:  # also Kyiv city, whose code is at oblast level
            scope = [code]
        elif code in self.by_raion:
            scope = list(self.by_raion[code])
        elif code in self.by_oblast:
            scope = list(self.by_oblast[code])
        elif len(code) == 19 and code[9:12] != "000" and code[:9] in self.by_pcode:
            return [(self.by_pcode[code[:9]], True, frozenset({code}))], []
        else:
            return [], []
        if excepted is None:
            return [(k, False, None) for k in scope], []
        found, missing = self._find(scope, excepted)
        out = []
        for k in scope:
            left_out = {s for s in found if self._hromada_of.get(s) == k}
            if missing or k not in self.settlements_of:  # cannot tell what the row lists here
                out.append((k, True, None))
            elif left_out:
                out.append((k, True, self.settlements_of[k] - left_out))
            else:  # none of the excepted settlements is in this hromada: the row lists all of it
                out.append((k, False, None))
        return out, missing

    def _name_index(self, hromada: str) -> dict[str, list[tuple[str, str]]]:
        """normalised name -> [(settlement code, category)] of one hromada's settlements."""
        if hromada not in self._names:
            index: dict[str, list[tuple[str, str]]] = {}
            for code, cat, nm in self._places_of.get(hromada, ()):
                index.setdefault(settlements.normalise_name(nm), []).append((code, cat))
            self._names[hromada] = index
        return self._names[hromada]

    def _find(self, scope: list[str], excepted: list[Excepted]) -> tuple[set[str], list[str]]:
        """Codes of the excepted settlements inside the hromadas ``scope``, and the names that
        match no settlement there, or more than one."""
        indexes = [self._name_index(k) for k in scope]
        found: set[str] = set()
        missing: list[str] = []
        for e in excepted:
            if e.code is not None and self._hromada_of.get(e.code) in scope:
                found.add(e.code)
                continue
            candidates = {c for index in indexes for n in e.names for c in index.get(n, [])}
            if len(candidates) > 1:
                candidates = {c for c in candidates if c[1] in e.categories}
            codes = {c[0] for c in candidates}
            if len(codes) != 1:  # the settlements the list itself names in these hromadas
                codes = {c for k in scope for n in e.names for c in self._listed.get(k, {}).get(n, ())}
            if len(codes) == 1:
                found.add(next(iter(codes)))
            else:
                missing.append(e.text)
        return found, missing


# ---------------------------------------------------------------- periods


def _promote_settlement_coverage(raw: pd.DataFrame, resolver: _Resolver) -> pd.DataFrame:
    """Full periods for the days when the partial rows together list the whole hromada.

    Sweeps the day segments between period boundaries; on each, the most severe status S such
    that the settlements listed in S or worse are all the hromada's settlements (the codifier's;
    for a hromada it does not hold, at least ``settlements_count`` distinct settlement codes)
    gives a full period of S (source row: the first listed row of S counting towards it).
    """
    out: list[dict] = []
    part = raw[raw["lists"].notna()]
    by_hromada: dict[str, list[tuple]] = {}
    for rec in zip(
        part["katottg"],
        part["status"],
        part["start"],
        part["end"],
        part["source_table"],
        part["source_row"],
        part["lists"],
        strict=True,
    ):
        by_hromada.setdefault(rec[0], []).append(rec)
    levels = sorted(SEVERITY.items(), key=lambda kv: -kv[1])  # most severe first
    for katottg, rows in sorted(by_hromada.items()):
        every = resolver.settlements_of.get(katottg)
        n = resolver.settlements_count.get(katottg)

        def whole(listed: set[str], every=every, n=n) -> bool:
            return every <= listed if every else bool(n) and len(listed) >= n

        if not whole(set().union(*(r[6] for r in rows))):
            continue  # even all periods together never list every settlement
        rows.sort(key=lambda r: r[5])
        bounds = sorted({r[2] for r in rows} | {r[3] + 1 for r in rows if r[3] != _OPEN})
        for a, b in zip(bounds, bounds[1:] + [_OPEN + 1], strict=True):
            live = [r for r in rows if r[2] <= a <= r[3]]
            for status, level in levels:
                at_least = [r for r in live if SEVERITY[r[1]] >= level]
                if at_least and whole(set().union(*(r[6] for r in at_least))):
                    # provenance: the first row in this very status, else the first more severe one
                    src = next((r for r in at_least if r[1] == status), at_least[0])
                    out.append(
                        {
                            "katottg": katottg,
                            "status": status,
                            "start": a,
                            "end": b - 1,
                            "is_partial": False,
                            "source_table": int(src[4]),
                            "source_row": int(src[5]),
                            "lists": None,
                        }
                    )
                    break
    return pd.DataFrame.from_records(out, columns=raw.columns)


def _merge(periods: pd.DataFrame) -> pd.DataFrame:
    """Merge overlapping or adjacent periods per (katottg, status, is_partial)."""
    out: list[dict] = []
    ordered = periods.sort_values(["katottg", "status", "is_partial", "start", "source_row"])
    current: dict | None = None
    for rec in ordered.to_dict("records"):
        same = current is not None and all(current[c] == rec[c] for c in ("katottg", "status", "is_partial"))
        if same and rec["start"] <= current["end"] + 1:
            current["end"] = max(current["end"], rec["end"])
            continue
        if current is not None:
            out.append(current)
        current = dict(rec)
    if current is not None:
        out.append(current)
    return pd.DataFrame.from_records(out, columns=periods.columns)


def _to_output(merged: pd.DataFrame) -> pd.DataFrame:
    def to_date(o):
        return None if o >= _OPEN else date.fromordinal(int(o))

    df = pd.DataFrame(
        {
            "katottg": merged["katottg"].astype(str),
            "status": merged["status"].astype(str),
            "start_date": [date.fromordinal(int(o)) for o in merged["start"]],
            "end_date": [to_date(o) for o in merged["end"]],
            "is_partial": merged["is_partial"].astype(bool),
            "source_table": merged["source_table"].astype("int32"),
            "source_row": merged["source_row"].astype("int32"),
        },
        columns=list(PERIOD_COLUMNS),
    )
    return df.sort_values(["katottg", "start_date", "status"], ignore_index=True)


def day_rule_steps(periods: pd.DataFrame) -> pd.DataFrame:
    """The warehouse's rule for one day applied to ``periods`` alone (no officers, stations or
    memoranda): the step function ``katottg, from_date, territory_status, is_partial_territory,
    is_assessable`` that ``hromada_state_steps`` holds, each row in force until the hromada's next.
    For code that needs the territory by day outside a warehouse (the demo generator): it runs the
    same SQL file on an in-memory database instead of restating the rule."""
    con = duckdb.connect(":memory:")
    try:
        schema.create_schema(con)
        con.register("_periods", periods[list(PERIOD_COLUMNS)])
        con.execute(f"INSERT INTO territory_status_periods SELECT {', '.join(PERIOD_COLUMNS)} FROM _periods")
        con.execute(DAY_RULE_SQL.read_text(encoding="utf-8"))
        return con.execute(
            "SELECT katottg, from_date, territory_status, is_partial_territory, is_assessable "
            "FROM hromada_state_steps ORDER BY katottg, from_date"
        ).df()
    finally:
        con.close()
