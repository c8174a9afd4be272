#pragma once
// Name patterns ("*.png") of the formats the image I/O library handles.
#include <QStringList>

namespace livepix::gui {

/// "*.ext" for every extension the image I/O library can read (write).
/// Empty, with the reason on stderr, when that library cannot be loaded:
/// every load or save then fails naming the file and the reason too.
/// Asks the library each call. Thread-safe.
QStringList readablePatterns();
QStringList writablePatterns();

} // namespace livepix::gui
