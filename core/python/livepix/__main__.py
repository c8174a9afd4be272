"""``python3 -m livepix COMMAND ...``: livepix's commands that need no window.

    python3 -m livepix batch --filter NAME [--param k=v] INPUT... --out DIR

(The viewer itself is the ``livepix`` program.)
"""

import sys

COMMANDS = {
    "batch": "apply filters to many files on Dask (python3 -m livepix batch --help)",
}


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    if not argv or argv[0] in ("-h", "--help") or argv[0] not in COMMANDS:
        out = sys.stdout if argv and argv[0] in ("-h", "--help") else sys.stderr
        print("usage: python3 -m livepix COMMAND [ARGS...]\n\ncommands:", file=out)
        for name, text in COMMANDS.items():
            print(f"  {name:8} {text}", file=out)
        return 0 if out is sys.stdout else 2
    # Imported only here: batch needs Dask, which takes a second to import.
    from .batch.cli import main as batch_main
    return batch_main(argv[1:])


# Dask's spawned worker processes import the caller's __main__ again (as
# __mp_main__); only a real `python3 -m livepix` runs a command.
if __name__ == "__main__":
    sys.exit(main())
