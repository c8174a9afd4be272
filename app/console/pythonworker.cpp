// PythonWorker: interpreter start-up, request execution and shutdown, all on
// the worker thread. pybind11 comes before Qt headers (ENVIRONMENT.md item 4).
#include <pybind11/embed.h>

#include <cstdio>
#include <pybind11/stl.h>

#include "console/pythonworker.h"

#include <QFileInfo>
#include <QStandardPaths>

#include <csignal>
#include <functional>

#include <QThread>

#include "console/consoleshellsource.h"
#include "console/pythonruntime.h"
#include "console/viewerbinding.h"

namespace py = pybind11;

namespace livepix::gui {

struct PythonWorker::Private {
    bool initialized = false;
    PyThreadState *savedState = nullptr; // the worker's thread state while the GIL is released
    py::object shell;                    // _livepix_console.Shell
    py::object attachServer;             // livepix._attach_server.Server, or None
    int interruptSignal = 0;             // see installInterruptSignal()
};

namespace {

/// Holds the GIL on the worker thread for one request; releases it after.
class GilHold {
public:
    explicit GilHold(PyThreadState **saved) : m_saved(saved) { PyEval_RestoreThread(*m_saved); }
    ~GilHold() { *m_saved = PyEval_SaveThread(); }

private:
    PyThreadState **m_saved;
};

/// Text of a Python exception that escaped the shell (e.g. a KeyboardInterrupt
/// that arrived between two statements). Never throws.
QString describe(py::error_already_set &error)
{
    try {
        if (error.matches(PyExc_KeyboardInterrupt))
            return QStringLiteral("KeyboardInterrupt\n");
        py::object lines = py::module_::import("traceback")
                               .attr("format_exception_only")(error.type(), error.value());
        return QString::fromStdString(py::str("").attr("join")(lines).cast<std::string>());
    } catch (...) {
        return QString::fromUtf8(error.what()) + QLatin1Char('\n');
    }
}

/// The signal that interrupts console code: a real-time signal that nothing
/// else in livepix uses, so the process's SIGINT stays as it was
/// (install_signal_handlers = 0). Python's handler for it is
/// default_int_handler, i.e. it raises KeyboardInterrupt. The runtime sends it
/// to the worker thread only (pthread_kill): the worker is Python's main
/// thread, so the handler runs at once in a pure-Python loop, and a blocking
/// call such as time.sleep returns with EINTR and raises too, exactly like
/// Ctrl+C in a terminal python3. Returns 0 where there is no such signal.
int installInterruptSignal()
{
#if defined(Q_OS_UNIX) && defined(SIGRTMIN)
    const int signal = SIGRTMIN + 5;
    if (signal > SIGRTMAX)
        return 0;
    py::module_ module = py::module_::import("signal");
    module.attr("signal")(signal, module.attr("default_int_handler"));
    return signal;
#else
    return 0;
#endif
}

/// The livepix module's GilQueue waker (see filterbindings.cpp): called on
/// any thread, must not block: it only posts a job to the worker.
void wakeWorkerForGilQueue()
{
    if (PythonRuntime *runtime = PythonRuntime::instance())
        runtime->wakeForGilQueue();
}

/// Installs (or, with on = false, removes) the waker. GIL held.
void installGilWaker(bool on)
{
    try {
        py::module_ ext = py::module_::import("livepix._livepix");
        if (!py::hasattr(ext, "_set_gil_waker"))
            return;
        if (on)
            ext.attr("_set_gil_waker")(
                py::capsule(reinterpret_cast<void *>(&wakeWorkerForGilQueue), "livepix.gil_waker"));
        else
            ext.attr("_set_gil_waker")(py::none());
    } catch (py::error_already_set &) {
        // No livepix module: nothing can queue work.
    }
}

/// Runs the GilQueue if the livepix module is loaded. GIL held.
void runGilQueueNow()
{
    try {
        py::dict modules = py::module_::import("sys").attr("modules");
        if (modules.contains("livepix._livepix"))
            modules["livepix._livepix"].attr("_run_gil_queue")();
    } catch (py::error_already_set &) {
    }
}

/// Drops an interrupt that arrived after the code it was meant for ended.
void clearStaleInterrupt()
{
    if (PyErr_CheckSignals() != 0)
        PyErr_Clear();
}

} // namespace

PythonWorker::PythonWorker(PythonRuntime *runtime) : d(new Private), m_runtime(runtime) {}

PythonWorker::~PythonWorker() = default;

bool PythonWorker::isInitialized() const { return d->initialized; }

bool PythonWorker::initialize(QString *error)
{
    linkViewerBinding();
    if (Py_IsInitialized()) {
        *error = QStringLiteral("Python is already running in this process");
        return false;
    }
    // Debian's interpreter, pinned by the build (ENVIRONMENT.md items 1-2):
    // sys.executable must be it so subprocess/multiprocessing start the same
    // Python, and Python must not install its own signal handlers in the GUI.
    PyConfig config;
    PyConfig_InitPythonConfig(&config);
    config.install_signal_handlers = 0;
    config.parse_argv = 0;
    PyStatus status = PyConfig_SetBytesString(&config, &config.program_name, LIVEPIX_PYTHON_EXECUTABLE);
    if (!PyStatus_Exception(status))
        status = PyConfig_SetBytesString(&config, &config.executable, LIVEPIX_PYTHON_EXECUTABLE);
    if (PyStatus_Exception(status)) {
        *error = QStringLiteral("cannot configure Python: %1").arg(QString::fromUtf8(status.err_msg));
        PyConfig_Clear(&config);
        return false;
    }
    try {
        py::initialize_interpreter(&config, 0, nullptr, false);
    } catch (const std::exception &e) {
        *error = QStringLiteral("cannot start Python: %1").arg(QString::fromUtf8(e.what()));
        return false;
    }
    d->initialized = true;

    try {
        d->interruptSignal = installInterruptSignal();
        py::module_ sys = py::module_::import("sys");
        QString packageDir = m_runtime->m_packageDir;
        if (!packageDir.isEmpty())
            sys.attr("path").attr("insert")(0, packageDir.toStdString());

        // The console's Python half, as module _livepix_console.
        py::module_ types = py::module_::import("types");
        py::object shellModule = types.attr("ModuleType")("_livepix_console");
        sys.attr("modules")["_livepix_console"] = shellModule;
        py::exec(consoleShellSource(), shellModule.attr("__dict__"));
        shellModule.attr("install_streams")();

        py::dict ns = py::module_::import("__main__").attr("__dict__");
        py::object shellSource = createShell(shellModule, ns);
        // Each import may fail on a broken system; say so and keep going.
        const char *names[][2] = {{"np", "numpy"}, {"livepix", "livepix"}};
        for (auto &pair : names) {
            try {
                ns[pair[0]] = py::module_::import(pair[1]);
            } catch (py::error_already_set &e) {
                m_runtime->appendOutput(PythonRuntime::Stream::Stderr,
                                        QStringLiteral("cannot import %1: %2")
                                            .arg(QString::fromUtf8(pair[1]), describe(e)));
            }
        }
        ns["viewer"] = py::module_::import("livepix_app").attr("viewer");
        if (m_runtime->m_attachEnabled)
            startAttachServer();
        installGilWaker(true);
        m_runtime->appendOutput(PythonRuntime::Stream::Echo,
                                QString::fromStdString(shellSource.attr("banner")(ns).cast<std::string>()));
    } catch (py::error_already_set &e) {
        *error = describe(e);
    }
    m_runtime->setInterruptible(d->shell && d->interruptSignal, QThread::currentThreadId(),
                                d->interruptSignal);

    // The user's startup script: errors are shown, never fatal.
    QString startup = QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation)
                      + QStringLiteral("/livepix/startup.py");
    if (d->shell && QFileInfo::exists(startup)) {
        try {
            d->shell.attr("run_file")(startup.toStdString());
        } catch (py::error_already_set &e) {
            m_runtime->appendOutput(PythonRuntime::Stream::Stderr, describe(e));
        }
    }
    clearStaleInterrupt();
    d->savedState = PyEval_SaveThread();
    if (!d->shell) {
        if (error->isEmpty())
            *error = QStringLiteral("the console's Python code did not load");
        return false;
    }
    return true;
}

py::object PythonWorker::createShell(py::module_ base, py::dict ns)
{
    // Tests and CI's "IPython hidden" run: make `import IPython` / `import
    // jedi` fail as on a machine without them.
    if (qEnvironmentVariableIsSet("LIVEPIX_TEST_HIDE_IPYTHON")) {
        py::dict modules = py::module_::import("sys").attr("modules");
        modules["IPython"] = py::none();
        modules["jedi"] = py::none();
        base.attr("_jedi") = py::none();
    }
    const PythonRuntime::ShellKind kind = m_runtime->m_shellKind;
    if (kind != PythonRuntime::ShellKind::Python) {
        try {
            py::module_ types = py::module_::import("types");
            py::object module = types.attr("ModuleType")("_livepix_ipython");
            py::module_::import("sys").attr("modules")["_livepix_ipython"] = module;
            py::exec(consoleIPythonSource(), module.attr("__dict__"));
            py::list seed;
            for (const QString &cell : m_runtime->m_historySeed)
                seed.append(cell.toStdString());
            d->shell = module.attr("IPythonConsole")(ns, seed);
            m_runtime->m_usesIPython = true;
            return module;
        } catch (py::error_already_set &e) {
            py::module_::import("sys").attr("modules").attr("pop")("_livepix_ipython", py::none());
            // Auto falls back quietly only when IPython is simply absent.
            if (kind == PythonRuntime::ShellKind::IPython || !e.matches(PyExc_ImportError))
                m_runtime->appendOutput(PythonRuntime::Stream::Stderr,
                                        QStringLiteral("IPython is not available (%1); using the standard "
                                                       "Python console\n")
                                            .arg(describe(e).trimmed()));
        }
    }
    d->shell = base.attr("Shell")(ns);
    return base;
}

bool PythonWorker::callShell(const std::function<py::object(const py::object &)> &call, QString *error,
                             bool *incomplete)
{
    if (!d->shell) {
        *error = QStringLiteral("Python is not available");
        return false;
    }
    GilHold gil(&d->savedState);
    clearStaleInterrupt();
    try {
        py::object result = call(d->shell);
        if (incomplete && result.is_none()) {
            *incomplete = true;
            return true;
        }
        bool ok = result.cast<bool>();
        if (!ok)
            *error = QString::fromStdString(d->shell.attr("last_error").cast<std::string>());
        return ok;
    } catch (py::error_already_set &e) {
        *error = describe(e);
        m_runtime->appendOutput(PythonRuntime::Stream::Stderr, *error);
        return false;
    }
}

bool PythonWorker::submit(const QString &source, bool *incomplete, QString *error)
{
    *incomplete = false;
    return callShell([&](const py::object &shell) { return shell.attr("submit")(source.toStdString()); }, error,
                     incomplete);
}

bool PythonWorker::runSource(const QString &source, const QString &label, QString *error)
{
    return callShell(
        [&](const py::object &shell) { return shell.attr("run_source")(source.toStdString(), label.toStdString()); },
        error);
}

bool PythonWorker::runFile(const QString &path, QString *error)
{
    return callShell([&](const py::object &shell) { return shell.attr("run_file")(path.toStdString()); }, error);
}

bool PythonWorker::runText(const QString &source, const QString &filename, int firstLine, const QString &wholeText,
                           QString *error)
{
    return callShell(
        [&](const py::object &shell) {
            py::object whole = wholeText.isNull() ? py::object(py::none()) : py::str(wholeText.toStdString());
            return shell.attr("run_text")(source.toStdString(), filename.toStdString(), firstLine, whole);
        },
        error);
}

void PythonWorker::complete(const QString &text, int *replaceLength, QStringList *candidates)
{
    *replaceLength = 0;
    candidates->clear();
    if (!d->shell)
        return;
    GilHold gil(&d->savedState);
    clearStaleInterrupt();
    try {
        auto result = d->shell.attr("completions")(text.toStdString())
                          .cast<std::pair<int, std::vector<std::string>>>();
        *replaceLength = result.first;
        for (const std::string &c : result.second)
            candidates->append(QString::fromStdString(c));
    } catch (py::error_already_set &) {
        // No completions is the right answer to anything that went wrong.
    }
}

bool PythonWorker::nameSnapshot(QStringList *names, QHash<QString, QStringList> *modules)
{
    if (!d->shell)
        return false;
    GilHold gil(&d->savedState);
    try {
        py::object snapshot = d->shell.attr("name_snapshot")();
        if (snapshot.is_none())
            return false;
        auto [top, byModule] =
            snapshot.cast<std::pair<std::vector<std::string>, std::map<std::string, std::vector<std::string>>>>();
        for (const std::string &name : top)
            names->append(QString::fromStdString(name));
        for (const auto &[module, attributes] : byModule) {
            QStringList &list = (*modules)[QString::fromStdString(module)];
            for (const std::string &a : attributes)
                list.append(QString::fromStdString(a));
        }
        return true;
    } catch (py::error_already_set &) {
        return false; // completion while busy is a convenience: never an error
    }
}

void PythonWorker::runGilQueue()
{
    if (!d->initialized || !d->savedState)
        return;
    GilHold gil(&d->savedState);
    runGilQueueNow();
}

void PythonWorker::startAttachServer()
{
    // Clients of livepix.connect() are served by Python threads of this
    // interpreter (livepix/_attach_server.py); failing to listen is said in
    // the console and on stderr, and the app goes on without it.
    try {
        py::module_ app = py::module_::import("livepix_app");
        py::object hooks = py::module_::import("types").attr("SimpleNamespace")(
            py::arg("begin_unit") = app.attr("_begin_unit"), py::arg("end_unit") = app.attr("_end_unit"),
            py::arg("pixels_changed") = app.attr("_pixels_may_have_changed"),
            py::arg("paint_count") = app.attr("_paint_count"));
        const QString name = m_runtime->m_attachName;
        d->attachServer = py::module_::import("livepix._attach_server")
                              .attr("Server")(app.attr("viewer"), hooks,
                                              name.isEmpty() ? py::object(py::none()) : py::str(name.toStdString()));
    } catch (py::error_already_set &e) {
        const QString message = QStringLiteral("livepix: not listening for livepix.connect(): %1\n").arg(describe(e));
        std::fputs(message.toLocal8Bit().constData(), stderr);
        m_runtime->appendOutput(PythonRuntime::Stream::Stderr, message);
    }
}

void PythonWorker::stopAttachServer()
{
    if (!d->attachServer)
        return;
    try {
        d->attachServer.attr("stop")();
    } catch (py::error_already_set &) {
    }
    d->attachServer = py::object();
}

void PythonWorker::finalize()
{
    if (!d->initialized)
        return;
    m_runtime->setInterruptible(false, nullptr, 0);
    PyEval_RestoreThread(d->savedState);
    d->savedState = nullptr;
    clearStaleInterrupt();
    installGilWaker(false);
    runGilQueueNow(); // releases handed over until now; later ones are leaked
    try {
        // Anything printed while Python shuts down goes to the real streams.
        py::module_ sys = py::module_::import("sys");
        sys.attr("stdout") = sys.attr("__stdout__");
        sys.attr("stderr") = sys.attr("__stderr__");
    } catch (py::error_already_set &) {
    }
    stopAttachServer();
    d->shell = py::object();
    py::finalize_interpreter();
    d->initialized = false;

}

} // namespace livepix::gui
