#pragma once
// AnsiText: console output with ANSI colour escapes (IPython's tracebacks and
// help) as formatted runs of text.
#include <QList>
#include <QString>
#include <QTextCharFormat>

namespace livepix::gui {

/// Turns text carrying ANSI SGR escapes ("\x1b[0;31m", 256-colour and
/// true-colour forms, bold, background, resets) into runs of plain text with
/// a QTextCharFormat each; other escape sequences are dropped. A sequence cut
/// between two chunks is kept until the next chunk completes it, and the
/// colour in effect carries over to the next chunk, as in a terminal.
///
/// Threading: GUI thread (one per output pane).
class AnsiText {
public:
    struct Run {
        QString text;
        QTextCharFormat format;
    };

    /// Splits `chunk`; text outside any escape gets `base` plus the
    /// attributes set so far.
    QList<Run> split(const QString &chunk, const QTextCharFormat &base);
    /// Forgets the attributes in effect (after clearing the pane).
    void reset();
    /// The colour of palette entry `index` (0–255) of xterm's 256 colours,
    /// with the first 16 darkened enough to read on a light background.
    static QColor paletteColor(int index);

private:
    void apply(const QList<int> &codes);
    QTextCharFormat current(const QTextCharFormat &base) const;

    QString m_pending; // an escape sequence not yet complete
    QColor m_foreground; // invalid: the base format's
    QColor m_background;
    bool m_bold = false;
    bool m_underline = false;
};

} // namespace livepix::gui
