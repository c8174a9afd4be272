#pragma once
// PythonHighlighter: syntax colours for Python in the console's input.
#include <QRegularExpression>
#include <QSyntaxHighlighter>
#include <QTextCharFormat>
#include <QVector>

namespace livepix::gui {

/// Keywords, builtins, numbers, strings (also triple-quoted across lines),
/// comments, decorators and def/class names. Pure Qt (it runs on the GUI
/// thread, which never touches Python), so the keyword list is Python 3.11's
/// keyword.kwlist written out.
///
/// Threading: GUI thread only (like every QSyntaxHighlighter).
class PythonHighlighter : public QSyntaxHighlighter {
    Q_OBJECT
public:
    explicit PythonHighlighter(QTextDocument *document);

    /// Format names, for tests and themes.
    enum class Kind { Keyword, Builtin, Number, String, Comment, Decorator, Definition };
    QTextCharFormat format(Kind kind) const;

protected:
    void highlightBlock(const QString &text) override;

private:
    struct Rule {
        QRegularExpression pattern;
        Kind kind;
        int group = 0;
    };
    QVector<Rule> m_rules;
    QTextCharFormat m_formats[7];
};

} // namespace livepix::gui
