"""The livepix console on IPython (runs inside the app's interpreter).

Compiled into the app next to consoleshell.py and executed as the module
`_livepix_ipython` on the Python worker thread, only when IPython is to be
used (see PythonWorker::initialize) so that importing IPython never delays
the first window.

`IPythonConsole` has the interface of consoleshell.Shell (submit, run_source,
run_file, run_text, completions, last_error), so the C++ side drives both the
same way. Cells run through IPython's `run_cell` (magics, `obj?`, `_`, `Out`,
its tracebacks); scripts and editor runs stay plain Python (like %run).

Threading: everything here runs on the Python worker thread with the GIL
held. The shell, its history and its completer are only touched there.
"""
import re
import sys
import traceback
import warnings

import livepix_app as _app
import _livepix_console as _base

from IPython.core.interactiveshell import InteractiveShell

# Out[n], _, __ keep their values alive; images are big, so keep IPython's
# smallest cache (it refuses fewer than 20) unless the profile says otherwise.
OUTPUT_CACHE_SIZE = 20

NOT_SUPPORTED = ("%{name} is not supported in the livepix console: its figures and event "
                 "loops would need the Python thread to own GUI windows. Show arrays with "
                 "viewer.show(array) instead.\n")

_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def strip_ansi(text):
    return _ANSI.sub("", text)


def _profile_config():
    """The user's IPython profile (IPYTHONDIR or ~/.ipython, profile
    "default"): its config and the folder of its startup files."""
    from IPython.core.profiledir import ProfileDir, ProfileDirError
    from IPython.paths import get_ipython_dir
    from traitlets.config import Config
    try:
        from IPython.terminal.ipapp import load_default_config
        config = load_default_config(get_ipython_dir())
    except Exception as exc:  # a broken profile must not stop the console
        _app._write(_base.STDERR, f"IPython profile not loaded: {exc}\n")
        config = Config()
    try:
        profile = ProfileDir.find_profile_dir_by_name(get_ipython_dir(), "default")
    except ProfileDirError:
        profile = None
    return config, profile


class LivepixShell(InteractiveShell):
    """InteractiveShell for a console that is not a terminal: tracebacks and
    help go to the console's streams, each top-level statement repaints the
    view, exit() keeps the app running, GUI event loops are refused."""

    def init_virtualenv(self):
        # The interpreter is Debian's python3, pinned at build time; a
        # VIRTUAL_ENV in the environment says nothing about it.
        pass

    async def run_code(self, code_obj, result=None, *, async_=False):
        # IPython compiles each top-level statement of a cell on its own;
        # the view repaints after each, as with the plain console.
        try:
            return await super().run_code(code_obj, result, async_=async_)
        finally:
            _app._statement_done()

    def _showtraceback(self, etype, evalue, stb):
        text = self.InteractiveTB.stb2text(stb)
        if not text.endswith("\n"):
            text += "\n"
        self.livepix_errors.append(strip_ansi(text))
        sys.stderr.write(text)

    def show_usage_error(self, exc):
        # Unknown magics, bad magic arguments, refused %gui: the cell failed.
        text = f"UsageError: {exc}\n"
        self.livepix_errors.append(text)
        sys.stderr.write(text)

    def showtraceback(self, exc_tuple=None, filename=None, tb_offset=None,
                      exception_only=False, running_compiled_code=False):
        try:
            etype, value, _ = self._get_exc_info(exc_tuple)
        except ValueError:
            etype = value = None
        if etype is not None and issubclass(etype, SystemExit):
            # sys.exit() in a cell: the app stays; a non-zero status fails
            # the cell (a batch run exits non-zero).
            sys.stderr.write(_base.EXIT_MESSAGE)
            if value.code not in (None, 0):
                self.livepix_errors.append(f"SystemExit: {value.code}\n")
            return
        super().showtraceback(exc_tuple, filename, tb_offset, exception_only,
                              running_compiled_code)

    def reset(self, new_session=True, aggressive=False):
        # %reset empties the namespace; the console's own names (np,
        # livepix, viewer) come back, as after a fresh start.
        kept = {name: self.user_ns[name] for name in self.livepix_names if name in self.user_ns}
        super().reset(new_session, aggressive)
        self.user_ns.update(kept)

    def ask_exit(self):
        sys.stderr.write(_base.EXIT_MESSAGE)

    def ask_yes_no(self, prompt, default=None, interrupt=None):
        # %reset and friends: a question box on the GUI thread (no stdin).
        return bool(_app._confirm(prompt))

    def enable_gui(self, gui=None):
        raise _usage_error("gui")

    def enable_matplotlib(self, gui=None):
        raise _usage_error("matplotlib")

    def enable_pylab(self, gui=None, import_all=True, welcome_message=False):
        raise _usage_error("pylab")


def _usage_error(name):
    from IPython.core.error import UsageError
    return UsageError(NOT_SUPPORTED.format(name=name).rstrip("\n"))


def _refusal(name):
    def refuse(line):
        raise _usage_error(name)
    refuse.__doc__ = NOT_SUPPORTED.format(name=name)
    return refuse


def _show_in_pager(self, data, start=0, screen_lines=0):
    # `obj?` and `%magic?` help: printed in the console (there is no pager).
    if isinstance(data, dict):
        data = data.get("text/plain", "")
    lines = str(data).splitlines()[start:]
    sys.stdout.write("\n".join(lines) + "\n")


class IPythonConsole(_base.Shell):
    """The console's cells through IPython; scripts and editor runs as plain
    Python in the same namespace (consoleshell.Shell's run_file / run_text),
    with IPython's tracebacks."""

    def __init__(self, namespace, history):
        super().__init__(namespace)
        config, profile = _profile_config()
        shell_config = config.setdefault("InteractiveShell", {})
        shell_config.setdefault("cache_size", OUTPUT_CACHE_SIZE)
        shell_config.setdefault("colors", "LightBG")
        # One store: the console's history file (Up/Down) is what %history
        # sees; IPython's own database stays in memory (no second file, no
        # saving thread).
        config.setdefault("HistoryManager", {})["hist_file"] = ":memory:"
        main = sys.modules["__main__"]
        self.ip = LivepixShell.instance(config=config, user_module=main,
                                        user_ns=namespace, profile_dir=profile)
        self.ip.livepix_errors = []
        self.ip.livepix_names = ("np", "livepix", "viewer")
        self.ip.set_hook("show_in_pager", _show_in_pager)
        for name in ("gui", "matplotlib", "pylab"):
            self.ip.register_magic_function(_refusal(name), "line", name)
        self._make_tracebacks_robust()
        self._seed_history(history)
        warnings.filterwarnings("ignore", message="To exit: use 'exit'")
        if profile is not None:
            self._run_profile_startup(profile)

    def _make_tracebacks_robust(self):
        """IPython's formatter (stack_data) raises when a frame's source does
        not match the code that ran (an editor buffer edited and run in
        parts); IPython then prints its own formatter's error instead of the
        user's. Fall back to the standard format for that traceback."""
        formatter = self.ip.InteractiveTB
        fancy = formatter.structured_traceback

        def structured_traceback(etype=None, value=None, tb=None, tb_offset=None, *args, **kwargs):
            try:
                return fancy(etype, value, tb, tb_offset, *args, **kwargs)
            except Exception:
                for _ in range(tb_offset or 0):
                    tb = tb.tb_next if tb is not None else None
                return ["".join(traceback.format_exception(etype, value, tb)).rstrip("\n")]

        formatter.structured_traceback = structured_traceback

    # -- history ------------------------------------------------------------
    def _seed_history(self, entries):
        """Earlier sessions' cells (the console's history file) become
        session 0 of IPython's in-memory database: %history -g and ~1/ see
        them, like IPython's own file would."""
        hm = self.ip.history_manager
        if not entries or hm is None or hm.db is None:
            return
        with hm.db:
            hm.db.execute("INSERT OR REPLACE INTO sessions VALUES (0, NULL, NULL, ?, '')",
                          (len(entries),))
            hm.db.executemany("INSERT OR REPLACE INTO history VALUES (0, ?, ?, ?)",
                              [(i + 1, e, e) for i, e in enumerate(entries)])

    def _run_profile_startup(self, profile):
        import glob
        import os
        folder = profile.startup_dir
        for path in sorted(glob.glob(os.path.join(folder, "*.py"))
                           + glob.glob(os.path.join(folder, "*.ipy"))):
            try:
                if path.endswith(".ipy"):
                    self.ip.safe_execfile_ipy(path)
                else:
                    self.ip.safe_execfile(path, self.ip.user_ns)
            except Exception as exc:
                self.write(f"IPython startup file {path} failed: {exc}\n")

    # -- output -------------------------------------------------------------
    def showtraceback(self):
        # Scripts (run_file / run_text) raise through Shell.runcode: show
        # IPython's traceback without runcode's own frame.
        self.ip.livepix_errors = []
        self.ip.showtraceback(tb_offset=1)
        self.last_error = "".join(self.ip.livepix_errors)

    def showsyntaxerror(self, filename=None):
        self.ip.livepix_errors = []
        self.ip.showsyntaxerror(filename)
        self.last_error = "".join(self.ip.livepix_errors)

    # -- running ------------------------------------------------------------
    def is_complete(self, source):
        status, _ = self.ip.check_complete(source + "\n" if source.endswith("\n\n") else source)
        return None if status == "incomplete" else True

    def submit(self, source):
        if self.is_complete(source) is None:
            return None
        _app._input_accepted()
        if not source.strip():
            return True
        return self.run_source(source, None)

    def run_source(self, source, label):
        """A cell typed, pasted or given with --exec: echoed with IPython's
        prompt and run by IPython (store_history, Out[n], magics)."""
        _app._write(_base.ECHO, self.echo(source))
        self.last_error = ""
        self.ip.livepix_errors = []
        result = self.ip.run_cell(source, store_history=True)
        # A cell that raised does not raise out of run_cell, and %run
        # reports its script's exception itself: every traceback shown
        # during the cell counts.
        self.last_error = "".join(self.ip.livepix_errors)
        if result.error_before_exec is not None and not self.last_error:
            self.last_error = f"{type(result.error_before_exec).__name__}: {result.error_before_exec}\n"
        return not self.last_error

    def echo(self, source):
        number = self.ip.execution_count
        lines = source.rstrip("\n").split("\n")
        head = f"In [{number}]: "
        more = " " * (len(head) - 5) + "...: "
        return "\n".join((head if i == 0 else more) + line for i, line in enumerate(lines)) + "\n"

    # -- completion -----------------------------------------------------------
    def completions(self, text):
        """IPython's completer (jedi when importable), in the console's form:
        the whole dotted token with "(" after callables, as the plain
        console gives; magics and paths as IPython gives them."""
        from IPython.core.completer import provisionalcompleter
        with provisionalcompleter():
            items = list(self.ip.Completer.completions(text, len(text)))
        if not items:
            return super().completions(text)
        start = min(item.start for item in items)
        match = re.search(r"[A-Za-z_][\w.]*$", text.rsplit("\n", 1)[-1])
        token_start = len(text) - len(match.group(0)) if match else len(text)
        names = []
        for item in items:
            candidate = text[start:item.start] + item.text
            if item.type in ("function", "class") and not candidate.endswith("("):
                candidate += "("
            names.append(candidate)
        if match and start >= token_start:
            head = text[token_start:start]
            return len(text) - token_start, sorted({head + n for n in names},
                                                   key=_base._completion_order)
        return len(text) - start, sorted(set(names), key=_base._completion_order)


def banner(namespace):
    import IPython
    return _base.banner(namespace).replace(
        "\n", f" | IPython {IPython.__version__}\n", 1)
