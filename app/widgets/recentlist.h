#pragma once
// RecentList: an "Open Recent" list of paths in QSettings, and its menu.
#include <QString>
#include <QStringList>

#include <functional>

class QMenu;
class QObject;

namespace livepix::gui {

/// The most recently used paths, newest first, at most maxEntries, stored
/// under one QSettings key. The window's images ("recentFiles") and the
/// script editor's scripts ("editor/recentScripts") each keep one.
///
/// Threading: GUI thread only (the application's QSettings).
class RecentList {
public:
    explicit RecentList(QString settingsKey, int maxEntries = 10);

    QStringList paths() const;
    /// Moves `path` to the front, dropping the oldest beyond maxEntries.
    void add(const QString &path);
    void clear();
    /// Refills `menu` (call it from aboutToShow): one item per path, named
    /// by its file name with the path as tool tip, that calls open(path) on
    /// `context`; then "Clear Menu". "(none)" when the list is empty.
    void fillMenu(QMenu *menu, QObject *context, const std::function<void(const QString &)> &open) const;

private:
    QString m_key;
    int m_maxEntries;
};

} // namespace livepix::gui
