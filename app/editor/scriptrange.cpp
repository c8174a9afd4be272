#include "editor/scriptrange.h"

#include <QStringList>
#include <QTextBlock>
#include <QTextDocument>

#include "editor/codeeditor.h"

namespace livepix::gui {

namespace {
QString linesText(const QTextDocument *document, int first, int last)
{
    QStringList lines;
    for (int n = first; n <= last; ++n)
        lines.append(document->findBlockByNumber(n).text());
    return lines.join(QLatin1Char('\n')) + QLatin1Char('\n');
}

qsizetype indentOf(const QString &line)
{
    qsizetype n = 0;
    while (n < line.size() && (line.at(n) == QLatin1Char(' ') || line.at(n) == QLatin1Char('\t')))
        ++n;
    return n;
}
} // namespace

QString dedentLines(const QString &lines)
{
    QStringList list = lines.split(QLatin1Char('\n'));
    QString common;
    bool first = true;
    for (const QString &line : list) {
        if (line.trimmed().isEmpty())
            continue;
        const QString indent = line.left(indentOf(line));
        if (first) {
            common = indent;
            first = false;
        }
        qsizetype shared = 0;
        while (shared < common.size() && shared < indent.size() && common.at(shared) == indent.at(shared))
            ++shared;
        common.truncate(shared);
    }
    if (common.isEmpty())
        return lines;
    for (QString &line : list)
        line = line.startsWith(common) ? line.mid(common.size()) : line.trimmed();
    return list.join(QLatin1Char('\n'));
}

ScriptRange ScriptRange::whole(const QTextDocument *document)
{
    return {document->toPlainText(), 1, std::max(1, document->blockCount()), true};
}

ScriptRange ScriptRange::selectionOrLine(const CodeEditor *editor)
{
    const QTextCursor cursor = editor->textCursor();
    const auto [first, last] = editor->selectedLines();
    if (cursor.hasSelection() && first == last && !cursor.selectedText().trimmed().isEmpty()) {
        // An expression picked out of a line.
        return {cursor.selectedText().trimmed() + QLatin1Char('\n'), first + 1, first + 1, false};
    }
    return {dedentLines(linesText(editor->document(), first, last)), first + 1, last + 1, false};
}

ScriptRange ScriptRange::upToCursor(const CodeEditor *editor)
{
    const int last = editor->textCursor().blockNumber();
    return {linesText(editor->document(), 0, last), 1, last + 1, false};
}

QString ScriptRange::label(const QString &name) const
{
    if (wholeFile)
        return QStringLiteral("Run %1").arg(name);
    if (firstLine == lastLine)
        return QStringLiteral("Run %1 line %2").arg(name).arg(firstLine);
    return QStringLiteral("Run %1 lines %2–%3").arg(name).arg(firstLine).arg(lastLine);
}

} // namespace livepix::gui
