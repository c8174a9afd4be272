#pragma once
// UndoHistory: per-document undo/redo of filter runs, within a memory budget.
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <livepix/image.h>

namespace livepix::gui {

/// Undo and redo for in-place edits, one history per owner (a Document),
/// all sharing one byte budget.
///
/// Each step keeps the image it changed (a handle to the shared buffer) and
/// one copy of the pixels from before the change. Undo and redo swap the
/// bytes of the image and of that copy, so a step costs exactly one image
/// worth of memory whichever way it was last applied, and undo/redo allocate
/// nothing. When a push brings the total over the budget, the oldest undo
/// steps (of any owner) are dropped; a step larger than the whole budget is
/// never kept: callers ask fits() first and warn the user.
///
/// Threading: GUI thread only (plain class, no locking). The image bytes
/// are swapped without synchronisation, like every other edit.
class UndoHistory {
public:
    explicit UndoHistory(std::size_t budgetBytes = std::size_t(1) << 30);

    /// Bytes a step for `image` keeps: width x height x channels x component.
    static std::size_t bytesFor(const Image &image);

    std::size_t budget() const { return m_budget; }
    /// Changes the budget, dropping old steps if they no longer fit.
    void setBudget(std::size_t bytes);
    std::size_t usedBytes() const { return m_used; }
    bool fits(const Image &image) const { return bytesFor(image) <= m_budget; }

    /// Records that `target` was changed; `before` holds its earlier pixels
    /// (same size, channels and dtype; taken over, not copied). Drops the
    /// owner's redo steps. Returns false (and keeps nothing) when the step
    /// alone exceeds the budget.
    bool push(const void *owner, std::string text, Image target, Image before);

    bool canUndo(const void *owner) const;
    bool canRedo(const void *owner) const;
    /// Text of the step undo()/redo() would apply ("Invert"), or empty.
    std::string undoText(const void *owner) const;
    std::string redoText(const void *owner) const;
    /// Applies the step; returns the changed image (null if nothing to do).
    Image undo(const void *owner);
    Image redo(const void *owner);

    /// Steps of an owner: undoable + redoable.
    int count(const void *owner) const;
    void clear(const void *owner);

private:
    struct Step {
        std::string text;
        Image target;
        Image stored;
        std::uint64_t sequence = 0;
        std::size_t bytes = 0;
    };
    struct History {
        std::vector<Step> steps;
        std::size_t done = 0; ///< steps[0, done) are applied (undoable)
    };
    void trim();
    static void swapPixels(const Image &a, const Image &b);

    std::map<const void *, History> m_histories;
    std::size_t m_budget;
    std::size_t m_used = 0;
    std::uint64_t m_sequence = 0;
};

} // namespace livepix::gui
