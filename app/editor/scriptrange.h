#pragma once
// ScriptRange: which part of the editor's text a run sends to Python.
#include <QString>

class QTextDocument;

namespace livepix::gui {

class CodeEditor;

/// The code of one editor run and where it sits in the file: `source`
/// starts at 1-based line `firstLine`, so PythonRuntime::runScriptText()
/// gives tracebacks the file's own line numbers.
///
/// Threading: GUI thread only (reads a QTextDocument).
struct ScriptRange {
    QString source;
    int firstLine = 1;
    int lastLine = 1;
    bool wholeFile = false;

    /// F5: everything.
    static ScriptRange whole(const QTextDocument *document);
    /// Ctrl+Enter: a selection inside one line runs as selected (an
    /// expression); a selection over several lines runs those whole lines;
    /// no selection runs the cursor's line. Lines are dedented by their
    /// common indent, so a block selected inside a function body runs.
    static ScriptRange selectionOrLine(const CodeEditor *editor);
    /// Run to Cursor: line 1 up to and including the cursor's line.
    static ScriptRange upToCursor(const CodeEditor *editor);

    /// The undo step's label: "Run NAME", "Run NAME line 4",
    /// "Run NAME lines 12–14".
    QString label(const QString &name) const;
};

/// Removes the indent that every non-blank line of `lines` shares
/// (Python's textwrap.dedent, for spaces and tabs).
QString dedentLines(const QString &lines);

} // namespace livepix::gui
