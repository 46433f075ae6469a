"""SciPy baseline of the speed benchmark: times scipy.stats calls on the inputs the TypeScript
benchmark wrote (float64 little-endian files), after imports, with time.perf_counter.

Usage: python3 scipy_timing.py <dir> <repetitions>; prints JSON with median milliseconds and the
p-values (so the benchmark can check both sides computed the same thing)."""
import json
import statistics
import sys
import time

import numpy as np
import scipy
from scipy import stats


def timed(function, repetitions):
    function()  # warm-up
    times = []
    result = None
    for _ in range(repetitions):
        start = time.perf_counter()
        result = function()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), result


def main():
    directory, repetitions = sys.argv[1], int(sys.argv[2])
    x = np.fromfile(f"{directory}/mw-x.f64", dtype="<f8")
    y = np.fromfile(f"{directory}/mw-y.f64", dtype="<f8")
    with open(f"{directory}/khis.json") as handle:
        khis = json.load(handle)
    distributions = [
        (np.fromfile(f"{directory}/{d['canary']}", dtype="<f8"), np.fromfile(f"{directory}/{d['baseline']}", dtype="<f8"))
        for d in khis["distributions"]
    ]
    ratios = khis["ratios"]

    mw_ms, mw = timed(lambda: stats.mannwhitneyu(x, y, alternative="two-sided"), repetitions)

    def twelve():
        p_values = []
        for canary, baseline in distributions:
            p_values.append(stats.mannwhitneyu(canary, baseline, alternative="two-sided").pvalue)
        for r in ratios:
            k_c, n_c, k_b, n_b = r["canaryEvents"], r["canaryTotal"], r["baselineEvents"], r["baselineTotal"]
            p_values.append(stats.binomtest(k_c, k_c + k_b, n_c / (n_c + n_b), alternative="two-sided").pvalue)
        return p_values

    twelve_ms, twelve_p = timed(twelve, repetitions)
    print(json.dumps({
        "scipy": scipy.__version__,
        "numpy": np.__version__,
        "mannWhitneyMs": mw_ms,
        "mannWhitneyP": float(mw.pvalue),
        "mannWhitneyU": float(mw.statistic),
        "twelveMs": twelve_ms,
        "twelveP": [float(p) for p in twelve_p],
    }))


if __name__ == "__main__":
    main()
