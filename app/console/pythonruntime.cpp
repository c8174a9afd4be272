// PythonRuntime: GUI-side half of the embedded interpreter. No Python API
// here: the GUI thread never touches the interpreter.
#include "console/pythonruntime.h"

#include <QApplication>
#include <QMessageBox>
#include <QRegularExpression>
#include <QSettings>

#include <unistd.h>

#include "viewer/viewer.h"
#include "viewer/workunits.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QDir>
#include <QEventLoop>
#include <QFileInfo>
#include <QThread>

#include <chrono>
#include <csignal>
#include <cstdio>

#ifdef Q_OS_UNIX
#include <pthread.h>
#endif

#include "console/pythonworker.h"
#include "viewer/viewer.h"

namespace livepix::gui {

namespace {
std::atomic<PythonRuntime *> s_instance{nullptr};

// Output kept for the GUI when it cannot keep up (a print flood): beyond
// this, the oldest text is dropped.
constexpr qsizetype MaxBufferedOutput = 4 * 1024 * 1024;

bool hasPackage(const QString &dir)
{
    return !dir.isEmpty() && QFileInfo::exists(dir + QStringLiteral("/livepix/__init__.py"));
}

/// Folder holding the `livepix` package: $LIVEPIX_PYTHONPATH, else the build
/// tree's python/ next to bin/ (the build mirrors the install layout), else
/// the install folder relative to the executable, else the configured paths.
QString packageDir()
{
    const QByteArray env = qgetenv("LIVEPIX_PYTHONPATH");
    if (!env.isEmpty())
        return QString::fromLocal8Bit(env);
    const QString appDir = QCoreApplication::instance() ? QCoreApplication::applicationDirPath()
                                                        : QString();
    const QStringList candidates = {
        appDir + QStringLiteral("/../python"),
        appDir + QStringLiteral("/../") + QStringLiteral(LIVEPIX_PYTHON_INSTALL_DIR),
        QStringLiteral(LIVEPIX_PYTHON_BUILD_DIR),
        QStringLiteral(LIVEPIX_INSTALL_PREFIX "/" LIVEPIX_PYTHON_INSTALL_DIR),
    };
    for (const QString &dir : candidates)
        if (hasPackage(dir))
            return QDir::cleanPath(QFileInfo(dir).absoluteFilePath());
    return QString();
}

qint64 nowNs()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}
} // namespace

PythonRuntime::PythonRuntime(Viewer *viewer, QObject *parent) : QObject(parent), m_viewer(viewer)
{
    Q_ASSERT(!s_instance.load());
    s_instance = this;
}

PythonRuntime::~PythonRuntime()
{
    shutdown();
    PythonRuntime *self = this;
    s_instance.compare_exchange_strong(self, nullptr);
}

PythonRuntime *PythonRuntime::instance() { return s_instance.load(); }

Viewer *PythonRuntime::viewer() const { return m_viewer.data(); }

void PythonRuntime::setRepaintInterval(int ms)
{
    if (LiveEditClock *clock = LiveEditClock::of(m_viewer.data()))
        clock->setInterval(ms);
}

PythonRuntime::ShellKind PythonRuntime::shellKindFromSettings()
{
    QString choice = QSettings().value(QStringLiteral("console/shell"), QStringLiteral("auto")).toString();
    const QByteArray env = qgetenv("LIVEPIX_CONSOLE_SHELL");
    if (!env.isEmpty())
        choice = QString::fromLocal8Bit(env);
    choice = choice.trimmed().toLower();
    if (choice == QLatin1String("ipython"))
        return ShellKind::IPython;
    if (choice == QLatin1String("python") || choice == QLatin1String("standard"))
        return ShellKind::Python;
    return ShellKind::Auto;
}

bool PythonRuntime::confirm(const QString &question)
{
    if (m_confirm)
        return m_confirm(question);
    if (m_mirrorToStdio) {
        // A batch run has nobody to ask: the safe answer.
        appendOutput(Stream::Stderr, tr("%1 answered no (batch run: nobody to ask)\n").arg(question));
        return false;
    }
    return QMessageBox::question(QApplication::activeWindow(), tr("Python console"), question)
           == QMessageBox::Yes;
}

void PythonRuntime::start()
{
    if (m_started || m_closing)
        return;
    m_started = true;
    m_packageDir = packageDir();
    m_thread = new QThread;
    m_thread->setObjectName(QStringLiteral("livepix-python"));
    // Deep recursion in user code needs more than the default thread stack.
    m_thread->setStackSize(16 * 1024 * 1024);
    m_worker = new PythonWorker(this);
    m_worker->moveToThread(m_thread);
    m_thread->start();
    m_registration = BackgroundJobs::instance().add({QStringLiteral("Python code"), [this] { stopCode(); },
                                                     [this](int ms) { return waitForStop(ms); }});
    post(
        [this](PythonWorker *worker) {
            QString error;
            bool ok = worker->initialize(&error);
            QMetaObject::invokeMethod(
                this,
                [this, ok, error]() {
                    m_ready = ok;
                    if (ok)
                        Q_EMIT ready();
                    else {
                        appendOutput(Stream::Stderr, error);
                        Q_EMIT startFailed(error);
                    }
                },
                Qt::QueuedConnection);
            return std::make_pair(ok, error);
        },
        true);
}

quint64 PythonRuntime::post(std::function<std::pair<bool, QString>(PythonWorker *)> job, bool counts,
                            const QString &unitLabel)
{
    if (!m_started)
        start();
    const quint64 id = ++m_lastJobId;
    if (m_closing)
        return id;
    if (counts) {
        ++m_pending;
        setBusy(true);
    }
    PythonWorker *worker = m_worker;
    // Each request is one unit of work (one undo step per changed image),
    // begun and ended on the worker so the next request's writes never mix in.
    QPointer<WorkUnits> units = m_viewer && counts ? m_viewer->workUnits() : nullptr;
    QMetaObject::invokeMethod(
        worker,
        [this, worker, job = std::move(job), counts, id, units, unitLabel]() {
            std::pair<bool, QString> result{false, QStringLiteral("livepix is closing")};
            if (!m_closing && !m_stopping) {
                if (units)
                    units->begin(unitLabel);
                m_running = true;
                result = job(worker);
                m_running = false;
                if (units)
                    units->end();
            }
            if (counts) {
                // Before the end is reported, so completion right after a
                // request already knows the names it made.
                refreshNameSnapshot(worker);
                QMetaObject::invokeMethod(
                    this, [this, id, result]() { jobFinished(id, result.first, result.second); },
                    Qt::QueuedConnection);
            }
        },
        Qt::QueuedConnection);
    return id;
}

void PythonRuntime::jobFinished(quint64 id, bool ok, const QString &error)
{
    --m_pending;
    // No pixelsMayHaveChanged() here: the shell reports every statement that
    // ran (statementDone), and a request that ran none changed nothing.
    if (m_pending == 0)
        setBusy(false);
    Q_EMIT jobCompleted(id, ok, error);
    Q_EMIT executionFinished(ok, error);
}

void PythonRuntime::setBusy(bool busy)
{
    if (busy == m_busy)
        return;
    m_busy = busy;
    if (busy)
        m_liveEdit = LiveEdit(m_viewer.data());
    else
        m_liveEdit.release(); // the last repaint, unless another source still writes
    Q_EMIT busyChanged(busy);
}

void PythonRuntime::submit(const QString &source)
{
    post(
        [this, source](PythonWorker *worker) {
            bool incomplete = false;
            QString error;
            bool ok = worker->submit(source, &incomplete, &error);
            if (incomplete)
                QMetaObject::invokeMethod(this, &PythonRuntime::inputIncomplete, Qt::QueuedConnection);
            return std::make_pair(ok, error);
        },
        true, WorkUnits::labelForCode(source));
}

quint64 PythonRuntime::runSource(const QString &source, const QString &label)
{
    return post(
        [source, label](PythonWorker *worker) {
            QString error;
            bool ok = worker->runSource(source, label, &error);
            return std::make_pair(ok, error);
        },
        true, WorkUnits::labelForCode(source));
}

quint64 PythonRuntime::runFile(const QString &path)
{
    return post(
        [path](PythonWorker *worker) {
            QString error;
            bool ok = worker->runFile(path, &error);
            return std::make_pair(ok, error);
        },
        true, tr("Script %1").arg(QFileInfo(path).fileName()));
}

quint64 PythonRuntime::runScriptText(const QString &source, const QString &filename, int firstLine,
                                     const QString &label, const QString &wholeText)
{
    return post(
        [source, filename, firstLine, wholeText](PythonWorker *worker) {
            QString error;
            bool ok = worker->runText(source, filename, qMax(1, firstLine), wholeText, &error);
            return std::make_pair(ok, error);
        },
        true, label);
}

bool PythonRuntime::runAndWait(const QString &sourceOrPath, bool isFile, QString *error)
{
    const quint64 id = isFile ? runFile(sourceOrPath) : runSource(sourceOrPath);
    if (m_closing) {
        if (error)
            *error = QStringLiteral("livepix is closing");
        return false;
    }
    bool done = false;
    bool ok = false;
    QString message;
    QEventLoop loop;
    QMetaObject::Connection c = connect(this, &PythonRuntime::jobCompleted, &loop,
                                        [&](quint64 finished, bool success, const QString &text) {
                                            if (finished != id)
                                                return;
                                            done = true;
                                            ok = success;
                                            message = text;
                                            loop.quit();
                                        });
    if (!done)
        loop.exec();
    disconnect(c);
    if (error)
        *error = message;
    return ok;
}

void PythonRuntime::refreshNameSnapshot(PythonWorker *worker)
{
    QStringList names;
    QHash<QString, QStringList> modules;
    if (m_closing || !worker->nameSnapshot(&names, &modules))
        return;
    QMetaObject::invokeMethod(
        this, [this, names, modules]() { m_names.set(names, modules); }, Qt::QueuedConnection);
}

void PythonRuntime::complete(const QString &textBeforeCursor)
{
    if (!m_ready)
        return;
    // While code runs the worker cannot answer: the copy of its names can.
    if (isBusy()) {
        if (m_names.isEmpty())
            return;
        const auto [length, candidates] = m_names.complete(textBeforeCursor);
        Q_EMIT completionsReady(length, candidates);
        return;
    }
    post(
        [this, textBeforeCursor](PythonWorker *worker) {
            int length = 0;
            QStringList candidates;
            worker->complete(textBeforeCursor, &length, &candidates);
            QMetaObject::invokeMethod(
                this, [this, length, candidates]() { Q_EMIT completionsReady(length, candidates); },
                Qt::QueuedConnection);
            return std::make_pair(true, QString());
        },
        false);
}

void PythonRuntime::runOnWorker(std::function<void()> work, QObject *context, std::function<void()> done)
{
    QPointer<QObject> guard(context);
    post(
        [work = std::move(work), guard, done = std::move(done)](PythonWorker *) {
            work();
            if (guard)
                QMetaObject::invokeMethod(guard.data(), done, Qt::QueuedConnection);
            return std::make_pair(true, QString());
        },
        false);
}

void PythonRuntime::wakeForGilQueue()
{
    // m_interruptMutex guards "the worker is there and Python is up" (see
    // setInterruptible); the flag coalesces a burst of wake-ups into one run.
    QMutexLocker lock(&m_interruptMutex);
    if (!m_interruptible || m_gilQueueWakePosted.exchange(true))
        return;
    PythonWorker *worker = m_worker;
    QMetaObject::invokeMethod(
        worker,
        [this, worker] {
            m_gilQueueWakePosted = false;
            worker->runGilQueue();
        },
        Qt::QueuedConnection);
}

void PythonRuntime::setInterruptible(bool on, Qt::HANDLE workerThread, int signal)
{
    QMutexLocker lock(&m_interruptMutex);
    m_interruptible = on;
    m_workerThread = workerThread;
    m_interruptSignal = signal;
}

void PythonRuntime::interrupt()
{
    // Sends the worker the interrupt signal (see installInterruptSignal in
    // pythonworker.cpp): no GIL, never blocks. The mutex only guards against
    // the worker thread ending meanwhile.
    QMutexLocker lock(&m_interruptMutex);
    if (!m_interruptible || !m_running)
        return;
#ifdef Q_OS_UNIX
    pthread_kill(reinterpret_cast<pthread_t>(m_workerThread), m_interruptSignal);
#endif
}

void PythonRuntime::appendOutput(Stream stream, const QString &text)
{
    if (text.isEmpty())
        return;
    bool postDrain = false;
    {
        QMutexLocker lock(&m_outputMutex);
        if (!m_chunks.isEmpty() && m_chunks.last().stream == stream)
            m_chunks.last().text += text;
        else
            m_chunks.append({stream, text});
        m_chunkBytes += text.size();
        while (m_chunkBytes > MaxBufferedOutput && m_chunks.size() > 1) {
            m_chunkBytes -= m_chunks.first().text.size();
            m_chunks.removeFirst();
            m_chunks.first().text.prepend(QStringLiteral("[... output dropped ...]\n"));
        }
        if (!m_drainPosted) {
            m_drainPosted = true;
            postDrain = true;
        }
    }
    if (postDrain)
        QMetaObject::invokeMethod(this, &PythonRuntime::drainOutput, Qt::QueuedConnection);
}

void PythonRuntime::drainOutput()
{
    QList<Chunk> chunks;
    {
        QMutexLocker lock(&m_outputMutex);
        chunks.swap(m_chunks);
        m_chunkBytes = 0;
        m_drainPosted = false;
    }
    for (const Chunk &chunk : chunks) {
        if (m_mirrorToStdio && chunk.stream != Stream::Echo) {
            FILE *f = chunk.stream == Stream::Stderr ? stderr : stdout;
            // Colour escapes (IPython) only where a terminal shows them.
            static const QRegularExpression ansi(QStringLiteral("\x1b\\[[0-9;]*m"));
            QString text = chunk.text;
            if (!isatty(fileno(f)))
                text.remove(ansi);
            std::fputs(text.toLocal8Bit().constData(), f);
            std::fflush(f);
        }
        Q_EMIT output(chunk.stream, chunk.text);
    }
}

void PythonRuntime::inputAcceptedByWorker()
{
    QMetaObject::invokeMethod(this, &PythonRuntime::inputAccepted, Qt::QueuedConnection);
}

void PythonRuntime::statementDone()
{
    m_lastStatementEndNs = nowNs();
    if (!m_statementPosted.exchange(true))
        QMetaObject::invokeMethod(this, &PythonRuntime::onStatementDone, Qt::QueuedConnection);
}

void PythonRuntime::onStatementDone()
{
    m_statementPosted = false;
    // Show the statement's writes at once. Outside a request (a statement
    // of startup.py) a token held for no time does the same.
    if (m_liveEdit.isActive())
        m_liveEdit.flush();
    else
        LiveEdit(m_viewer.data()).release();
    Q_EMIT statementFinished();
}

void PythonRuntime::stopCode()
{
    m_stopping = true;
    interrupt();
}

bool PythonRuntime::waitForStop(int ms)
{
    const QDeadlineTimer deadline = ms < 0 ? QDeadlineTimer(QDeadlineTimer::Forever) : QDeadlineTimer(ms);
    QElapsedTimer sinceInterrupt;
    sinceInterrupt.start();
    while (m_running) {
        // A call from Python into the viewer may be waiting for this thread.
        QCoreApplication::sendPostedEvents(&m_guiContext, QEvent::MetaCall);
        if (sinceInterrupt.elapsed() > 200) { // code that caught the last one
            interrupt();
            sinceInterrupt.restart();
        }
        if (deadline.hasExpired())
            return false;
        QThread::msleep(5);
    }
    return true;
}

void PythonRuntime::abandon()
{
    if (!m_started || m_closing.exchange(true))
        return;
    m_registration.reset();
    m_liveEdit.release();
    std::fputs("livepix: Python is left running (not finalized) while livepix exits\n", stderr);
    // Leaked on purpose, as in shutdown() when code does not stop.
    m_thread = nullptr;
    m_worker = nullptr;
}

void PythonRuntime::shutdown()
{
    if (!m_started || m_closing.exchange(true))
        return;
    m_registration.reset();
    m_liveEdit.release();
    interrupt();
    PythonWorker *worker = m_worker;
    QMetaObject::invokeMethod(
        worker,
        [worker]() {
            worker->finalize();
            QThread::currentThread()->quit();
        },
        Qt::QueuedConnection);
    // A call from Python into the viewer may be waiting for this thread:
    // serve those (and only those) while waiting.
    QDeadlineTimer deadline(3000);
    while (!m_thread->wait(10)) {
        QCoreApplication::sendPostedEvents(&m_guiContext, QEvent::MetaCall);
        interrupt();
        if (deadline.hasExpired()) {
            std::fputs("livepix: Python code did not stop; leaving it running while livepix exits\n",
                       stderr);
            // The thread and worker are leaked on purpose: deleting a running
            // QThread aborts, and Python cannot be finalized from here.
            m_thread = nullptr;
            m_worker = nullptr;
            return;
        }
    }
    delete m_worker;
    m_worker = nullptr;
    delete m_thread;
    m_thread = nullptr;
    // Output that arrived after the last drain.
    drainOutput();
}

} // namespace livepix::gui
