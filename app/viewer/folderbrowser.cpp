#include "viewer/folderbrowser.h"

#include <QDir>
#include <QFileInfo>
#include <QPointer>
#include <QSet>


#include <algorithm>

#include "viewer/document.h"
#include "viewer/loadjob.h"
#include "viewer/namepatterns.h"
#include "viewer/prefetchcache.h"
#include "viewer/viewer.h"

namespace livepix::gui {

namespace {
/// Natural order: runs of digits compare as numbers ("img2" < "img10"),
/// the rest case-insensitively; ties fall back to the exact names. Written
/// out because QCollator's numeric mode does nothing in the C locale.
bool naturalLess(const QString &a, const QString &b)
{
    qsizetype i = 0, j = 0;
    while (i < a.size() && j < b.size()) {
        if (a.at(i).isDigit() && b.at(j).isDigit()) {
            qsizetype ei = i, ej = j;
            while (ei < a.size() && a.at(ei).isDigit())
                ++ei;
            while (ej < b.size() && b.at(ej).isDigit())
                ++ej;
            // Compare without leading zeros: longer is larger, then digit by digit.
            QStringView x = QStringView(a).mid(i, ei - i), y = QStringView(b).mid(j, ej - j);
            while (x.size() > 1 && x.front() == QLatin1Char('0'))
                x = x.mid(1);
            while (y.size() > 1 && y.front() == QLatin1Char('0'))
                y = y.mid(1);
            if (x.size() != y.size())
                return x.size() < y.size();
            if (const int c = x.compare(y); c != 0)
                return c < 0;
            i = ei;
            j = ej;
            continue;
        }
        const QChar ca = a.at(i).toCaseFolded(), cb = b.at(j).toCaseFolded();
        if (ca != cb)
            return ca < cb;
        ++i;
        ++j;
    }
    if ((a.size() - i) != (b.size() - j))
        return (a.size() - i) < (b.size() - j);
    return a < b;
}

/// The extensions the I/O library reads, lower case, asked once. Not QDir's
/// name filters: QDir turns each of the 113 patterns into a regular
/// expression on every listing, which cost 3 ms a listing, three listings a
/// step (the step and the two neighbours prefetched), in a folder of 12.
const QSet<QString> &readableSuffixes()
{
    static const QSet<QString> extensions = [] {
        QSet<QString> set;
        for (const QString &pattern : readablePatterns())
            set.insert(pattern.mid(2).toLower()); // "*.png"
        return set;
    }();
    return extensions;
}

/// The name `step` places from `info`'s in `names` (sorted), or empty.
QString neighbourIn(const QStringList &names, const QFileInfo &info, int step)
{
    qsizetype index = names.indexOf(info.fileName());
    if (index < 0) {
        // The file is gone (renamed, deleted): step from where it stood.
        index = std::lower_bound(names.begin(), names.end(), info.fileName(), naturalLess) - names.begin();
        if (step > 0)
            --index;
    }
    const qsizetype target = index + step;
    if (target < 0 || target >= names.size())
        return QString();
    return info.dir().absoluteFilePath(names.at(target));
}
} // namespace

FolderBrowser::FolderBrowser(Viewer *viewer, QObject *parent) : QObject(parent), m_viewer(viewer)
{
    connect(m_viewer, &Viewer::currentChanged, this, &FolderBrowser::prefetchAround);
}

QStringList FolderBrowser::imagesIn(const QString &folder)
{
    const QSet<QString> &extensions = readableSuffixes();
    QStringList names = QDir(folder).entryList(QDir::Files | QDir::Readable, QDir::NoSort);
    names.removeIf([&](const QString &name) {
        const qsizetype dot = name.lastIndexOf(QLatin1Char('.'));
        return dot < 0 || !extensions.contains(name.mid(dot + 1).toLower());
    });
    std::sort(names.begin(), names.end(), naturalLess);
    return names;
}

QString FolderBrowser::neighbour(const QString &path, int step)
{
    const QFileInfo info(path);
    return neighbourIn(imagesIn(info.absolutePath()), info, step);
}

bool FolderBrowser::step(int step)
{
    Document *current = m_viewer->current();
    if (!current || current->filePath().isEmpty()) {
        Q_EMIT message(tr("This image has no file: there is no folder to step through"));
        return false;
    }
    const QString next = neighbour(current->filePath(), step);
    if (next.isEmpty()) {
        Q_EMIT message(step > 0 ? tr("Last image in %1").arg(QFileInfo(current->filePath()).absolutePath())
                                : tr("First image in %1").arg(QFileInfo(current->filePath()).absolutePath()));
        return false;
    }
    // Replace the current document once the new one is there; one with
    // unsaved changes stays open in its tab.
    QPointer<Document> replaced = current->isModified() ? nullptr : current;
    LoadJob *job = m_viewer->openAsync(next);
    connect(job, &LoadJob::finished, this, [this, replaced](Document *document, const QString &error) {
        if (!document) {
            Q_EMIT message(error);
            return;
        }
        if (replaced && replaced != document && !replaced->isModified())
            m_viewer->close(replaced);
    });
    return true;
}

void FolderBrowser::setPrefetch(bool on)
{
    m_prefetch = on;
    prefetchAround();
}

void FolderBrowser::prefetchAround()
{
    Document *current = m_viewer->current();
    if (!m_prefetch || !current || current->filePath().isEmpty())
        return;
    const QFileInfo info(current->filePath());
    const QStringList names = imagesIn(info.absolutePath()); // once for both
    QStringList wanted;
    for (int step : {1, -1})
        if (QString path = neighbourIn(names, info, step); !path.isEmpty())
            wanted.append(path);
    m_viewer->prefetchCache()->want(wanted);
}

} // namespace livepix::gui
