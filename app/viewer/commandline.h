#pragma once
// CommandLine: what `livepix [FILE ...] [options]` asked for.
#include <QString>
#include <QStringList>

namespace livepix::gui {

/// The parsed command line (see DESIGN.md "Command line"). A plain value:
/// parsing has no side effects, so tests can feed it any argument list.
struct CommandLine {
    QStringList files;      ///< FILE arguments in order
    QStringList exec;       ///< --exec CODE, repeatable, in order
    QString script;         ///< --script FILE.py (the last one given)
    /// One --exec block or --script file; `code` has them all in the order
    /// given on the command line (each runs as its own unit of work).
    struct CodeStep {
        bool isFile = false;
        QString text; ///< the code, or the script's path
    };
    QList<CodeStep> code;
    QString edit;           ///< --edit FILE.py: open in the script editor (the last one given)
    QString screenshot;     ///< --screenshot OUT.png (batch run when set)
    /// --name NAME: the instance's name for `livepix.connect(name=...)`
    /// (empty: "livepix-PID"); checked by the attach server.
    QString name;
    bool listPlugins = false;
    bool listRecovery = false; ///< --list-recovery
    bool recover = false;      ///< --recover
    bool tev = false;          ///< --tev [ADDRESS]: listen for tev's IPC protocol
    QString tevAddress;        ///< its ADDRESS as given (empty: tev's default)
    bool showVersion = false;
    bool showHelp = false;
    bool ok = true;         ///< false: `error` says why (unknown option...)
    QString error;
    QString helpText;       ///< what --help prints

    bool isBatch() const { return !screenshot.isEmpty(); }

    /// Parses `arguments` (arguments[0] is the program name).
    static CommandLine parse(const QStringList &givenArguments);
};

} // namespace livepix::gui
