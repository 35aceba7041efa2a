"""The trust survey's two reporting rules, each written once for the whole read side.

- A share is reportable when its Kish effective n is at least the configured minimum
  (monitor.settings.min_effective_n); a missing effective n (no survey) is never reportable.
  Whatever is not reportable is shown as "too few responses" or "no survey", never as a number.
- A difference of two shares (a wave-to-wave change, or covered against not covered) is marked
  significant when |z| > 1.96, z = difference / √(se_a² + se_b²), the two estimates taken as
  independent samples. The wave_changes view of the warehouse supplies the change and both waves'
  standard errors; the test itself is applied here only.
"""

from __future__ import annotations

import math

import pandas as pd

from monitor.formatting import is_missing
from monitor.settings import min_effective_n

Z_95 = 1.96


def is_reportable(n_effective, min_n: float | None = None):
    """Whether a share with this effective n may be shown as a number: a bool for a scalar, a bool
    Series for a Series. A missing n_effective is never reportable."""
    threshold = min_effective_n() if min_n is None else float(min_n)
    if isinstance(n_effective, pd.Series):
        return pd.to_numeric(n_effective, errors="coerce").astype("float64").ge(threshold)
    return not is_missing(n_effective) and float(n_effective) >= threshold


def difference_test(difference, se_a, se_b) -> tuple[float, bool | None]:
    """z of a difference of two independent estimates and whether it is significant (|z| > 1.96).

    With both standard errors zero, z is missing and any non-zero difference is significant; with
    the difference or an error missing, neither is known: (nan, None).
    """
    if is_missing(difference) or is_missing(se_a) or is_missing(se_b):
        return math.nan, None
    se = math.hypot(float(se_a), float(se_b))
    if se == 0:
        return math.nan, bool(difference != 0)
    z = float(difference) / se
    return z, abs(z) > Z_95
