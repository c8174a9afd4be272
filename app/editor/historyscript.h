#pragma once
// historyScript(): the console's history cells as the text of a .py file.
#include <QString>
#include <QStringList>

namespace livepix::gui {

/// Joins console cells (oldest first, as ConsoleHistory keeps them) into a
/// script: a header comment, then each cell followed by a blank line, so
/// multi-line cells stay whole and the file runs top to bottom as typed.
QString historyScript(const QStringList &cells);

} // namespace livepix::gui
