#pragma once
// openAndWait(): a test's synchronous Viewer::openAsync (the app itself never waits).
#include <QSignalSpy>
#include <QString>

#include "viewer/document.h"
#include "viewer/loadjob.h"
#include "viewer/viewer.h"

namespace livepix::gui {

/// Opens `path` and lets the event loop run until the job finished (at most
/// 20 s). Returns the new document, or nullptr with *error set.
inline Document *openAndWait(Viewer &viewer, const QString &path, QString *error = nullptr)
{
    LoadJob *job = viewer.openAsync(path);
    QSignalSpy finished(job, &LoadJob::finished);
    if (!finished.wait(20000)) {
        if (error)
            *error = path + QStringLiteral(": the load did not finish within 20 s");
        return nullptr;
    }
    if (error)
        *error = finished.first().at(1).toString();
    return finished.first().first().value<Document *>();
}

} // namespace livepix::gui
