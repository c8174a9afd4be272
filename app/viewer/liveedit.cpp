#include "viewer/liveedit.h"

#include <utility>

#include "viewer/viewer.h"

namespace livepix::gui {

LiveEditClock *LiveEditClock::find(const Viewer *viewer)
{
    return viewer ? viewer->findChild<LiveEditClock *>(QString(), Qt::FindDirectChildrenOnly) : nullptr;
}

LiveEditClock *LiveEditClock::of(Viewer *viewer)
{
    if (!viewer)
        return nullptr;
    if (LiveEditClock *clock = find(viewer))
        return clock;
    return new LiveEditClock(viewer);
}

LiveEditClock::LiveEditClock(Viewer *viewer) : QObject(viewer), m_viewer(viewer)
{
    m_timer.setInterval(DefaultIntervalMs);
    connect(&m_timer, &QTimer::timeout, this, &LiveEditClock::repaint);
}

void LiveEditClock::acquire()
{
    if (m_active++ == 0)
        m_timer.start();
}

void LiveEditClock::release(bool repaintNow)
{
    Q_ASSERT(m_active > 0);
    if (--m_active > 0)
        return;
    m_timer.stop();
    if (repaintNow)
        repaint(); // the writes made since the last tick
}

void LiveEditClock::repaint()
{
    m_viewer->pixelsMayHaveChanged();
    Q_EMIT ticked();
}

LiveEdit::LiveEdit(Viewer *viewer) : m_clock(LiveEditClock::of(viewer))
{
    if (m_clock)
        m_clock->acquire();
}

LiveEdit::~LiveEdit() { release(); }

LiveEdit::LiveEdit(LiveEdit &&other) noexcept : m_clock(std::exchange(other.m_clock, {})) {}

LiveEdit &LiveEdit::operator=(LiveEdit &&other) noexcept
{
    if (this != &other) {
        release();
        m_clock = std::exchange(other.m_clock, {});
    }
    return *this;
}

void LiveEdit::release()
{
    LiveEditClock *clock = m_clock;
    m_clock.clear();
    if (clock)
        clock->release();
}

void LiveEdit::drop()
{
    LiveEditClock *clock = m_clock;
    m_clock.clear();
    if (clock)
        clock->release(false);
}

void LiveEdit::flush() const
{
    if (m_clock)
        m_clock->repaint();
}

} // namespace livepix::gui
