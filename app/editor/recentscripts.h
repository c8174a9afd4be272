#pragma once
// RecentScripts: the script editor's "Open Recent" list, kept in QSettings.
#include <QStringList>

namespace livepix::gui {

/// The last MaxEntries scripts opened or saved, newest first, stored under
/// the QSettings key "editor/recentScripts" (apart from the images' recent
/// files: a script is not an image).
///
/// Threading: GUI thread only (QSettings of the application).
namespace RecentScripts {

constexpr int MaxEntries = 10;

QStringList paths();
/// Moves `path` (absolute) to the front, dropping the oldest beyond MaxEntries.
void add(const QString &path);
void clear();

} // namespace RecentScripts

} // namespace livepix::gui
