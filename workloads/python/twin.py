"""The harness every workload twin shares: options, the measured region, and the JSON it prints.

A twin defines `WORKLOAD` (its name), `VARIANTS` (variant name -> function) and `PARAMS` (name ->
default), and calls `twin.main(WORKLOAD, VARIANTS, PARAMS)`. Each variant function takes the
parameter dict and returns nothing; it may call `probe(name)` to record the traced bytes at a
point of interest (e.g. "held" while a workload holds its objects), and `report(name, value)` to
record an integer figure that is not a byte count (pages dirtied, a checksum). Probe and report
names are declared in `main(..., probes=(...), reports=(...))`.

Usage: <twin>.py --variant V [--param key=value ...] [--threshold A,B,C] [--gc enabled|disabled] [--freeze-at PROBE]
                 [--seed S] [--no-tracemalloc]

The measured region is the variant's call. Before it: a full collection (so count0 starts at 0
and the start-up population is in the oldest generation), the gc statistics taken, tracemalloc
started. With `--gc disabled` the collector is off during the call and one `gc.collect()`
follows it, inside the measured region. Collections are seen by a `gc.callbacks` entry that
stores into preallocated arrays, so it allocates nothing that outlives the callback.

With `--no-tracemalloc` the memory figures are null and the wall time is the one to compare
(tracemalloc slows CPython several-fold).

Script mode: a plain script (one that does not call `twin.main`) is measured by this file:

    twin.py --script FILE [--variant main] [--threshold A,B,C] [--gc enabled|disabled] [--seed S]
            [--no-tracemalloc]

It is the one variant `main` of the workload named after the file (its stem, `_` -> `-`,
lower-cased), with no parameters (params: just the seed), no probes (so no `--freeze-at`) and no
reports: calling `twin.probe` or `twin.report` from the script is an error, and so is calling
`twin.main`. The measured region is the script's whole module body, run by `twin.main` exactly as
a variant's call is, so the preamble and the JSON are the same. Before the region the script's
source is compiled (its code objects, constants and interned names exist before tracing, as on
the simulated side) and its globals are made: `{"__name__": "__main__", "__builtins__": ...,
"__file__": FILE}`; inside it the code is `exec`uted in them. `import twin` in the script finds
this module.

pyperf mode: a pyperformance benchmark file, unmodified, measured by this file:

    twin.py --pyperf FILE --variant BENCHMARK [--param NAME=VALUE ...] [--threshold A,B,C] [--gc ...]

The lab's pyperf (lib/pyperf.py) comes first on the path. The whole file runs before the measured
region, main block included (its `runner.bench_func(name, func, *args)` calls record the
benchmarks; `--param` values replace the defaults of its argparser's int arguments); the region
is one call `func(*args)` of the benchmark named by --variant (`func(1, *args)`, one loop, for
bench_time_func).
"""
import argparse
import gc
import json
import sys
import time
import tracemalloc
from array import array

MAX_PAUSES = 1 << 16

_pause_ns = array("q", bytes(8 * MAX_PAUSES))
_pause_gen = array("b", bytes(MAX_PAUSES))
# [started_at, pauses seen, total pause ns, max pause ns]
_state = array("q", bytes(8 * 4))
# probe name -> index into _probe_bytes, filled before tracing starts so probing allocates nothing
_probe_index = {}
_probe_bytes = array("q")
_report_index = {}
_report_values = array("q")
_tracing = [False]
# --freeze-at: the probe after which gc.freeze() runs (None: never)
_freeze_at = [None]
# Script mode: the script's path (None: a twin's run). A plain name, so it is no tracked object.
_script_file = None


def _on_gc(phase, info):
    now = time.perf_counter_ns()
    if phase == "start":
        _state[0] = now
        return
    pause = now - _state[0]
    k = _state[1]
    if k < MAX_PAUSES:
        _pause_ns[k] = pause
        _pause_gen[k] = info["generation"]
    _state[1] = k + 1
    _state[2] += pause
    if pause > _state[3]:
        _state[3] = pause


def probe(name):
    """Records the traced bytes now, under `name` (no-op without tracemalloc); then gc.freeze()
    if this is the --freeze-at point."""
    if _script_file is not None:
        raise RuntimeError("twin.probe(%r): %s is a plain script (twin.py --script): it has no probes"
                           % (name, _script_file))
    if _tracing[0]:
        _probe_bytes[_probe_index[name]] = tracemalloc.get_traced_memory()[0]
    if name == _freeze_at[0]:
        gc.freeze()


def report(name, value):
    """Records an integer figure under `name` (allocates nothing: the slot exists already)."""
    if _script_file is not None:
        raise RuntimeError("twin.report(%r): %s is a plain script (twin.py --script): it has no reports"
                           % (name, _script_file))
    _report_values[_report_index[name]] = value


def _parse(argv, variants, params):
    parser = argparse.ArgumentParser()
    parser.add_argument("--variant", required=True, choices=sorted(variants))
    parser.add_argument("--param", action="append", default=[], metavar="KEY=VALUE")
    parser.add_argument("--threshold")
    parser.add_argument("--gc", choices=("enabled", "disabled"), default="enabled")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-tracemalloc", action="store_true")
    parser.add_argument("--freeze-at", metavar="PROBE")
    args = parser.parse_args(argv)
    values = dict(params)
    values["seed"] = args.seed
    for item in args.param:
        key, sep, value = item.partition("=")
        if not sep or key not in params:
            parser.error("unknown parameter %r (known: %s)" % (key, ", ".join(sorted(params))))
        values[key] = int(value)
    if args.threshold is not None:
        parts = args.threshold.split(",")
        if len(parts) != 3:
            parser.error("--threshold takes A,B,C")
        args.threshold = [int(p) for p in parts]
    return args, values


_KEYS = ("collections", "collected", "uncollectable")


def _stats():
    # A flat array, so nothing the measurement keeps is a GC object.
    return array("q", [s[k] for s in gc.get_stats() for k in _KEYS])


def main(workload, variants, params, probes=(), reports=(), argv=None):
    """Parses the options (`argv`, default sys.argv[1:]), then measures the variant's call and
    prints the JSON line. Script mode calls it too, with the script's body as variant `main`."""
    if argv is None and _script_file is not None:
        raise RuntimeError("twin.main(): %s runs as a plain script (twin.py --script); run a twin itself" % _script_file)
    # Not kept in a local: a list alive during the run would be one more start-up object.
    args, values = _parse(sys.argv[1:] if argv is None else argv, variants, params)
    for i, name in enumerate(probes):
        _probe_index[name] = i
        _probe_bytes.append(-1)
    if args.freeze_at is not None and args.freeze_at not in _probe_index:
        sys.exit("--freeze-at: no probe %r (probes: %s)" % (args.freeze_at, ", ".join(probes)))
    _freeze_at[0] = args.freeze_at
    for i, name in enumerate(reports):
        _report_index[name] = i
        _report_values.append(0)
    body = variants[args.variant]
    if args.threshold is not None:
        gc.set_threshold(*args.threshold)
    gc.collect()
    startup_tracked = len(gc.get_objects())
    gc.callbacks.append(_on_gc)
    trace = not args.no_tracemalloc
    if args.gc == "disabled":
        gc.disable()
    gc.collect()
    before = _stats()
    count_before = gc.get_count()

    # The clock is read outside the traced region, so its ints are not counted.
    t0 = time.perf_counter_ns()
    if trace:
        _tracing[0] = True
        tracemalloc.start()
    body(values)
    if args.gc == "disabled":
        gc.collect()
    if trace:
        current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        _tracing[0] = False
    t1 = time.perf_counter_ns()

    count_after = gc.get_count()
    after = _stats()
    gc.callbacks.remove(_on_gc)
    gc.enable()
    delta = [after[i] - before[i] for i in range(9)]
    seen = min(_state[1], MAX_PAUSES)
    out = {
        "python": "%d.%d.%d" % sys.version_info[:3],
        "workload": workload,
        "variant": args.variant,
        "params": values,
        "gc": {
            "threshold": list(gc.get_threshold()),
            "enabled": args.gc == "enabled",
            "startup_tracked": startup_tracked,
            "count_before": list(count_before),
            "count_after": list(count_after),
            "collections": delta[0::3],
            "collected": delta[1::3],
            "uncollectable": delta[2::3],
            "pauses": {
                "count": int(_state[1]),
                "total_ns": int(_state[2]),
                "max_ns": int(_state[3]),
                "ns": list(_pause_ns[:seen]),
                "generation": list(_pause_gen[:seen]),
            },
        },
        "tracemalloc": {"current": current, "peak": peak, "probes": dict(zip(probes, _probe_bytes))} if trace else None,
        "reports": dict(zip(reports, _report_values)),
        "wall_ns": t1 - t0,
    }
    json.dump(out, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    # Script mode. Its function is made only when this file is the program, so the module a twin
    # imports holds the same objects as before (its start-up population is unchanged).
    def _program(opts, path, what):
        """A program file as the harness runs it: its workload name (the file's stem, `_` -> `-`,
        lower-cased), its code compiled, and the globals `python3 FILE` would give it."""
        stem = path.replace("\\", "/").rsplit("/", 1)[-1]
        if stem.endswith(".py"):
            stem = stem[:-3]
        try:
            with open(path, "rb") as f:
                source = f.read()
        except OSError as err:
            opts.error("cannot read the %s: %s" % (what, err))
        code = compile(source, path, "exec")
        return stem.replace("_", "-").lower(), code, {"__name__": "__main__", "__builtins__": __builtins__, "__file__": path}

    def _script_main(argv):
        global _script_file
        opts = argparse.ArgumentParser(description="Measures a plain script's module body (see twin.py's docstring).")
        opts.add_argument("--script", required=True, metavar="FILE")
        opts.add_argument("--variant", default="main")
        # Rejected here, with a plain script's reason; the other options are main()'s.
        opts.add_argument("--param", action="append", default=[], help=argparse.SUPPRESS)
        opts.add_argument("--freeze-at", help=argparse.SUPPRESS)
        known, rest = opts.parse_known_args(argv)
        if known.param:
            opts.error("a plain script takes no --param (its only variant, main, has no parameters)")
        if known.freeze_at is not None:
            opts.error("--freeze-at: a plain script has no probes")
        path = known.script
        # Compiled, and its globals made, before the measured region (as on the simulated side).
        workload, code, globals_ = _program(opts, path, "script")

        def body(values):
            exec(code, globals_)

        _script_file = path
        # As `python3 FILE` would: the script's directory first on the path (its own modules).
        sys.path[0] = __import__("os").path.dirname(__import__("os").path.abspath(path))
        sys.modules["twin"] = sys.modules[__name__]
        main(workload, {"main": body}, {}, argv=["--variant", known.variant] + rest)

    # pyperf mode: a pyperformance benchmark file, run unmodified with the lab's pyperf
    # (lib/pyperf.py). Its whole module, main block included, runs before the measured region
    # (bench_func records the benchmarks); the region is one call of the chosen benchmark.
    def _pyperf_main(argv):
        os = __import__("os")
        opts = argparse.ArgumentParser(description="Measures one call of a pyperformance benchmark (see twin.py's docstring).")
        opts.add_argument("--pyperf", required=True, metavar="FILE")
        opts.add_argument("--variant", required=True)
        opts.add_argument("--param", action="append", default=[], metavar="KEY=VALUE")
        known, rest = opts.parse_known_args(argv)
        path = known.pyperf
        workload, code, globals_ = _program(opts, path, "benchmark")
        # As `python3 FILE` would (its directory first on the path), with the lab's pyperf before it.
        sys.path[0] = os.path.dirname(os.path.abspath(path))
        sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
        sys.modules["twin"] = sys.modules[__name__]
        import pyperf
        given = {}
        for item in known.param:
            key, _, value = item.partition("=")
            try:
                given[key] = int(value)
            except ValueError:
                opts.error("--param %s: the value must be an integer" % item)
        pyperf._params.update(given)
        exec(code, globals_)
        if known.variant not in pyperf._benchmarks:
            opts.error("--variant %s: the benchmark registers %s" % (known.variant, ", ".join(sorted(pyperf._benchmarks)) or "nothing"))
        func, args, loops = pyperf._benchmarks[known.variant]
        # parse_args()'s int arguments are the parameters (their defaults); params the program has no argparser for are refused.
        params = dict(pyperf._int_defaults)
        unknown = sorted(set(given) - set(params))
        if unknown:
            opts.error("--param %s: the benchmark's int arguments are %s" % (unknown[0], ", ".join(sorted(params)) or "none"))

        # The call's argument tuple is made now, outside the measured region (func(*call_args)
        # of an exact tuple makes none), as on the simulated side.
        call_args = args if loops is None else (loops,) + args

        def body(values):
            func(*call_args)

        main(workload, {known.variant: body}, params,
             argv=["--variant", known.variant] + ["--param=%s" % p for p in known.param] + rest)

    if any(a == "--pyperf" or a.startswith("--pyperf=") for a in sys.argv[1:]):
        _pyperf_main(sys.argv[1:])
    else:
        _script_main(sys.argv[1:])
