#include "console/consolehistory.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>
#include <QStandardPaths>

namespace livepix::gui {

ConsoleHistory::ConsoleHistory(QString filePath) : m_filePath(std::move(filePath))
{
    load();
    resetNavigation();
}

QString ConsoleHistory::defaultPath()
{
    const QString dir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    return dir.isEmpty() ? QString() : dir + QStringLiteral("/console-history.json");
}

void ConsoleHistory::add(const QString &entry)
{
    if (!entry.trimmed().isEmpty() && (m_entries.isEmpty() || m_entries.last() != entry)) {
        m_entries.append(entry);
        while (m_entries.size() > MaxEntries)
            m_entries.removeFirst();
        save();
    }
    resetNavigation();
}

void ConsoleHistory::clear()
{
    m_entries.clear();
    save();
    resetNavigation();
}

bool ConsoleHistory::previous(const QString &current, QString *entry)
{
    if (m_index == 0)
        return false;
    if (m_index == m_entries.size())
        m_draft = current;
    *entry = m_entries.at(--m_index);
    return true;
}

bool ConsoleHistory::next(QString *entry)
{
    if (m_index >= m_entries.size())
        return false;
    ++m_index;
    *entry = m_index == m_entries.size() ? m_draft : m_entries.at(m_index);
    return true;
}

void ConsoleHistory::resetNavigation()
{
    m_index = int(m_entries.size());
    m_draft.clear();
}

void ConsoleHistory::load()
{
    if (m_filePath.isEmpty())
        return;
    QFile file(m_filePath);
    if (!file.open(QIODevice::ReadOnly))
        return;
    const QJsonArray array = QJsonDocument::fromJson(file.readAll()).array();
    for (const QJsonValue &value : array)
        if (value.isString())
            m_entries.append(value.toString());
    while (m_entries.size() > MaxEntries)
        m_entries.removeFirst();
}

void ConsoleHistory::save() const
{
    if (m_filePath.isEmpty())
        return;
    QDir().mkpath(QFileInfo(m_filePath).absolutePath());
    // QSaveFile: a crash mid-write never leaves a truncated history.
    QSaveFile file(m_filePath);
    if (!file.open(QIODevice::WriteOnly))
        return;
    file.write(QJsonDocument(QJsonArray::fromStringList(m_entries)).toJson(QJsonDocument::Compact));
    file.commit();
}

} // namespace livepix::gui
