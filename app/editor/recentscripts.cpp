#include "editor/recentscripts.h"

#include <QSettings>

namespace livepix::gui::RecentScripts {

namespace {
const QString Key = QStringLiteral("editor/recentScripts");
}

QStringList paths() { return QSettings().value(Key).toStringList(); }

void add(const QString &path)
{
    QStringList list = paths();
    list.removeAll(path);
    list.prepend(path);
    while (list.size() > MaxEntries)
        list.removeLast();
    QSettings().setValue(Key, list);
}

void clear() { QSettings().remove(Key); }

} // namespace livepix::gui::RecentScripts
