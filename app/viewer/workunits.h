#pragma once
// WorkUnits: ends units of work and turns their writes into undo steps.
#include <QMutex>
#include <QObject>
#include <QPointer>
#include <QString>

#include <livepix/history.h>

#include <atomic>
#include <deque>
#include <functional>
#include <memory>
#include <vector>

namespace livepix::gui {

class Document;

/// The units of work of DESIGN.md ("Pixel memory, write tracking, units of
/// work"): one console cell, one --exec block, one script, one filter run;
/// writes outside any unit are "background writes". begin() and end()
/// bracket a unit; when the outermost unit ends, every tracked document's
/// writes since the last end become one step of that document's History,
/// labelled for the unit.
///
/// Order matters (undo swaps pages, so steps must be recorded in the order
/// they were taken): changes are taken and queued under one mutex and the
/// GUI thread records the queue in order (drain()); everything on the GUI
/// thread that looks at a history drains first.
///
/// Threading: begin(), end(), cut() and label() from any thread (the Python
/// worker ends its requests there, before the next one starts, so units
/// never mix). track(), untrack(), drain() and commitBackground() on the
/// GUI thread.
class WorkUnits : public QObject {
    Q_OBJECT
public:
    static inline const QString BackgroundLabel = QStringLiteral("Background writes");

    explicit WorkUnits(QObject *parent = nullptr);
    ~WorkUnits() override;

    void track(Document *document);
    void untrack(Document *document);

    /// Opens a unit (nested ones join the outermost, which names it). Open
    /// writes from before become a "Background writes" step first.
    void begin(const QString &label);
    /// Closes a unit; the outermost one takes the changes.
    void end();
    /// Takes the changes now without closing anything (viewer.undo() from
    /// code closes the open unit first; a save takes what it writes).
    void cut();
    bool isOpen() const { return m_depth.load() > 0; }
    QString label() const;
    /// Renames the open unit (a filter learns its parameters at the end).
    void setLabel(const QString &label);

    /// GUI thread: records queued changes into their documents' histories.
    void drain();
    /// GUI thread: open writes outside any unit become a step now.
    /// Returns false (and does nothing) while a unit is open.
    bool commitBackground();

    /// How a unit that ends on another thread with writes to take lets the
    /// view draw them first: gate(done) runs on the GUI thread after what
    /// was sent there before (the statement's repaint request) and calls
    /// done() once the view has painted the frame it owes, at once if it
    /// owes none. Why: taking the changes compares every written chunk with
    /// its copy, on the other core, while the GUI thread reads the same
    /// rows to draw them: the smooth frame of a 4K float edit took 4.8-7.4
    /// ms (medians of five runs) where it took 3.8-5.8 with the take held
    /// back. end() waits FrameWaitMs at most, so a view that never paints
    /// (minimised, or the GUI thread busy) delays a unit by that much once.
    /// GUI thread.
    using FrameGate = std::function<void(const std::function<void()> &done)>;
    void setFrameGate(FrameGate gate);
    static constexpr int FrameWaitMs = 50;

    /// Shortens code to a step label: its first line, at most 60 characters.
    static QString labelForCode(const QString &code);

Q_SIGNALS:
    /// A history changed (new step or a step could not be kept). `problem`
    /// is non-empty when the unit cannot be undone and says why.
    void recorded(livepix::gui::Document *document, const QString &problem);
    /// The outermost unit began or ended (emitted on the thread that did it).
    void openChanged(bool open);

private:
    struct Tracked {
        QPointer<Document> document;
        PixelBufferPtr buffer;
    };
    struct Pending {
        PixelBufferPtr buffer;
        std::shared_ptr<WriteStep> change;
        QString label;
    };
    void takeAll(const QString &label);
    /// Off the GUI thread, with writes to take: waits for the frame gate.
    void waitForFrame();
    bool hasOpenWrites() const;

    mutable QMutex m_mutex; // m_tracked, m_pending, m_label, and the takes
    std::vector<Tracked> m_tracked;
    std::deque<Pending> m_pending;
    QString m_label;
    std::atomic<int> m_depth{0};
    std::atomic<bool> m_drainPosted{false};
    FrameGate m_frameGate; // GUI thread only
};

} // namespace livepix::gui
