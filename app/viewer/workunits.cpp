#include "viewer/workunits.h"

#include "viewer/document.h"

#include <QMutexLocker>
#include <QSemaphore>
#include <QThread>

#include <algorithm>
#include <memory>

namespace livepix::gui {

WorkUnits::WorkUnits(QObject *parent) : QObject(parent) {}

WorkUnits::~WorkUnits() = default;

void WorkUnits::track(Document *document)
{
    if (!document || document->image().isNull())
        return;
    QMutexLocker lock(&m_mutex);
    m_tracked.push_back({document, document->image().buffer()});
}

void WorkUnits::untrack(Document *document)
{
    QMutexLocker lock(&m_mutex);
    m_tracked.erase(std::remove_if(m_tracked.begin(), m_tracked.end(),
                                   [document](const Tracked &t) { return !t.document || t.document == document; }),
                    m_tracked.end());
}

void WorkUnits::begin(const QString &label)
{
    WriteTracker::ensureFaultHandler();
    QMutexLocker lock(&m_mutex);
    if (m_depth.fetch_add(1) == 0) {
        lock.unlock();
        takeAll(BackgroundLabel);
        lock.relock();
        m_label = label;
        lock.unlock();
        Q_EMIT openChanged(true);
    }
}

void WorkUnits::end()
{
    QMutexLocker lock(&m_mutex);
    if (m_depth.load() == 0)
        return;
    if (m_depth.fetch_sub(1) == 1) {
        const QString label = m_label;
        lock.unlock();
        waitForFrame();
        takeAll(label);
        Q_EMIT openChanged(false);
    }
}

void WorkUnits::cut()
{
    takeAll(isOpen() ? label() : BackgroundLabel);
}

void WorkUnits::setFrameGate(FrameGate gate) { m_frameGate = std::move(gate); }

bool WorkUnits::hasOpenWrites() const
{
    QMutexLocker lock(&m_mutex);
    return std::any_of(m_tracked.begin(), m_tracked.end(), [](const Tracked &t) {
        const WriteTracker *tracker = t.buffer->writeTracker();
        return tracker && tracker->hasOpenWrites();
    });
}

void WorkUnits::waitForFrame()
{
    if (QThread::currentThread() == thread() || !hasOpenWrites())
        return;
    // Shared: the gate may open it after this call gave up waiting.
    auto opened = std::make_shared<QSemaphore>();
    QMetaObject::invokeMethod(
        this,
        [this, opened] {
            const auto open = [opened] { opened->release(); };
            if (m_frameGate)
                m_frameGate(open);
            else
                open();
        },
        Qt::QueuedConnection);
    opened->tryAcquire(1, FrameWaitMs);
}

QString WorkUnits::label() const
{
    QMutexLocker lock(&m_mutex);
    return m_label;
}

void WorkUnits::setLabel(const QString &label)
{
    QMutexLocker lock(&m_mutex);
    if (m_depth.load() > 0)
        m_label = label;
}

bool WorkUnits::commitBackground()
{
    if (isOpen())
        return false;
    takeAll(BackgroundLabel);
    return true;
}

void WorkUnits::takeAll(const QString &label)
{
    {
        QMutexLocker lock(&m_mutex);
        for (const Tracked &tracked : m_tracked) {
            WriteTracker *tracker = tracked.buffer->writeTracker();
            if (!tracker || !tracker->hasOpenWrites())
                continue;
            auto change = std::make_shared<WriteStep>(tracker->takeChanges());
            if (!change->empty())
                m_pending.push_back({tracked.buffer, std::move(change), label});
        }
        if (m_pending.empty())
            return;
    }
    if (QThread::currentThread() == thread())
        drain();
    else if (!m_drainPosted.exchange(true))
        QMetaObject::invokeMethod(this, &WorkUnits::drain, Qt::QueuedConnection);
}

void WorkUnits::drain()
{
    m_drainPosted = false;
    std::deque<Pending> pending;
    std::vector<Tracked> tracked;
    {
        QMutexLocker lock(&m_mutex);
        pending.swap(m_pending);
        tracked = m_tracked;
    }
    for (Pending &p : pending) {
        auto it = std::find_if(tracked.begin(), tracked.end(),
                               [&p](const Tracked &t) { return t.document && t.buffer == p.buffer; });
        if (it == tracked.end())
            continue; // closed meanwhile: the steps go with it
        Document *document = it->document;
        History *history = document->history();
        if (!history || history->buffer() != p.buffer)
            continue;
        const History::Commit result = history->record(std::move(*p.change), p.label.toStdString());
        document->historyChanged();
        Q_EMIT recorded(document, result == History::Commit::NotUndoable
                                      ? QString::fromStdString(history->lastProblem())
                                      : QString());
    }
}

QString WorkUnits::labelForCode(const QString &code)
{
    const QStringList lines = code.trimmed().split(QLatin1Char('\n'));
    QString label = lines.value(0).trimmed();
    if (label.size() > 60 || lines.size() > 1)
        label = label.left(59) + QStringLiteral("…");
    return label;
}

} // namespace livepix::gui
