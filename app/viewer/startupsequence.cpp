#include "viewer/startupsequence.h"

#include <QFileInfo>
#include <QPointer>

#include <memory>

#include "viewer/document.h"
#include "viewer/loadjob.h"
#include "viewer/viewer.h"

namespace livepix::gui {

StartupSequence::StartupSequence(QObject *parent) : QObject(parent) {}

void StartupSequence::addStep(Step step, bool stopOnFailure)
{
    m_steps.push_back({std::move(step), stopOnFailure});
}

void StartupSequence::start()
{
    if (m_running)
        return;
    m_running = true;
    m_next = 0;
    m_failed = false;
    m_errors.clear();
    QMetaObject::invokeMethod(this, &StartupSequence::runNext, Qt::QueuedConnection);
}

void StartupSequence::runNext()
{
    if (m_next >= int(m_steps.size())) {
        m_running = false;
        Q_EMIT finished(!m_failed, m_errors);
        return;
    }
    const int index = m_next++;
    // `done` may be called at once, later, or (wrongly) twice; it may also
    // outlive the sequence. Either way the next step starts from the event
    // loop, so steps never nest.
    auto called = std::make_shared<bool>(false);
    QPointer<StartupSequence> self(this);
    m_steps[index].step([self, index, called](const QStringList &errors) {
        if (*called || !self)
            return;
        *called = true;
        QMetaObject::invokeMethod(
            self, [self, index, errors] { self->stepDone(index, errors); }, Qt::QueuedConnection);
    });
}

void StartupSequence::stepDone(int index, const QStringList &errors)
{
    m_errors += errors;
    Q_EMIT stepFinished(index, errors);
    if (!errors.isEmpty()) {
        m_failed = true;
        if (m_steps[index].stopOnFailure)
            m_next = int(m_steps.size()); // skip the rest
    }
    runNext();
}

StartupSequence::Step StartupSequence::openFilesStep(Viewer *viewer, const QStringList &files,
                                                     std::function<void(const QString &path)> opened)
{
    return [viewer, files, opened](Done done) {
        if (files.isEmpty()) {
            done({});
            return;
        }
        // Jobs finish in the order asked for, so the last one ends the step.
        struct State {
            QStringList errors;
            QPointer<Document> first;
        };
        auto state = std::make_shared<State>();
        for (int i = 0; i < files.size(); ++i) {
            LoadJob *job = viewer->openAsync(files.at(i));
            const bool last = i == files.size() - 1;
            QObject::connect(job, &LoadJob::finished, viewer,
                             [viewer, state, job, last, opened, done](Document *document, const QString &error) {
                                 if (document && opened)
                                     opened(job->path());
                                 if (document && !state->first)
                                     state->first = document;
                                 if (!document)
                                     state->errors << error;
                                 if (!last)
                                     return;
                                 // Show the first file named, as the user expects.
                                 if (state->first)
                                     viewer->setCurrent(state->first);
                                 done(state->errors);
                             });
        }
    };
}

} // namespace livepix::gui
