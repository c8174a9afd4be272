#include "viewer/commandline.h"

#include <QCommandLineParser>
#include <QCoreApplication>

#include <optional>

#include "attach/tevaddress.h"

namespace livepix::gui {

namespace {

/// QCommandLineParser has no optional values, so --tev's are taken out
/// first: `--tev`, `--tev ADDRESS` (only when the next argument looks like
/// an address: `--tev photo.png` opens photo.png), `--tev=ADDRESS`. A bare
/// --tev stays for the parser. Returns the address text (empty for the
/// default), or nullopt when --tev is absent.
std::optional<QString> takeTevAddress(QStringList &arguments)
{
    const QString option = QStringLiteral("--tev");
    std::optional<QString> address;
    for (int i = 1; i < arguments.size() && arguments.at(i) != QLatin1String("--"); ++i) {
        if (arguments.at(i).startsWith(option + QLatin1Char('='))) {
            address = arguments.at(i).mid(option.size() + 1);
            arguments[i] = option;
        } else if (arguments.at(i) == option) {
            const bool next = i + 1 < arguments.size() && TevAddress::looksLikeAddress(arguments.at(i + 1));
            address = next ? arguments.takeAt(i + 1) : QString();
        }
    }
    return address;
}

} // namespace

CommandLine CommandLine::parse(const QStringList &givenArguments)
{
    QStringList arguments = givenArguments;
    const std::optional<QString> tevAddress = takeTevAddress(arguments);
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
    const QCommandLineOption edit(QStringLiteral("edit"),
                                  QStringLiteral("Open a Python script in the script editor (it does not run)."),
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
    const QCommandLineOption tev(
        QStringLiteral("tev"),
        QStringLiteral("Listen for tev's IPC protocol: --tev [ADDRESS] with ADDRESS HOST:PORT, :PORT, PORT or "
                       "unix:NAME (default 127.0.0.1:14158; any local user can write to a TCP port, see "
                       "docs/TEV.md)."));
    parser.addOptions({help, version, exec, script, edit, screenshot, name, listPlugins, listRecovery, recover, tev});
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
    result.edit = parser.value(edit);
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
    if (tevAddress) {
        result.tev = true;
        result.tevAddress = *tevAddress;
        if (!TevAddress::parse(result.tevAddress, &result.error))
            result.ok = false;
    }
    if (parser.isSet(screenshot) && result.screenshot.isEmpty()) {
        result.ok = false;
        result.error = QStringLiteral("--screenshot needs a file name");
    }
    return result;
}

} // namespace livepix::gui
