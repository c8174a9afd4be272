"""The Python half of the livepix console (runs inside the app's interpreter).

Compiled into the app (see consoleshellsource.h.in) and executed once as the
module `_livepix_console` on the Python worker thread. The C++ side
(PythonWorker) calls Shell.submit / run_source / run_file / completions; output
goes through the `livepix_app._write` hook, which forwards it to the GUI as it
is written.

Threading: everything here runs on the Python worker thread with the GIL held.
"""
import ast
import codeop
import code
import io
import linecache
import os
import re
import sys
import traceback

import livepix_app as _app

STDOUT, STDERR, ECHO = 0, 1, 2

EXIT_MESSAGE = ("livepix keeps running: exit(), quit() and sys.exit() do not close the "
                "app from the console. Use File > Quit (Ctrl+Q) to leave livepix.\n")


class OutputStream(io.TextIOBase):
    """sys.stdout / sys.stderr replacement: each write goes straight to the GUI."""

    def __init__(self, kind, name):
        super().__init__()
        self._kind = kind
        self._name = name

    @property
    def name(self):
        return self._name

    @property
    def encoding(self):
        return "utf-8"

    @property
    def errors(self):
        return "strict"

    def writable(self):
        return True

    def isatty(self):
        return False

    def write(self, text):
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        if text:
            _app._write(self._kind, text)
        return len(text)

    def flush(self):
        pass

    def close(self):
        # Closing the console's stream (e.g. by a library) must not break
        # every later print.
        pass


class InputStream(io.TextIOBase):
    """sys.stdin replacement: the console has no line input, so input() gets EOF.

    close() does nothing, because site's exit()/quit() close sys.stdin before
    raising SystemExit.
    """

    @property
    def name(self):
        return "<stdin>"

    def readable(self):
        return True

    def isatty(self):
        return False

    def readline(self, size=-1):
        _app._write(STDERR, "input() is not available in the livepix console "
                            "(there is no standard input)\n")
        return ""

    def read(self, size=-1):
        return ""

    def close(self):
        pass


class Shell(code.InteractiveConsole):
    """code.InteractiveConsole with cells: the input editor sends the whole
    text typed so far. It runs when complete, exactly when the standard
    interpreter would (codeop rules: an indented block ends with an empty
    line); several statements (pasted text) run one after another, each
    expression statement echoing its value through sys.displayhook."""

    def __init__(self, namespace):
        super().__init__(namespace, filename="<console>")
        self._cell = 0
        self.last_error = ""

    # -- output -----------------------------------------------------------
    def write(self, data):
        sys.stderr.write(data)

    def showtraceback(self):
        # code.InteractiveInterpreter.showtraceback drops the runcode frame;
        # keep a copy of the text for batch runs (--exec exits non-zero with it).
        ei = sys.exc_info()
        tb = ei[2].tb_next if ei[2] is not None else None
        self.last_error = "".join(traceback.format_exception(ei[0], ei[1], tb))
        super().showtraceback()

    def showsyntaxerror(self, filename=None):
        ei = sys.exc_info()
        self.last_error = "".join(traceback.format_exception_only(ei[0], ei[1]))
        super().showsyntaxerror(filename)

    # -- running ------------------------------------------------------------
    def runcode(self, code_object):
        """Runs one compiled statement; returns False when it raised."""
        try:
            exec(code_object, self.locals)
        except SystemExit as exc:
            return self._refuse_exit(exc)
        except BaseException:
            self.showtraceback()
            return False
        return True

    def _refuse_exit(self, exc):
        status = exc.code
        self.write(EXIT_MESSAGE)
        if status not in (None, 0):
            self.last_error = f"SystemExit: {status}\n"
            return False
        return True

    def _remember(self, source, filename):
        # Lets tracebacks show the lines typed, like IPython's "Cell In[n]".
        lines = source.splitlines(True)
        if lines and not lines[-1].endswith("\n"):
            lines[-1] += "\n"
        linecache.cache[filename] = (len(source), None, lines, filename)

    def is_complete(self, source):
        """None when more input is needed, else True (it compiles, or has a
        syntax error that more lines would not fix).

        One statement follows the standard interpreter exactly ('single'
        mode: a compound statement waits for an empty line). Several
        statements (pasted text) are complete once they compile as a module."""
        for mode in ("single", "exec"):
            try:
                compiled = self.compile(source, "<console>", mode)
            except (SyntaxError, OverflowError, ValueError):
                continue
            return None if compiled is None else True
        return True

    def submit(self, source):
        """Input from the editor. Returns None when incomplete (nothing ran),
        True when it ran without error, False when it raised."""
        if self.is_complete(source) is None:
            return None
        _app._input_accepted()  # the editor clears now, not after the run
        _app._write(ECHO, _echo(source))
        if not source.strip():
            return True
        self._cell += 1
        return self.run_cell(source, f"<console-{self._cell}>")

    def run_source(self, source, label):
        """Code given on the command line (--exec): echoed and run as if typed."""
        _app._write(ECHO, _echo(source))
        return self.run_cell(source, label)

    def run_cell(self, source, filename):
        """Runs `source` statement by statement, as if each were typed at
        the prompt (expression values are echoed). Stops at the first error."""
        self.last_error = ""
        try:
            tree = ast.parse(source, filename, "exec")
        except (SyntaxError, OverflowError, ValueError):
            self.showsyntaxerror(filename)
            return False
        self._remember(source, filename)
        flags = self.compile.compiler.flags
        for statement in tree.body:
            try:
                compiled = compile(ast.Interactive(body=[statement]), filename, "single",
                                   flags, dont_inherit=True)
            except (SyntaxError, OverflowError, ValueError):
                self.showsyntaxerror(filename)
                return False
            if isinstance(statement, ast.ImportFrom) and statement.module == "__future__":
                for alias in statement.names:
                    feature = getattr(__import__("__future__"), alias.name, None)
                    if feature is not None:
                        self.compile.compiler.flags |= feature.compiler_flag
            try:
                ok = self.runcode(compiled)
            finally:
                _app._statement_done()  # the view repaints after each statement
            if not ok:
                return False
        return True

    def run_file(self, path):
        """Runs a script file in the console namespace (no echo of values),
        like `python FILE` but keeping the names it defines."""
        self.last_error = ""
        path = os.path.abspath(os.path.expanduser(path))
        try:
            with io.open_code(path) as f:
                data = f.read()
        except OSError as exc:
            self.last_error = f"cannot run script {path}: {exc.strerror or exc}\n"
            self.write(self.last_error)
            return False
        try:
            compiled = compile(data, path, "exec", dont_inherit=True)
        except (SyntaxError, OverflowError, ValueError):
            self.showsyntaxerror(path)
            return False
        return self._run_script(compiled, path)

    def _run_script(self, compiled, path):
        """Runs a script's code with __file__ set to `path` (when it is a
        file's path) for the duration, as `python FILE` would; one repaint
        after it."""
        saved_file = self.locals.get("__file__", _MISSING)
        if path is not None:
            self.locals["__file__"] = path
        try:
            return self.runcode(compiled)
        finally:
            if saved_file is _MISSING:
                self.locals.pop("__file__", None)
            else:
                self.locals["__file__"] = saved_file
            _app._statement_done()

    def run_text(self, source, filename, first_line=1, whole=None):
        """An editor run: `source` is the whole file or the part of it that
        starts at line `first_line` of `filename` (the editor's path, or a
        name like "<untitled-1>"). It runs as a script (no value echo, like
        %run) in the console namespace; tracebacks name `filename` with the
        file's own line numbers and show the editor's text, saved or not
        (`whole`, the whole buffer, when given; else `source` in its place)."""
        self.last_error = ""
        try:
            tree = ast.parse(source, filename, "exec")
        except (SyntaxError, OverflowError, ValueError) as exc:
            if isinstance(exc, SyntaxError) and exc.lineno:
                exc.lineno += first_line - 1
                if getattr(exc, "end_lineno", None):
                    exc.end_lineno += first_line - 1
            self._remember_at(source, filename, first_line, whole)
            self.last_error = "".join(traceback.format_exception_only(type(exc), exc))
            self.write(self.last_error)
            return False
        ast.increment_lineno(tree, first_line - 1)
        self._remember_at(source, filename, first_line, whole)
        try:
            compiled = compile(tree, filename, "exec", dont_inherit=True)
        except (SyntaxError, OverflowError, ValueError):
            self.showsyntaxerror(filename)
            return False
        return self._run_script(compiled, filename if os.path.isabs(filename) else None)

    def _remember_at(self, source, filename, first_line, whole=None):
        # The editor's text, not the file on disk, is what tracebacks quote:
        # the whole buffer, or lines before a selection blank so the numbers
        # line up.
        self._remember(whole if whole is not None else "\n" * (first_line - 1) + source, filename)

    # -- completion -----------------------------------------------------------
    def name_snapshot(self):
        """What completion can offer while code runs (the GUI answers from
        this copy then, since the shell is busy): the namespace's names, "("
        after callables, and each imported module's names as "mod.name".
        None when the namespace's names did not change since the last call."""
        names = frozenset(k for k in self.locals if isinstance(k, str))
        if names == getattr(self, "_snapshot_names", None):
            return None
        self._snapshot_names = names
        cache = self.__dict__.setdefault("_module_names", {})
        top, modules = [], {}
        for name in names:
            value = self.locals.get(name)
            top.append(name + "(" if callable(value) and not isinstance(value, type(sys)) else name)
            if isinstance(value, type(sys)):
                key = (name, id(value))
                if key not in cache:
                    cache[key] = [a + "(" if callable(getattr(value, a, None)) else a
                                  for a in dir(value)]
                modules[name] = cache[key]
        return top, modules

    def completions(self, text):
        """Completions for the end of `text` (the cell up to the cursor).
        Returns (length of the text they replace, sorted candidates)."""
        line = text.rsplit("\n", 1)[-1]
        try:
            result = _jedi_completions(text, self.locals)
            if result is not None:
                return result
        except Exception:
            pass
        match = re.search(r"[A-Za-z_][\w.]*$", line)
        if not match:
            return 0, []
        token = match.group(0)
        import rlcompleter
        completer = rlcompleter.Completer(self.locals)
        found = []
        state = 0
        while state < 1000:
            try:
                candidate = completer.complete(token, state)
            except Exception:
                break
            if candidate is None:
                break
            found.append(candidate)
            state += 1
        return len(token), sorted(set(found), key=_completion_order)


_MISSING = object()

try:
    import jedi as _jedi  # optional: richer completion (call arguments, dict keys)
except Exception:  # not installed on every system; rlcompleter is the fallback
    _jedi = None


def _jedi_completions(text, namespace):
    """jedi's completions in the form the rlcompleter path gives: the whole
    dotted token ("np.array(" for "np.ar", with "(" after callables), so
    the console behaves the same with or without jedi installed. Where the
    cursor is not at the end of a name (a dict key, a string), jedi's own
    candidates are kept."""
    if _jedi is None:
        return None
    lines = text.split("\n")
    script = _jedi.Interpreter(text, [namespace])
    items = script.complete(len(lines), len(lines[-1]))
    if not items:
        return None
    prefix = len(items[0].name) - len(items[0].complete)
    items = [item for item in items if len(item.name) - len(item.complete) == prefix]
    match = re.search(r"[A-Za-z_][\w.]*$", lines[-1])
    if not match or prefix > len(match.group(0)):
        return prefix, [item.name_with_symbols for item in items]
    token = match.group(0)
    head = token[:len(token) - prefix]
    names = [head + item.name + ("(" if item.type in ("function", "class") else "") for item in items]
    return len(token), sorted(set(names), key=_completion_order)


def _completion_order(name):
    # Public names first, then _private, then __dunder__, like IPython.
    last = name.rstrip("(").rsplit(".", 1)[-1]
    return (last.startswith("__"), last.startswith("_"), name.lower())


def _echo(source):
    lines = source.split("\n")
    if len(lines) > 1 and not lines[-1].strip():
        lines.pop()
    out = [(">>> " if i == 0 else "... ") + line for i, line in enumerate(lines)]
    return "\n".join(out) + "\n"


def banner(namespace):
    """The console's first line: versions and the names that are ready."""
    parts = [f"Python {sys.version.split()[0]}"]
    for name in ("np", "livepix"):
        module = namespace.get(name)
        version = getattr(module, "__version__", None)
        if version:
            parts.append(f"{getattr(module, '__name__', name)} {version}")
    ready = ", ".join(n for n in ("np", "livepix", "viewer") if n in namespace)
    return (" | ".join(parts) + f" | ready: {ready}\n"
            "Tab completes, Ctrl+C or Stop interrupts, Up/Down recall history.\n")


def install_streams():
    sys.stdout = OutputStream(STDOUT, "<stdout>")
    sys.stderr = OutputStream(STDERR, "<stderr>")
    sys.stdin = InputStream()
