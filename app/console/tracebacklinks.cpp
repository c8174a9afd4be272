#include "console/tracebacklinks.h"

#include <QRegularExpression>
#include <QTextCharFormat>
#include <QTextCursor>
#include <QTextDocument>
#include <QUrl>

namespace livepix::gui::TracebackLinks {

namespace {
// The href scheme is private to the console: a made-up one, so that a
// real URL in a printed message can never be mistaken for a frame.
const QString Scheme = QStringLiteral("livepix-source");

bool isLinkable(const QString &path)
{
    static const QRegularExpression untitled(QStringLiteral("^<untitled-\\d+>$"));
    return path.startsWith(QLatin1Char('/')) || untitled.match(path).hasMatch();
}
} // namespace

QList<Match> find(const QString &text)
{
    // Python writes the path with repr-like quoting only for odd names;
    // a path holding a double quote is not worth a link.
    // IPython 8 writes `File /path/x.py:12` (no quotes; paths with a colon
    // or a space are not linked in that form).
    static const QRegularExpression frame(
        QStringLiteral("File (?:\"([^\"\\n]+)\", line (\\d+)|(/[^\\s:\"]+|<untitled-\\d+>):(\\d+))"));
    QList<Match> matches;
    for (auto it = frame.globalMatch(text); it.hasNext();) {
        const QRegularExpressionMatch m = it.next();
        const bool quoted = m.capturedStart(1) >= 0;
        const QString path = m.captured(quoted ? 1 : 3);
        const int line = m.captured(quoted ? 2 : 4).toInt();
        if (line > 0 && isLinkable(path))
            matches.append({{path, line}, m.capturedStart(), m.capturedLength()});
    }
    return matches;
}

int deepestLine(const QString &traceback, const QString &path)
{
    int line = 0;
    for (const Match &match : find(traceback))
        if (match.location.path == path)
            line = match.location.line;
    return line;
}

QString toHref(const SourceLocation &location)
{
    QUrl url;
    url.setScheme(Scheme);
    url.setPath(location.path);
    url.setFragment(QString::number(location.line));
    return url.toString(QUrl::FullyEncoded);
}

SourceLocation fromHref(const QString &href)
{
    const QUrl url(href, QUrl::StrictMode);
    if (url.scheme() != Scheme)
        return {};
    return {url.path(QUrl::FullyDecoded), url.fragment().toInt()};
}

void insertLinked(QTextCursor &cursor, const QString &text, const QTextCharFormat &format)
{
    qsizetype done = 0;
    for (const Match &match : find(text)) {
        cursor.insertText(text.mid(done, match.start - done), format);
        QTextCharFormat link = format;
        link.setAnchor(true);
        link.setAnchorHref(toHref(match.location));
        link.setFontUnderline(true);
        cursor.insertText(text.mid(match.start, match.length), link);
        done = match.start + match.length;
    }
    cursor.insertText(text.mid(done), format);
}

void addLinks(QTextDocument *document, int from, int to)
{
    QTextCursor range(document);
    range.setPosition(from);
    range.setPosition(to, QTextCursor::KeepAnchor);
    // One character per position: paragraph breaks come as U+2029.
    QString text = range.selectedText();
    text.replace(QChar::ParagraphSeparator, QLatin1Char('\n'));
    for (const Match &match : find(text)) {
        QTextCursor part(document);
        part.setPosition(from + int(match.start));
        part.setPosition(from + int(match.start + match.length), QTextCursor::KeepAnchor);
        QTextCharFormat link;
        link.setAnchor(true);
        link.setAnchorHref(toHref(match.location));
        link.setFontUnderline(true);
        part.mergeCharFormat(link);
    }
}

} // namespace livepix::gui::TracebackLinks
