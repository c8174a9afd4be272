#pragma once
// TracebackLinks: finds `File "PATH", line N` in Python output, for links.
#include <QList>
#include <QString>

class QTextCharFormat;
class QTextCursor;
class QTextDocument;

namespace livepix::gui {

/// A place in a source file that Python output names.
struct SourceLocation {
    QString path; ///< as Python wrote it: a path or "<untitled-N>"
    int line = 0; ///< 1-based
};

/// Pure text functions (no I/O, no widgets) shared by the console, which
/// turns traceback frames into clickable anchors, and the script editor,
/// which jumps to the deepest frame of its own file after a failed run.
///
/// A frame line is what traceback and SyntaxError print:
/// `  File "/path/x.py", line 12, in f` or `  File "<untitled-1>", line 3`,
/// or what IPython 8 prints: `File /path/x.py:12, in f()`.
/// Only paths a user can open become links: absolute paths and the names the
/// script editor gives unsaved buffers ("<untitled-N>"); pseudo files such
/// as "<console>" or "<frozen importlib._bootstrap>" do not.
///
/// Threading: any thread (no shared state).
namespace TracebackLinks {

/// One frame reference inside a text: `start` and `length` (QString
/// offsets) cover `File "PATH", line N`, the part shown as the link.
struct Match {
    SourceLocation location;
    qsizetype start = 0;
    qsizetype length = 0;
};

/// Every linkable frame reference in `text`, in order.
QList<Match> find(const QString &text);
/// The last (deepest) frame in `traceback` whose path is `path`; line 0
/// when there is none. Python prints the innermost frame last, and a
/// SyntaxError's location after the frames, so "last" is the one to show.
int deepestLine(const QString &traceback, const QString &path);

/// The anchor href that stands for `location` in the console's output, and
/// back. fromHref() returns a location with line 0 for a foreign href.
QString toHref(const SourceLocation &location);
SourceLocation fromHref(const QString &href);

/// Inserts `text` at `cursor` in `format`, with every frame reference of
/// find() an anchor (toHref()) underlined in the same colour.
void insertLinked(QTextCursor &cursor, const QString &text, const QTextCharFormat &format);
/// Makes every frame reference in [from, to) of `document` an anchor, on
/// top of the formats already there (text inserted in colour runs, e.g.
/// IPython's tracebacks, where a reference spans several runs).
void addLinks(QTextDocument *document, int from, int to);

} // namespace TracebackLinks

} // namespace livepix::gui
