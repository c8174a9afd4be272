#include "widgets/recentlist.h"

#include <QAction>
#include <QFileInfo>
#include <QMenu>
#include <QSettings>

namespace livepix::gui {

RecentList::RecentList(QString settingsKey, int maxEntries) : m_key(std::move(settingsKey)), m_maxEntries(maxEntries) {}

QStringList RecentList::paths() const { return QSettings().value(m_key).toStringList(); }

void RecentList::add(const QString &path)
{
    QStringList list = paths();
    list.removeAll(path);
    list.prepend(path);
    while (list.size() > m_maxEntries)
        list.removeLast();
    QSettings().setValue(m_key, list);
}

void RecentList::clear() { QSettings().remove(m_key); }

void RecentList::fillMenu(QMenu *menu, QObject *context, const std::function<void(const QString &)> &open) const
{
    menu->clear();
    const QStringList list = paths();
    for (const QString &path : list) {
        QAction *action = menu->addAction(QFileInfo(path).fileName(), context, [open, path] { open(path); });
        action->setToolTip(path);
        action->setStatusTip(path);
    }
    if (list.isEmpty()) {
        menu->addAction(QObject::tr("(none)"))->setEnabled(false);
        return;
    }
    menu->addSeparator();
    const QString key = m_key;
    menu->addAction(QObject::tr("Clear Menu"), context, [key] { QSettings().remove(key); });
}

} // namespace livepix::gui
