"""The lab's pyperf: the part of pyperf's API a pyperformance benchmark file uses (Runner,
bench_func, bench_time_func, metadata, argparser, parse_args, perf_counter), so the file runs
unmodified. Nothing is timed or repeated here: bench_func records the benchmark, and the harness
measures one call of it as the variant of that name. Both sides run this same file: gclab
compiles it for the simulated program, and `twin.py --pyperf FILE` puts its directory first on a
real interpreter's path.

An argparser argument of type int is a parameter of the workload: `--param NAME=VALUE` (NAME is
the argument's dest, e.g. rng_seed for --rng-seed) replaces its default in what parse_args()
returns."""
import time

perf_counter = time.perf_counter

# name -> (function, arguments, loops): what bench_func (loops None) and bench_time_func (loops 1:
# the function takes the loop count first and returns the time it measured) recorded.
_benchmarks = {}
# dest -> value: the run's --param values, set by the harness before the program runs.
_params = {}
# dest -> default of each argument of type int: the workload's parameters.
_int_defaults = {}


class _Arguments:
    """What parse_args() returns: one attribute per argument, its default or the run's value."""


class _ArgumentParser:
    def __init__(self):
        self._dests = []
        self._defaults = {}

    def add_argument(self, name, type=None, default=None, help=None, metavar=None, action=None, nargs=None, choices=None):
        dest = name.lstrip("-").replace("-", "_")
        self._dests.append(dest)
        self._defaults[dest] = default
        if type is int:
            _int_defaults[dest] = default


class Runner:
    def __init__(self, add_cmdline_args=None):
        self.metadata = {}
        self.argparser = _ArgumentParser()

    def parse_args(self):
        args = _Arguments()
        for dest in self.argparser._dests:
            setattr(args, dest, _params.get(dest, self.argparser._defaults[dest]))
        return args

    def bench_func(self, name, func, *args, inner_loops=None, metadata=None):
        _benchmarks[name] = (func, args, None)

    def bench_time_func(self, name, func, *args, inner_loops=None, metadata=None):
        _benchmarks[name] = (func, args, 1)
