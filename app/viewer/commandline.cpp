#include "viewer/commandline.h"

#include <QCommandLineParser>
#include <QCoreApplication>

namespace livepix::gui {

CommandLine CommandLine::parse(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "livepix: an image viewer for people who script their pixels.\n"
        "With no FILE, the bundled sample image opens."));
    const QCommandLineOption help({QStringLiteral("h"), QStringLiteral("help")}, QStringLiteral("Show this help and exit."));
    const QCommandLineOption version({QStringLiteral("v"), QStringLiteral("version")},
                                     QStringLiteral("Show the version and exit."));
    const QCommandLineOption exec(QStringLiteral("exec"),
                                  QStringLiteral("Run CODE in the console after the files load, as if typed (repeatable)."),
                                  QStringLiteral("CODE"));
    const QCommandLineOption script(QStringLiteral("script"), QStringLiteral("Run a Python script file the same way."),
                                    QStringLiteral("FILE.py"));
    const QCommandLineOption screenshot(
        QStringLiteral("screenshot"),
        QStringLiteral("Once loaded and run, wait for the view to repaint, save exactly what the image view shows as "
                       "PNG, and exit (errors go to stderr; non-zero exit status on failure)."),
        QStringLiteral("OUT.png"));
    const QCommandLineOption listPlugins(QStringLiteral("list-plugins"),
                                         QStringLiteral("Print every discovered plugin (name, kind, version) and exit."));
    const QCommandLineOption listRecovery(
        QStringLiteral("list-recovery"),
        QStringLiteral("Print one line per image recoverable after a crash (its file in the recovery folder, name, "
                       "size, checkpoint time; tab-separated) and exit."));
    const QCommandLineOption recover(QStringLiteral("recover"),
                                     QStringLiteral("Open every image recoverable after a crash, as unsaved images."));
    const QCommandLineOption name(QStringLiteral("name"),
                                  QStringLiteral("Name this instance for livepix.connect(name=NAME) from other "
                                                 "Python processes (default: livepix-PID)."),
                                  QStringLiteral("NAME"));
    parser.addOptions({help, version, exec, script, screenshot, name, listPlugins, listRecovery, recover});
    parser.addPositionalArgument(QStringLiteral("FILE"), QStringLiteral("Images to open."), QStringLiteral("[FILE ...]"));

    CommandLine result;
    result.helpText = parser.helpText();
    if (!parser.parse(arguments)) {
        result.ok = false;
        result.error = parser.errorText();
        return result;
    }
    result.showHelp = parser.isSet(help);
    result.showVersion = parser.isSet(version);
    result.exec = parser.values(exec);
    result.script = parser.value(script);
    result.screenshot = parser.value(screenshot);
    result.name = parser.value(name);
    result.listPlugins = parser.isSet(listPlugins);
    result.listRecovery = parser.isSet(listRecovery);
    result.recover = parser.isSet(recover);
    result.files = parser.positionalArguments();
    // QCommandLineParser keeps each option's values in order, not the order
    // between options: walk the arguments to interleave --exec and --script.
    const QStringList scripts = parser.values(script);
    int execIndex = 0;
    int scriptIndex = 0;
    for (const QString &argument : arguments.mid(1)) {
        if (argument == QLatin1String("--"))
            break;
        const bool isExec = argument == QLatin1String("--exec") || argument.startsWith(QLatin1String("--exec="));
        const bool isScript = argument == QLatin1String("--script") || argument.startsWith(QLatin1String("--script="));
        if (isExec && execIndex < result.exec.size())
            result.code.append({false, result.exec.at(execIndex++)});
        else if (isScript && scriptIndex < scripts.size())
            result.code.append({true, scripts.at(scriptIndex++)});
    }
    if (parser.isSet(screenshot) && result.screenshot.isEmpty()) {
        result.ok = false;
        result.error = QStringLiteral("--screenshot needs a file name");
    }
    return result;
}

} // namespace livepix::gui
