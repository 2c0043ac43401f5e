"""Benchmark: the cascade Monte Carlo (``totkit.cascade.simulate``) against numpy drawing the
same number of binomial variates.

A cohort of ``--cohort`` (30) graduates with mixed readiness (a tenth at risk, p 0.3; half
developing, p 0.5; the rest ready, p 0.85), level 1 from a cohort's plans (2.4 sessions of
12.5 participants per graduate: a fractional s x m, so people are rounded stochastically),
deeper levels 2 sessions of 10, ``--levels`` (4) levels, ``--draws`` (10,000) draws.

"The same number of binomial variates" is what ``simulate`` itself draws: one Bernoulli
(a binomial with n = 1) per level-0 trainer per draw at level 1, and one binomial per draw at
each deeper level, so draws x (N0 + L - 1) = 10,000 x 33 = 330,000 variates. The baseline is
one ``numpy.random.default_rng().binomial(n, p)`` call on arrays of that shape with the same
parameters: n = 1 and each trainer's p in the first N0 columns, and for each deeper level
n = the expected people of the level above (rounded) and that level's p. The arrays are built
before timing. ``simulate``'s time includes everything else it does: the stochastic rounding,
the totals, the fidelity weights, the means, percentiles and standard deviations.

For context only (no target), it also times ``rng.random`` drawing as many uniforms, the
cheapest way to draw that many random numbers: ``simulate`` draws level 1 as uniforms
compared with each trainer's p, which is why it can beat the binomial baseline.

All are timed in the same run, alternately, best-of and median over ``--repeat`` runs, and
the ratio simulate / baseline is printed against the target (at most 3x)::

    .venv/bin/python benchmarks/bench_cascade.py --repeat 30

It reports what it measured and exits 0 either way, unless ``--strict`` is given.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from totkit.cascade import CascadeInputs, Level, expected_reach, simulate  # noqa: E402

TARGET = 3.0  # simulate may take at most this many times the bare binomial draws
BANDS = ((0.1, 0.3), (0.5, 0.5), (0.4, 0.85))  # (share of the cohort, p)


def cohort_inputs(cohort: int, levels: int) -> CascadeInputs:
    trainer_p: list[float] = []
    for share, p in BANDS:
        trainer_p += [p] * round(share * cohort)
    trainer_p = (trainer_p + [0.5] * cohort)[:cohort]
    mean_p = sum(trainer_p) / len(trainer_p)
    first = Level(mean_p, 2.4, 12.5, 0.8)
    return CascadeInputs(tuple(trainer_p), (first, *[Level(mean_p, 2, 10, 0.8)] * (levels - 1)),
                         workbooks=cohort)


def baseline_arrays(inputs: CascadeInputs, draws: int) -> tuple[np.ndarray, np.ndarray]:
    """n and p, draws x (N0 + L - 1): the variates ``simulate`` draws, with its parameters."""
    reach = expected_reach(inputs)
    n_row = [1] * inputs.n0 + [round(reach[k - 1]) for k in range(2, inputs.depth + 1)]
    p_row = list(inputs.trainer_p) + [level.p for level in inputs.levels[1:]]
    n = np.broadcast_to(np.asarray(n_row, dtype=np.int64), (draws, len(n_row))).copy()
    p = np.broadcast_to(np.asarray(p_row, dtype=np.float64), (draws, len(p_row))).copy()
    return n, p


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cohort", type=int, default=30)
    parser.add_argument("--levels", type=int, default=4)
    parser.add_argument("--draws", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--strict", action="store_true", help="exit 1 if the target is missed")
    args = parser.parse_args(argv)

    inputs = cohort_inputs(args.cohort, args.levels)
    n, p = baseline_arrays(inputs, args.draws)
    rng = np.random.default_rng()
    simulate(inputs, args.draws, seed=0)  # warm up: imports, caches
    rng.binomial(n, p)

    sim_times: list[float] = []
    base_times: list[float] = []
    uniform_times: list[float] = []
    for seed in range(args.repeat):  # alternate, so all see the same machine state
        start = time.perf_counter()
        rng.binomial(n, p)
        base_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        rng.random(n.shape)
        uniform_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        result = simulate(inputs, args.draws, seed=seed)
        sim_times.append(time.perf_counter() - start)

    sim_best, sim_median = min(sim_times), statistics.median(sim_times)
    base_best, base_median = min(base_times), statistics.median(base_times)
    ratio_best = sim_best / base_best
    ratio_median = sim_median / base_median
    met = ratio_best <= TARGET and ratio_median <= TARGET
    ms = 1000.0
    print(f"python {platform.python_version()}, numpy {np.__version__}, "
          f"{platform.machine()}")
    print(f"cohort {inputs.n0} (p: {', '.join(f'{q:g}' for q in sorted(set(inputs.trainer_p)))}"
          f"), {inputs.depth} levels, {args.draws:,} draws, repeat {args.repeat}")
    print(f"variates: {args.draws:,} x ({inputs.n0} + {inputs.depth - 1}) = {n.size:,}")
    print(f"formula reach per level: {', '.join(f'{r:,.0f}' for r in expected_reach(inputs))}")
    print(f"simulated mean per level: {', '.join(f'{s.mean:,.0f}' for s in result.levels)}")
    print(f"{'':26}{'best ms':>10}{'median ms':>12}")
    print(f"{'numpy binomial (baseline)':26}{base_best * ms:10.2f}{base_median * ms:12.2f}")
    print(f"{'numpy uniforms (context)':26}{min(uniform_times) * ms:10.2f}"
          f"{statistics.median(uniform_times) * ms:12.2f}")
    print(f"{'simulate':26}{sim_best * ms:10.2f}{sim_median * ms:12.2f}")
    print(f"simulate/baseline: best {ratio_best:.2f}x, median {ratio_median:.2f}x; "
          f"target <= {TARGET:.0f}x: {'met' if met else 'NOT met'}")
    return 1 if args.strict and not met else 0


if __name__ == "__main__":
    sys.exit(main())
