"""Benchmark: scoring a cohort (``totkit.diagnostic.score_frame``) against reading it.

Generates a realistic response CSV (respondents x items, with gaps) for the shipped
instrument (``templates/instruments/readiness.yaml``; if it is missing or does not load, an
instrument of 9 dimensions x 4 items built here), then times, in the same run, best-of and
median over ``--repeat`` runs:

* ``pandas.read_csv`` of that CSV,
* ``score_frame`` on the frame read,
* ``cohort_summary`` on the frame read (on its own: it scores again and adds alpha),

and prints the ratio score / read against the target (scoring takes at most 3x the read)::

    .venv/bin/python benchmarks/bench_scoring.py --respondents 10000 --repeat 5

It reports what it measured and exits 0 either way, unless ``--strict`` is given.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from totkit.diagnostic import cohort_summary, score_frame  # noqa: E402
from totkit.instrument import Instrument  # noqa: E402

TARGET = 3.0  # score_frame may take at most this many times the read


def load_or_build_instrument() -> tuple[Instrument, str]:
    from totkit.instrument import instrument_path, load_instrument

    try:
        path = instrument_path()
        if path.is_file():
            return load_instrument(path), f"shipped ({path.name})"
    except Exception as exc:  # fall back to the built one, and say why
        print(f"# the shipped instrument did not load ({exc}); using one built here")
    return built_instrument(), "built here (9 dimensions x 4 items)"


def built_instrument(dimensions: int = 9, items: int = 4) -> Instrument:
    def text(value: str) -> dict[str, str]:
        return {"id": value, "en": value}

    bands = [("at_risk", 0), ("developing", 50), ("ready", 70)]
    return Instrument.model_validate(
        {
            "id": "bench",
            "version": "1",
            "title": text("Benchmark"),
            "description": text("Benchmark instrument"),
            "scale": [{"value": v, "label": text(str(v))} for v in range(1, 6)],
            "bands": [{"id": b, "name": text(b), "from": lower} for b, lower in bands],
            "dimensions": [
                {
                    "id": f"dim_{d}",
                    "name": text(f"Dimension {d}"),
                    "description": text(f"Dimension {d}"),
                    "weight": 1.0 + (d % 3) * 0.25,
                    "items": [
                        {"id": f"dim_{d}_{i}", "text": text(f"Item {d}.{i}"),
                         "reverse": i == items}
                        for i in range(1, items + 1)
                    ],
                    "recommendations": {
                        b: [{"text": text(f"Do {b}"), "source": "bench"}] for b, _ in bands
                    },
                }
                for d in range(1, dimensions + 1)
            ],
        }
    )


def responses(instrument: Instrument, respondents: int, seed: int) -> pd.DataFrame:
    """Likert answers from a latent readiness per respondent and dimension, with gaps:
    ~4% of answers skipped at random and ~3% of respondents stopping part way."""
    rng = np.random.default_rng(seed)
    person = rng.normal(0.0, 0.7, size=(respondents, 1))
    columns: dict[str, np.ndarray] = {}
    for dimension in instrument.dimensions:
        latent = 3.3 + person + rng.normal(0.0, 0.6, size=(respondents, 1))
        for item in dimension.items:
            value = np.clip(np.rint(latent[:, 0] + rng.normal(0, 0.8, respondents)), 1, 5)
            columns[item.id] = 6 - value if item.reverse else value
    frame = pd.DataFrame(columns)
    values = frame.to_numpy(dtype=float, copy=True)
    values[rng.random(values.shape) < 0.04] = np.nan
    stopped = rng.random(respondents) < 0.03
    stop_at = rng.integers(1, values.shape[1], size=respondents)
    for row in np.flatnonzero(stopped):
        values[row, stop_at[row]:] = np.nan
    frame = pd.DataFrame(values, columns=frame.columns).astype("Int64")
    frame.index = pd.Index([f"R{i:06d}" for i in range(respondents)], name="respondent")
    return frame


def timed(function: Callable[[], object], repeat: int) -> tuple[float, float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times), result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--respondents", type=int, default=10000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=20260817)
    parser.add_argument("--strict", action="store_true", help="exit 1 if the target is missed")
    args = parser.parse_args(argv)

    instrument, origin = load_or_build_instrument()
    items = len(instrument.items)
    with tempfile.TemporaryDirectory() as folder:
        csv = Path(folder) / "responses.csv"
        responses(instrument, args.respondents, args.seed).to_csv(csv)
        size = csv.stat().st_size

        def read() -> pd.DataFrame:
            return pd.read_csv(csv, index_col="respondent")

        frame = read()
        score_frame(instrument, frame)  # warm up: imports, caches
        cohort_summary(instrument, frame)
        read_best, read_median, frame = timed(read, args.repeat)
        score_best, score_median, scored = timed(
            lambda: score_frame(instrument, frame), args.repeat)
        summary_best, summary_median, _ = timed(
            lambda: cohort_summary(instrument, frame), args.repeat)

    ratio_best = score_best / read_best
    ratio_median = score_median / read_median
    met = ratio_best <= TARGET and ratio_median <= TARGET
    ms = 1000.0
    print(f"python {platform.python_version()}, pandas {pd.__version__}, "
          f"numpy {np.__version__}")
    print(f"instrument: {instrument.id} {instrument.version}, {origin}: "
          f"{len(instrument.dimensions)} dimensions, {items} items")
    print(f"respondents: {args.respondents}, CSV {size / 1e6:.2f} MB, repeat {args.repeat}; "
          f"with an index: {scored['index'].notna().mean():.1%}")
    print(f"{'':16}{'best ms':>10}{'median ms':>12}")
    print(f"{'read_csv':16}{read_best * ms:10.1f}{read_median * ms:12.1f}")
    print(f"{'score_frame':16}{score_best * ms:10.1f}{score_median * ms:12.1f}")
    print(f"{'cohort_summary':16}{summary_best * ms:10.1f}{summary_median * ms:12.1f}")
    print(f"score/read: best {ratio_best:.2f}x, median {ratio_median:.2f}x; "
          f"target <= {TARGET:.0f}x: {'met' if met else 'NOT met'}")
    return 1 if args.strict and not met else 0


if __name__ == "__main__":
    sys.exit(main())
