#include "console/ansitext.h"

#include <QFont>

namespace livepix::gui {

namespace {
constexpr QChar Escape(0x1b);

/// Index of the character ending the escape sequence that starts at `from`
/// (Escape), or -1 when the chunk ends first.
qsizetype sequenceEnd(const QString &text, qsizetype from)
{
    if (from + 1 >= text.size())
        return -1;
    if (text.at(from + 1) != QLatin1Char('['))
        return from + 1; // a two-character escape: dropped
    for (qsizetype i = from + 2; i < text.size(); ++i) {
        const ushort c = text.at(i).unicode();
        if (c >= 0x40 && c <= 0x7e)
            return i;
    }
    return -1;
}
} // namespace

QColor AnsiText::paletteColor(int index)
{
    // Readable on a light console: the dark half is a little deeper than
    // xterm's, the bright half is xterm's bright set.
    static const QRgb basic[16] = {0x000000, 0xb22222, 0x1a7f1a, 0x8a6d00, 0x1f4fbf, 0x8f2f9f, 0x107a8a, 0x808080,
                                   0x555555, 0xe03c3c, 0x2ea02e, 0xb08800, 0x3b6fe0, 0xb040c0, 0x1898a8, 0xb0b0b0};
    if (index < 16)
        return QColor(basic[qBound(0, index, 15)]);
    if (index < 232) {
        const int i = index - 16;
        auto level = [](int v) { return v == 0 ? 0 : 55 + 40 * v; };
        return QColor(level(i / 36), level((i / 6) % 6), level(i % 6));
    }
    const int grey = 8 + 10 * (qMin(index, 255) - 232);
    return QColor(grey, grey, grey);
}

void AnsiText::reset()
{
    m_pending.clear();
    m_foreground = m_background = QColor();
    m_bold = m_underline = false;
}

QList<AnsiText::Run> AnsiText::split(const QString &chunk, const QTextCharFormat &base)
{
    const QString text = m_pending + chunk;
    m_pending.clear();
    QList<Run> runs;
    qsizetype start = 0;
    auto flush = [&](qsizetype end) {
        if (end > start)
            runs.append({text.mid(start, end - start), current(base)});
    };
    for (qsizetype i = text.indexOf(Escape); i >= 0; i = text.indexOf(Escape, start)) {
        flush(i);
        const qsizetype end = sequenceEnd(text, i);
        if (end < 0) {
            m_pending = text.mid(i);
            return runs;
        }
        if (text.at(end) == QLatin1Char('m') && text.at(i + 1) == QLatin1Char('[')) {
            QList<int> codes;
            for (const QString &part : text.mid(i + 2, end - i - 2).split(QLatin1Char(';')))
                codes.append(part.isEmpty() ? 0 : part.toInt());
            apply(codes);
        }
        start = end + 1;
    }
    flush(text.size());
    return runs;
}

void AnsiText::apply(const QList<int> &codes)
{
    for (qsizetype i = 0; i < codes.size(); ++i) {
        const int c = codes.at(i);
        if (c == 0) {
            m_foreground = m_background = QColor();
            m_bold = m_underline = false;
        } else if (c == 1) {
            m_bold = true;
        } else if (c == 4) {
            m_underline = true;
        } else if (c == 22) {
            m_bold = false;
        } else if (c == 24) {
            m_underline = false;
        } else if ((c >= 30 && c <= 37) || (c >= 90 && c <= 97)) {
            m_foreground = paletteColor(c >= 90 ? c - 90 + 8 : c - 30);
        } else if ((c >= 40 && c <= 47) || (c >= 100 && c <= 107)) {
            m_background = paletteColor(c >= 100 ? c - 100 + 8 : c - 40);
        } else if (c == 39) {
            m_foreground = QColor();
        } else if (c == 49) {
            m_background = QColor();
        } else if ((c == 38 || c == 48) && i + 1 < codes.size()) {
            // 38;5;N (palette) or 38;2;R;G;B (true colour); 48 the same for
            // the background.
            QColor colour;
            if (codes.at(i + 1) == 5 && i + 2 < codes.size()) {
                colour = paletteColor(qBound(0, codes.at(i + 2), 255));
                i += 2;
            } else if (codes.at(i + 1) == 2 && i + 4 < codes.size()) {
                colour = QColor(qBound(0, codes.at(i + 2), 255), qBound(0, codes.at(i + 3), 255),
                                qBound(0, codes.at(i + 4), 255));
                i += 4;
            } else {
                return; // malformed: ignore the rest
            }
            (c == 38 ? m_foreground : m_background) = colour;
        }
    }
}

QTextCharFormat AnsiText::current(const QTextCharFormat &base) const
{
    QTextCharFormat format = base;
    if (m_foreground.isValid())
        format.setForeground(m_foreground);
    if (m_background.isValid()) {
        // Backgrounds mark a spot (IPython: the failing expression); a
        // light tint keeps the text readable in either palette.
        QColor tint = m_background;
        tint.setAlpha(70);
        format.setBackground(tint);
    }
    if (m_bold)
        format.setFontWeight(QFont::Bold);
    if (m_underline)
        format.setFontUnderline(true);
    return format;
}

} // namespace livepix::gui
