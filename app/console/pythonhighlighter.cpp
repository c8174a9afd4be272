#include "console/pythonhighlighter.h"

#include <QStringList>

namespace livepix::gui {

namespace {
// Block states: which triple-quoted string continues into the next line.
enum State { Normal = 0, InTripleSingle = 1, InTripleDouble = 2 };
} // namespace

PythonHighlighter::PythonHighlighter(QTextDocument *document) : QSyntaxHighlighter(document)
{
    auto make = [](const QColor &color, bool bold = false, bool italic = false) {
        QTextCharFormat f;
        f.setForeground(color);
        if (bold)
            f.setFontWeight(QFont::Bold);
        f.setFontItalic(italic);
        return f;
    };
    m_formats[int(Kind::Keyword)] = make(QColor(0x00, 0x5c, 0xc5), true);
    m_formats[int(Kind::Builtin)] = make(QColor(0x6f, 0x42, 0xc1));
    m_formats[int(Kind::Number)] = make(QColor(0x09, 0x86, 0x58));
    m_formats[int(Kind::String)] = make(QColor(0xb3, 0x5c, 0x00));
    m_formats[int(Kind::Comment)] = make(QColor(0x6a, 0x73, 0x7d), false, true);
    m_formats[int(Kind::Decorator)] = make(QColor(0xa0, 0x30, 0x90));
    m_formats[int(Kind::Definition)] = make(QColor(0x00, 0x6b, 0x6b), true);

    static const QStringList keywords = {
        QStringLiteral("False"), QStringLiteral("None"), QStringLiteral("True"),
        QStringLiteral("and"), QStringLiteral("as"), QStringLiteral("assert"),
        QStringLiteral("async"), QStringLiteral("await"), QStringLiteral("break"),
        QStringLiteral("class"), QStringLiteral("continue"), QStringLiteral("def"),
        QStringLiteral("del"), QStringLiteral("elif"), QStringLiteral("else"),
        QStringLiteral("except"), QStringLiteral("finally"), QStringLiteral("for"),
        QStringLiteral("from"), QStringLiteral("global"), QStringLiteral("if"),
        QStringLiteral("import"), QStringLiteral("in"), QStringLiteral("is"),
        QStringLiteral("lambda"), QStringLiteral("nonlocal"), QStringLiteral("not"),
        QStringLiteral("or"), QStringLiteral("pass"), QStringLiteral("raise"),
        QStringLiteral("return"), QStringLiteral("try"), QStringLiteral("while"),
        QStringLiteral("with"), QStringLiteral("yield"), QStringLiteral("match"),
        QStringLiteral("case")};
    static const QStringList builtins = {
        QStringLiteral("print"), QStringLiteral("len"), QStringLiteral("range"),
        QStringLiteral("int"), QStringLiteral("float"), QStringLiteral("str"),
        QStringLiteral("list"), QStringLiteral("dict"), QStringLiteral("set"),
        QStringLiteral("tuple"), QStringLiteral("abs"), QStringLiteral("min"),
        QStringLiteral("max"), QStringLiteral("sum"), QStringLiteral("enumerate"),
        QStringLiteral("zip"), QStringLiteral("map"), QStringLiteral("filter"),
        QStringLiteral("isinstance"), QStringLiteral("type"), QStringLiteral("open"),
        QStringLiteral("help"), QStringLiteral("dir"), QStringLiteral("repr"),
        QStringLiteral("sorted"), QStringLiteral("round"), QStringLiteral("super"),
        QStringLiteral("self"), QStringLiteral("bool"), QStringLiteral("bytes")};

    m_rules.append({QRegularExpression(QStringLiteral("\\b(?:%1)\\b").arg(keywords.join(QLatin1Char('|')))),
                    Kind::Keyword});
    m_rules.append({QRegularExpression(QStringLiteral("\\b(?:%1)\\b").arg(builtins.join(QLatin1Char('|')))),
                    Kind::Builtin});
    m_rules.append({QRegularExpression(QStringLiteral(
                        "\\b(?:0[xX][0-9a-fA-F_]+|0[bB][01_]+|0[oO][0-7_]+|"
                        "(?:\\d[\\d_]*\\.?[\\d_]*|\\.\\d[\\d_]*)(?:[eE][+-]?\\d+)?[jJ]?)")),
                    Kind::Number});
    m_rules.append({QRegularExpression(QStringLiteral("^\\s*@[\\w.]+")), Kind::Decorator});
    m_rules.append({QRegularExpression(QStringLiteral("\\b(?:def|class)\\s+(\\w+)")), Kind::Definition, 1});
}

QTextCharFormat PythonHighlighter::format(Kind kind) const { return m_formats[int(kind)]; }

void PythonHighlighter::highlightBlock(const QString &text)
{
    for (const Rule &rule : qAsConst(m_rules)) {
        auto it = rule.pattern.globalMatch(text);
        while (it.hasNext()) {
            const QRegularExpressionMatch m = it.next();
            setFormat(int(m.capturedStart(rule.group)), int(m.capturedLength(rule.group)),
                      m_formats[int(rule.kind)]);
        }
    }

    // Strings and comments, scanned left to right so that '#' inside a
    // string and quotes inside a comment are right. Overrides the rules above.
    const QTextCharFormat &stringFormat = m_formats[int(Kind::String)];
    int i = 0;
    int state = previousBlockState() < 0 ? Normal : previousBlockState();
    const int n = int(text.size());
    if (state != Normal) {
        const QString close = state == InTripleSingle ? QStringLiteral("'''") : QStringLiteral("\"\"\"");
        int end = int(text.indexOf(close));
        if (end < 0) {
            setFormat(0, n, stringFormat);
            setCurrentBlockState(state);
            return;
        }
        setFormat(0, end + 3, stringFormat);
        i = end + 3;
        state = Normal;
    }
    while (i < n) {
        const QChar c = text.at(i);
        if (c == QLatin1Char('#')) {
            setFormat(i, n - i, m_formats[int(Kind::Comment)]);
            break;
        }
        if (c == QLatin1Char('\'') || c == QLatin1Char('"')) {
            const QString triple(3, c);
            if (text.mid(i, 3) == triple) {
                int end = int(text.indexOf(triple, i + 3));
                if (end < 0) {
                    setFormat(i, n - i, stringFormat);
                    state = c == QLatin1Char('\'') ? InTripleSingle : InTripleDouble;
                    break;
                }
                setFormat(i, end + 3 - i, stringFormat);
                i = end + 3;
                continue;
            }
            int j = i + 1;
            while (j < n && text.at(j) != c) {
                if (text.at(j) == QLatin1Char('\\'))
                    ++j;
                ++j;
            }
            const int end = qMin(j + 1, n);
            setFormat(i, end - i, stringFormat);
            i = end;
            continue;
        }
        ++i;
    }
    setCurrentBlockState(state);
}

} // namespace livepix::gui
