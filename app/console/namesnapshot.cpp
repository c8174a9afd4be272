#include "console/namesnapshot.h"

#include <QRegularExpression>

#include <algorithm>
#include <tuple>

namespace livepix::gui {

void NameSnapshot::set(QStringList names, QHash<QString, QStringList> modules)
{
    m_names = std::move(names);
    m_modules = std::move(modules);
}

std::pair<int, QStringList> NameSnapshot::complete(const QString &textBeforeCursor) const
{
    static const QRegularExpression tokenAtEnd(QStringLiteral("[A-Za-z_][\\w.]*$"));
    const QString line = textBeforeCursor.section(QLatin1Char('\n'), -1);
    const QRegularExpressionMatch match = tokenAtEnd.match(line);
    if (!match.hasMatch())
        return {0, {}};
    const QString token = match.captured(0);
    const qsizetype dot = token.lastIndexOf(QLatin1Char('.'));
    const QString head = dot < 0 ? QString() : token.left(dot + 1);
    const QString prefix = token.mid(dot + 1);
    const QStringList *pool = &m_names;
    if (dot >= 0) {
        auto it = m_modules.constFind(token.left(dot));
        if (it == m_modules.constEnd())
            return {0, {}};
        pool = &*it;
    }
    QStringList found;
    for (const QString &name : *pool) {
        if (name.startsWith(prefix))
            found.append(head + name);
    }
    // The order of the worker's completions (consoleshell.py _completion_order).
    auto key = [](const QString &name) {
        QString last = name;
        if (last.endsWith(QLatin1Char('(')))
            last.chop(1);
        last = last.section(QLatin1Char('.'), -1);
        return std::make_tuple(last.startsWith(QLatin1String("__")), last.startsWith(QLatin1Char('_')),
                               name.toLower());
    };
    std::sort(found.begin(), found.end(), [&](const QString &a, const QString &b) { return key(a) < key(b); });
    found.removeDuplicates();
    return {int(token.size()), found};
}

} // namespace livepix::gui
