#pragma once
// History: the undo steps of one pixel buffer, built on its WriteTracker.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "livepix/export.h"
#include "livepix/pixelbuffer.h"
#include "livepix/writetracker.h"

namespace livepix {

class History;

/// One byte limit shared by several histories (all documents of the app):
/// when a new step brings the total over it, the oldest steps of any
/// history go first.
///
/// Threading: like History, one thread at a time (the app's GUI thread; in
/// Python, under the GIL), together with every history that uses it.
class LIVEPIX_API UndoBudget {
public:
    explicit UndoBudget(std::size_t limitBytes = std::size_t(1) << 30) : m_limit(limitBytes) {}
    std::size_t limit() const { return m_limit; }
    /// Changes the limit, dropping oldest steps until the rest fits.
    void setLimit(std::size_t bytes);
    std::size_t used() const { return m_used; }

private:
    friend class History;
    void trim();
    std::vector<History *> m_histories;
    std::size_t m_limit;
    std::size_t m_used = 0;
    std::uint64_t m_sequence = 0;
};

/// The undo steps of one buffer: each commit() ends a unit of work (a
/// console cell, a script, a filter run, a burst of background writes) and
/// keeps the pages it changed as one labelled step. undo()/redo() swap the
/// bytes back and forth exactly; the clean mark (the saved state) follows
/// the bytes both ways.
///
/// A unit whose writes went unseen (WriteTracker::unprotectAll) or whose
/// step does not fit the budget cannot be undone: older steps are dropped
/// too (undoing them across an unrecorded change would be wrong) and
/// commit() says so.
///
/// Threading: one thread at a time (see UndoBudget). The writes themselves
/// may come from any thread at any time; the tracker sees them.
class LIVEPIX_API History {
public:
    struct Entry {
        std::string label;
        std::size_t bytes = 0;
    };
    enum class Commit {
        NoChange,    ///< no byte changed: no step
        Added,       ///< a new undo step
        NotUndoable, ///< changed, but cannot be undone (see lastProblem())
    };

    /// Starts tracking the buffer's writes (enableWriteTracking()).
    History(PixelBufferPtr buffer, std::shared_ptr<UndoBudget> budget);
    ~History();
    History(const History &) = delete;
    History &operator=(const History &) = delete;

    /// Ends the open unit of work: record(tracker().takeChanges(), label).
    Commit commit(const std::string &label);
    /// Adds a unit's changes (taken from this history's tracker, maybe on
    /// another thread) as a step. Drops the redo steps when it changed pixels.
    /// Throws std::logic_error for changes of another buffer.
    Commit record(WriteStep change, const std::string &label);
    /// True while writes are waiting for a commit().
    bool hasOpenWrites() const { return m_tracker.hasOpenWrites(); }
    WriteTracker &tracker() { return m_tracker; }
    const PixelBufferPtr &buffer() const { return m_buffer; }

    bool canUndo() const { return m_position > 0; }
    bool canRedo() const { return m_position < m_entries.size(); }
    /// Undoes / redoes one step (false if there is none). Open writes are
    /// not committed by these: callers commit first (see DESIGN.md).
    bool undo();
    bool redo();
    /// Undoes or redoes until `position` steps are applied.
    void jumpTo(std::size_t position);

    /// Steps oldest first; the first position() of them are applied.
    std::vector<Entry> entries() const;
    std::size_t position() const { return m_position; }
    std::size_t count() const { return m_entries.size(); }
    std::size_t bytes() const;

    /// Identifies the current state of the pixels: each step's state has its
    /// own id, never reused, so a state that was dropped never comes back.
    std::uint64_t stateId() const { return m_position ? m_entries[m_position - 1].sequence : m_baseState; }
    /// The pixels equal the saved ones (no open writes counted).
    bool isClean() const { return m_clean == stateId(); }
    /// The current pixels are what was saved.
    void markClean() { m_clean = stateId(); }
    /// The pixels of state `id` (a stateId() taken earlier) were saved.
    void markCleanAt(std::uint64_t id) { m_clean = id; }
    /// Why the last commit() could not add a step, or empty.
    const std::string &lastProblem() const { return m_problem; }
    /// Drops every step (the pixels stay as they are).
    void clear();

private:
    friend class UndoBudget;
    struct Step {
        Entry entry;
        WriteStep change;
        std::uint64_t sequence = 0;
    };
    void dropOldest();
    void dropAll();

    PixelBufferPtr m_buffer;
    WriteTracker &m_tracker;
    std::shared_ptr<UndoBudget> m_budget;
    std::vector<Step> m_entries;
    std::size_t m_position = 0;
    // State ids: m_baseState is the state before the oldest kept step; the
    // saved state's id is m_clean. Starts clean: a document equals its file.
    std::uint64_t m_baseState;
    std::uint64_t m_clean;
    std::string m_problem;
};

} // namespace livepix
