#pragma once
// runLivepix(): run the built `livepix` binary the way a batch user would, for
// tests of the command line (--screenshot, --exec, --script, exit codes).
#include <QProcess>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

/// What one run printed and returned. exitCode is -1 when the program
/// crashed or did not finish in time (two minutes unless the caller says
/// otherwise), so a test that expects a clean failure checks exitCode > 0.
struct LivepixRun {
    int exitCode = -1;
    QString out;
    QString err;
};

/// The built program `name` (bin/ of LIVEPIX_BUILD_DIR, which ctest sets);
/// empty when that is not set.
inline QString builtProgram(const QString &name)
{
    const QString buildDir = qEnvironmentVariable("LIVEPIX_BUILD_DIR");
    return buildDir.isEmpty() ? QString() : buildDir + QStringLiteral("/bin/") + name;
}

/// The environment runLivepix() gives the program: offscreen, with its
/// settings and data folders inside `sandbox`.
inline QProcessEnvironment livepixEnvironment(const QString &sandbox)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), sandbox + QStringLiteral("/config"));
    env.insert(QStringLiteral("XDG_DATA_HOME"), sandbox + QStringLiteral("/data"));
    return env;
}

/// Runs `program arguments` offscreen, with its settings and data folders
/// (QSettings, console history, startup.py) inside `sandbox`, never the
/// user's own. A run still going after `timeoutMs` is killed.
inline LivepixRun runLivepix(const QString &program, const QStringList &arguments, const QString &sandbox,
                             int timeoutMs = 120000)
{
    QProcess process;
    process.setProcessEnvironment(livepixEnvironment(sandbox));
    process.start(program, arguments);
    LivepixRun run;
    if (!process.waitForFinished(timeoutMs)) {
        process.kill();
        process.waitForFinished();
        return run;
    }
    if (process.exitStatus() == QProcess::NormalExit)
        run.exitCode = process.exitCode();
    run.out = QString::fromLocal8Bit(process.readAllStandardOutput());
    run.err = QString::fromLocal8Bit(process.readAllStandardError());
    return run;
}
