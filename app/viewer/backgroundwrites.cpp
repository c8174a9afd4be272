#include "viewer/backgroundwrites.h"

#include "viewer/document.h"
#include "viewer/liveedit.h"
#include "viewer/viewer.h"
#include "viewer/workunits.h"

#include <QSocketNotifier>

#include <livepix/writetracker.h>

#include <sys/eventfd.h>
#include <unistd.h>

namespace livepix::gui {

/// The process's one eventfd for write wake-ups, read on the GUI thread.
class WriteWakeups : public QObject {
public:
    static WriteWakeups &instance()
    {
        static auto *wakeups = new WriteWakeups; // lives as long as the process
        return *wakeups;
    }
    QList<BackgroundWrites *> listeners;

private:
    WriteWakeups()
    {
        m_fd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
        if (m_fd < 0)
            return; // no wake-ups: units still end their writes, views repaint after them
        auto *notifier = new QSocketNotifier(m_fd, QSocketNotifier::Read, this);
        connect(notifier, &QSocketNotifier::activated, this, [this] {
            std::uint64_t count = 0;
            [[maybe_unused]] const ssize_t got = ::read(m_fd, &count, sizeof count);
            for (BackgroundWrites *listener : std::as_const(listeners))
                listener->onWake();
        });
        WriteTracker::setWriteNotifyFd(m_fd);
    }
    int m_fd = -1;
};

BackgroundWrites::BackgroundWrites(Viewer *viewer, WorkUnits *units)
    : QObject(viewer), m_viewer(viewer), m_units(units)
{
    m_frame.setInterval(FrameMs);
    connect(&m_frame, &QTimer::timeout, this, &BackgroundWrites::tick);
    WriteWakeups::instance().listeners.append(this);
}

BackgroundWrites::~BackgroundWrites()
{
    WriteWakeups::instance().listeners.removeOne(this);
}

void BackgroundWrites::onWake()
{
    m_sinceWrite.start();
    if (!announced())
        m_viewer->pixelsMayHaveChanged();
    if (!m_frame.isActive())
        m_frame.start();
}

bool BackgroundWrites::announced() const
{
    const LiveEditClock *clock = LiveEditClock::find(m_viewer); // a query: creates none
    return clock && clock->activeCount() > 0;
}

std::uint64_t BackgroundWrites::rearmAndCountWrites(bool *open) const
{
    std::uint64_t total = 0;
    *open = false;
    for (Document *document : m_viewer->documents()) {
        WriteTracker *tracker = document->image().isNull() ? nullptr : document->image().buffer()->writeTracker();
        if (!tracker)
            continue;
        total += tracker->writeCount();
        if (tracker->hasOpenWrites()) {
            *open = true;
            tracker->rearm(); // the next write into these chunks is seen again
        }
    }
    return total;
}

void BackgroundWrites::tick()
{
    bool open = false;
    const std::uint64_t count = rearmAndCountWrites(&open);
    if (count != m_lastCount) {
        m_lastCount = count;
        m_sinceWrite.start();
        if (!announced())
            m_viewer->pixelsMayHaveChanged();
    }
    if (!open) {
        m_frame.stop();
        return;
    }
    if (m_sinceWrite.isValid() && m_sinceWrite.elapsed() >= QuietMs && m_units->commitBackground())
        m_frame.stop();
}

} // namespace livepix::gui
