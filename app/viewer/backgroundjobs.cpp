#include "viewer/backgroundjobs.h"

#include <QDeadlineTimer>

#include <utility>
#include <vector>

namespace livepix::gui {

BackgroundJobs &BackgroundJobs::instance()
{
    static BackgroundJobs jobs;
    return jobs;
}

BackgroundJobs::Registration &BackgroundJobs::Registration::operator=(Registration &&other) noexcept
{
    if (this != &other) {
        reset();
        m_id = std::exchange(other.m_id, 0);
    }
    return *this;
}

void BackgroundJobs::Registration::reset()
{
    if (const std::uint64_t id = std::exchange(m_id, 0))
        BackgroundJobs::instance().remove(id);
}

BackgroundJobs::Registration BackgroundJobs::add(Job job)
{
    const std::uint64_t id = ++m_lastId;
    m_jobs.emplace(id, std::move(job));
    return Registration(id);
}

void BackgroundJobs::remove(std::uint64_t id) { m_jobs.erase(id); }

QStringList BackgroundJobs::descriptions() const
{
    QStringList result;
    for (const auto &[id, job] : m_jobs)
        result << job.description;
    return result;
}

QStringList BackgroundJobs::cancelAndWait(int timeoutMs)
{
    // Copies: a job may unregister (or another register) while we wait.
    std::vector<std::pair<std::uint64_t, Job>> jobs(m_jobs.begin(), m_jobs.end());
    for (const auto &[id, job] : jobs)
        if (job.cancel)
            job.cancel();
    const QDeadlineTimer deadline(timeoutMs);
    QStringList stuck;
    for (const auto &[id, job] : jobs) {
        if (!m_jobs.count(id) || !job.wait)
            continue;
        const int ms = job.cancel ? int(deadline.remainingTime()) : -1;
        if (!job.wait(ms) && m_jobs.count(id))
            stuck << job.description;
    }
    return stuck;
}

} // namespace livepix::gui
