"""``python3 -m livepix batch``: the command line of livepix.batch.run().

    python3 -m livepix batch --filter NAME [--param key=value ...] [--filter NAME2 ...]
        INPUT... --out DIR [--format EXT] [--scheduler ADDRESS] [--workers N] [--force]

Exit status: 0 when every file was written or up to date, 1 when any file
failed (each is listed with its reason), 2 for a usage error or a cluster that
cannot run the job, 130 after Ctrl+C.
"""

import argparse
import sys


class _ChainStep(argparse.Action):
    """--filter and --param append to one ordered list, so that each --param
    binds to the --filter before it."""

    def __call__(self, parser, namespace, value, option_string=None):
        steps = getattr(namespace, self.dest) or []
        if option_string == "--filter":
            steps.append((value, {}))
        else:
            if not steps:
                parser.error(f"--param {value}: give the --filter it belongs to first")
            key, equals, text = value.partition("=")
            if not equals or not key:
                parser.error(f"--param {value}: expected key=value")
            steps[-1][1][key] = text  # typed by the filter's declared parameters later
        setattr(namespace, self.dest, steps)


def _parser():
    parser = argparse.ArgumentParser(
        prog="python3 -m livepix batch",
        description="Apply a filter, or a chain of filters in the order given, to every input and write "
                    "the results into the output folder, on a Dask cluster (local by default).")
    parser.add_argument("--filter", dest="chain", action=_ChainStep, metavar="NAME", required=True,
                        help="filter to apply (repeat for a chain); see livepix.filters.names()")
    parser.add_argument("--param", dest="chain", action=_ChainStep, metavar="KEY=VALUE",
                        help="parameter of the --filter before it, typed as that filter declares it")
    parser.add_argument("inputs", nargs="+", metavar="INPUT", help="image files, folders and globs")
    parser.add_argument("--out", required=True, metavar="DIR", help="output folder (created if missing)")
    parser.add_argument("--format", metavar="EXT", help="output file format (default: the input's)")
    parser.add_argument("--scheduler", metavar="ADDRESS",
                        help="an existing Dask scheduler (tcp://host:8786) instead of a local cluster")
    parser.add_argument("--workers", type=int, metavar="N",
                        help="worker processes of the local cluster (default: one per CPU)")
    parser.add_argument("--force", action="store_true",
                        help="write every output, also those already made by the same chain")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    return parser


def main(argv):
    parser = _parser()
    # Intermixed: inputs may sit between options (INPUT --param k=v INPUT).
    args = parser.parse_intermixed_args(argv)
    from . import BatchCancelled, BatchError, run

    try:
        report = run(args.chain, args.inputs, args.out, scheduler=args.scheduler, workers=args.workers,
                     format=args.format, force=args.force, progress=not args.quiet)
    except BatchCancelled as cancel:
        print(f"livepix batch: cancelled; {cancel.report.summary()}; no partial files left", file=sys.stderr)
        return 130
    except KeyboardInterrupt:  # before any file was submitted
        print("livepix batch: cancelled before any file was started", file=sys.stderr)
        return 130
    except (ValueError, BatchError, ImportError) as error:
        print(f"livepix batch: error: {error}", file=sys.stderr)
        return 2
    print(f"livepix batch: {report}", file=sys.stderr if report.failed else sys.stdout)
    return 0 if report.ok else 1
