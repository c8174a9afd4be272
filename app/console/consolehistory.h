#pragma once
// ConsoleHistory: the console's input history, kept across runs.
#include <QString>
#include <QStringList>

namespace livepix::gui {

/// Cells the user ran (multi-line cells are one entry), newest last, with
/// up/down navigation that keeps the unfinished draft, like a shell.
/// Persisted as a JSON array in a file (default: console-history.json in
/// QStandardPaths::AppDataLocation), saved after every add().
///
/// Threading: GUI thread only.
class ConsoleHistory {
public:
    static constexpr int MaxEntries = 1000;

    /// Loads `filePath` if it exists; an empty path keeps history in memory.
    explicit ConsoleHistory(QString filePath = defaultPath());
    static QString defaultPath();

    QString filePath() const { return m_filePath; }
    const QStringList &entries() const { return m_entries; }

    /// Appends (skips blank input and a repeat of the newest entry), saves,
    /// and resets navigation.
    void add(const QString &entry);
    void clear();

    /// Up: the entry before the one shown; `current` is the editor's text,
    /// kept as the draft when leaving it. False at the oldest entry.
    bool previous(const QString &current, QString *entry);
    /// Down: the next newer entry, and finally the draft. False at the draft.
    bool next(QString *entry);
    void resetNavigation();

private:
    void load();
    void save() const;

    QString m_filePath;
    QStringList m_entries;
    int m_index = 0; // == m_entries.size() while the draft is shown
    QString m_draft;
};

} // namespace livepix::gui
