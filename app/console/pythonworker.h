#pragma once
// PythonWorker: the object on the Python thread that runs every request.
#include <QHash>
#include <QObject>
#include <QStringList>
#include <QString>

#include <functional>
#include <memory>

namespace pybind11 {
class object;
class module_;
class dict;
} // namespace pybind11

namespace livepix::gui {

class PythonRuntime;

/// Lives on PythonRuntime's worker QThread. It initializes the interpreter on
/// that thread (so Python's "main thread" is the worker and KeyboardInterrupt
/// is delivered there), then runs requests one at a time, taking the GIL for
/// each and releasing it between them. Results go back to the runtime through
/// queued calls.
///
/// Threading: every member function runs on the worker thread only (the
/// runtime posts lambdas that call them).
class PythonWorker : public QObject {
    Q_OBJECT
public:
    explicit PythonWorker(PythonRuntime *runtime);
    ~PythonWorker() override;

    /// Starts Python; returns false with *error when it could not.
    bool initialize(QString *error);
    bool isInitialized() const;
    /// Each returns false when the code raised, with *error set to the traceback.
    /// submit() sets *incomplete when the input needs more lines.
    bool submit(const QString &source, bool *incomplete, QString *error);
    bool runSource(const QString &source, const QString &label, QString *error);
    bool runFile(const QString &path, QString *error);
    bool runText(const QString &source, const QString &filename, int firstLine, const QString &wholeText,
                 QString *error);
    void complete(const QString &text, int *replaceLength, QStringList *candidates);
    /// The shell's name_snapshot() (see NameSnapshot); false when the
    /// namespace's names did not change since the last call.
    bool nameSnapshot(QStringList *names, QHash<QString, QStringList> *modules);
    /// Runs the livepix module's GIL queue (work that threads which must not
    /// wait for the GIL handed over: PyFilter releases, cancels).
    void runGilQueue();
    /// Drops every Python object and finalizes the interpreter.
    void finalize();

private:
    /// One request to the shell (GIL held for it): `call` returns the shell
    /// method's answer, True/False (ran, raised; *error then has the
    /// traceback) or, when `incomplete` is given, None for input that needs
    /// more lines. A Python error escaping the shell is shown and fails it.
    bool callShell(const std::function<pybind11::object(const pybind11::object &)> &call, QString *error,
                   bool *incomplete = nullptr);
    /// Sets d->shell to the console shell chosen by the runtime's ShellKind
    /// (GIL held, during initialize()); returns the module whose banner()
    /// greets the user.
    pybind11::object createShell(pybind11::module_ base, pybind11::dict ns);
    /// Listens for livepix.connect() clients (GIL held, during initialize()).
    void startAttachServer();
    /// Closes the socket and the clients' connections (GIL held).
    void stopAttachServer();
    struct Private;
    std::unique_ptr<Private> d;
    PythonRuntime *m_runtime;
};

} // namespace livepix::gui
