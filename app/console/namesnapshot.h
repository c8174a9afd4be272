#pragma once
// NameSnapshot: completion while Python is busy, from a copy of its names.
#include <QHash>
#include <QString>
#include <QStringList>

namespace livepix::gui {

/// A copy of the console namespace's names ("(" after callables) and of each
/// imported module's names, taken by the worker after every request. While
/// code runs the worker cannot answer completion, so the GUI answers from
/// this copy: `np.ar` still offers `np.arange(`, `np.array(`... without
/// waiting for the GIL. Names made by the running code appear once it ends.
///
/// Threading: GUI thread only (the worker's copy arrives by a queued call).
class NameSnapshot {
public:
    void set(QStringList names, QHash<QString, QStringList> modules);
    bool isEmpty() const { return m_names.isEmpty(); }
    /// Completions for the end of `textBeforeCursor`, in the console's form:
    /// the length of the dotted token they replace and the whole tokens,
    /// public names first, then _private, then __dunder__.
    std::pair<int, QStringList> complete(const QString &textBeforeCursor) const;

private:
    QStringList m_names;
    QHash<QString, QStringList> m_modules;
};

} // namespace livepix::gui
