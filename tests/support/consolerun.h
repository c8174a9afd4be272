#pragma once
// runConsole(): runs code in a test's PythonRuntime and collects what it printed.
#include <QCoreApplication>
#include <QObject>
#include <QString>

#include "console/pythonruntime.h"

namespace livepix::gui {

struct ConsoleRun {
    bool ok = false;
    QString printed; ///< stdout and stderr, without the echo of the code
    QString error;   ///< the traceback when !ok
};

/// Runs `code` as one console request and waits for it (tests only: the app
/// itself never waits). Output posted before the end is collected too.
inline ConsoleRun runConsole(PythonRuntime *runtime, const QString &code)
{
    ConsoleRun run;
    const QMetaObject::Connection c = QObject::connect(
        runtime, &PythonRuntime::output, runtime, [&run](PythonRuntime::Stream stream, const QString &text) {
            if (stream != PythonRuntime::Stream::Echo)
                run.printed += text;
        });
    run.ok = runtime->runAndWait(code, false, &run.error);
    QCoreApplication::processEvents();
    QObject::disconnect(c);
    return run;
}

} // namespace livepix::gui
