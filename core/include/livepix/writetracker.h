#pragma once
// WriteTracker: sees every write into one pixel buffer, whoever makes it.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "livepix/export.h"

namespace livepix {

class PixelBuffer;
class WriteTracker;

namespace detail {
class ShadowMap;
struct PinnedBytes;
struct TrackerLink;
} // namespace detail

/// The bytes one unit of work changed, as they were before it (or, after
/// WriteTracker::swap(), as they were after it): page-sized runs kept in a
/// sparse private mapping laid out like the buffer, so a step holds memory
/// for the pages that changed and nothing else.
///
/// Threading: a plain value; one thread at a time.
class LIVEPIX_API WriteStep {
public:
    struct Run {
        std::size_t offset = 0; ///< from the buffer's first byte
        std::size_t length = 0;
    };

    WriteStep();
    ~WriteStep();
    WriteStep(WriteStep &&) noexcept;
    WriteStep &operator=(WriteStep &&) noexcept;

    /// True when the unit changed no byte (rewriting equal values included)
    /// and was tracked all along.
    bool empty() const { return m_runs.empty() && m_notUndoable.empty(); }
    /// Memory the step holds: the changed pages, or the whole 2 MiB chunk
    /// where a large unit's old bytes sit in a huge page (kept whole).
    std::size_t bytes() const { return m_bytes; }
    const std::vector<Run> &runs() const { return m_runs; }
    /// Non-empty when the step cannot be undone (and why).
    const std::string &notUndoableReason() const { return m_notUndoable; }

private:
    friend class WriteTracker;
    /// Moves the pages of m_wholeChunks into the tracker's pool of warm
    /// chunks (as far as it takes them); the rest go with the mapping.
    void recycle();
    std::shared_ptr<detail::ShadowMap> m_shadow;
    std::vector<Run> m_runs;
    /// Offsets of the 2 MiB-aligned chunks of m_shadow it holds whole
    /// (committed in full): what recycle() can hand on.
    std::vector<std::size_t> m_wholeChunks;
    std::size_t m_bytes = 0;
    std::string m_notUndoable;
    std::uint64_t m_tracker = 0; ///< WriteTracker::id() of its tracker; 0: none
};

/// The buffer's bytes as they were when WriteTracker::pin() was called,
/// readable while writers go on: the first write into a chunk after the pin
/// copies that chunk aside before it lands, so a snapshot holds memory only
/// for the chunks written since (bytes()), not a copy of the image. For
/// saving a consistent image off the GUI thread while scripts keep writing.
///
/// If the tracker goes away first (its buffer is freed), it copies the
/// chunks not yet copied, so the snapshot stays readable.
///
/// Threading: read() and bytes() from any thread, several at once; the
/// destructor on any thread.
class LIVEPIX_API WriteSnapshot {
public:
    ~WriteSnapshot(); ///< ends the pin: writes stop copying chunks aside
    WriteSnapshot(const WriteSnapshot &) = delete;
    WriteSnapshot &operator=(const WriteSnapshot &) = delete;

    /// Copies the pinned bytes [offset, offset + length), counted from the
    /// buffer's first byte, to `to`. Throws std::out_of_range past its end.
    void read(std::size_t offset, std::size_t length, void *to) const;
    /// Memory the snapshot holds: the chunks copied aside so far.
    std::size_t bytes() const;

private:
    friend class WriteTracker;
    WriteSnapshot(std::shared_ptr<detail::PinnedBytes> pinned, std::shared_ptr<detail::TrackerLink> link);
    std::shared_ptr<detail::PinnedBytes> m_pinned;
    std::shared_ptr<detail::TrackerLink> m_link;
};

/// Tracks writes into one PixelBuffer by copy-on-first-write: the buffer is
/// write-protected in chunks of at most 2 MiB (aligned to 2 MiB addresses, so
/// huge pages stay whole and few mappings are split); the first write into a
/// chunk faults, the SIGSEGV handler copies the chunk into a shadow mapping,
/// makes the chunk writable and lets the write go on. takeChanges() compares
/// the dirty chunks with their shadow page by page and keeps only the pages
/// that differ. The writer can be anything in this process: NumPy on any
/// thread, C++ plugins on pool threads, OpenImageIO, ctypes.
///
/// What it cannot see: system calls writing into protected memory get EFAULT
/// instead of a fault (`f.readinto(row)` raises OSError "Bad address"); the
/// write fails cleanly and nothing is corrupted. Write into an unprotected
/// copy and assign, or call unprotectAll() first (then the unit is not
/// undoable; takeChanges() says so).
///
/// Every first write into a chunk also bumps the buffer's revision, so views
/// of writers nobody announces go stale for at most one rearm() period.
///
/// Threading: every member is safe from any thread. The fault path is
/// lock-free; takeChanges(), rearm(), swap() and unprotectAll() briefly hold
/// writers back (they spin in the handler) while they change protections.
class LIVEPIX_API WriteTracker {
public:
    static constexpr std::size_t ChunkBytes = std::size_t(2) << 20;

    /// Starts tracking `buffer` (which must come from PixelBuffer::allocate:
    /// page aligned, whole pages of its own). Protects all of it.
    explicit WriteTracker(PixelBuffer &buffer);
    ~WriteTracker(); ///< completes a live snapshot, then unprotects the buffer
    WriteTracker(const WriteTracker &) = delete;
    WriteTracker &operator=(const WriteTracker &) = delete;

    /// Ends the open unit: the pages changed since the last call, with their
    /// earlier bytes. Re-protects what was written.
    WriteStep takeChanges();
    /// True when some chunk was written since the last takeChanges().
    bool hasOpenWrites() const;
    /// Number of write faults handled so far; a change means new writes.
    std::uint64_t writeCount() const;
    /// Write-protects the chunks written since the last rearm() again
    /// (keeping their shadows), so that further writes into them are seen
    /// (writeCount(), revision) without ending the unit.
    void rearm();
    /// rearm(), unless another thread is changing protections right now
    /// (takeChanges() copying a unit out, swap(), pin()) or a writer is in
    /// the fault handler (copying a chunk): then false, at once. What it would have re-protected stays open, which
    /// changedSince() reports as possibly changed. For the GUI thread,
    /// which must not wait for a unit of work to be copied.
    bool tryRearm();
    /// Exchanges the step's bytes with the buffer's: applied to a step from
    /// takeChanges() it undoes the unit; applied again, redoes it. Works while
    /// a unit is open: the open unit does not count the swapped bytes as its
    /// own change. Throws std::logic_error for a step of another tracker.
    void swap(WriteStep &step);
    /// Lifts the protection (for system calls that write into the buffer);
    /// the open unit becomes not undoable. The next takeChanges() protects again.
    void unprotectAll(const std::string &reason);
    /// Pins the bytes as they are now (see WriteSnapshot). Costs write
    /// protection of the chunks written since the last rearm(), no copy.
    /// Up to four snapshots of one tracker live at once (each chunk written
    /// is then copied for each). Returns nullptr while the buffer is
    /// unprotected (unprotectAll()) or four snapshots are alive: callers
    /// copy instead.
    std::shared_ptr<WriteSnapshot> pin();
    /// Runs `replace` with every writer of the buffer held back: the whole
    /// buffer is read-only meanwhile (writers wait in the fault handler) and
    /// afterwards each chunk gets the protection its state needs again. For
    /// PixelBuffer::shareMemory(), whose MAP_FIXED mapping resets them.
    void replaceMemory(const std::function<void()> &replace);

    /// A position in the tracker's history of chunk changes. A cache of
    /// something derived from the pixels (a display conversion) reads it
    /// before it reads the pixels, and later asks changedSince() with it.
    std::uint64_t changeEpoch() const;
    /// The bytes that may differ from what a reader saw after reading
    /// `epoch` (from changeEpoch()): every chunk written since (re-protected
    /// or ended by takeChanges() since, or swapped), and every chunk open for
    /// writing now, which may change at any moment. A chunk re-protected by
    /// rearm() and not written again is not named again when takeChanges()
    /// ends its unit: so a reader that calls rearm() before changeEpoch()
    /// (the viewer's "pixels may have changed") learns that nothing was
    /// written since, and need not redraw. Whole chunks, as offsets
    /// from the buffer's first byte, ascending, neighbours merged; empty when
    /// nothing can have changed. Writes that bypass the tracker (another
    /// process writing shared memory) are not seen: callers check
    /// PixelBuffer::isShared(). changedSince(0) is the whole buffer.
    std::vector<WriteStep::Run> changedSince(std::uint64_t epoch) const;

    std::size_t chunkCount() const;
    /// True when `step` came from this tracker (an empty default step too).
    bool owns(const WriteStep &step) const { return !step.m_tracker || step.m_tracker == id(); }
    /// Process-unique, never reused (a new tracker at the address of a dead
    /// one is still another tracker, so its steps are refused).
    std::uint64_t id() const;

    /// Process-wide pool of warm 2 MiB chunks. Fresh pages cost far more
    /// than the bytes copied into them, so the memory of a dropped undo step
    /// and of the tracker's spare workspace is kept here (moved, not copied)
    /// and moved where a unit's step or shadow needs memory next. Bounded by
    /// setPoolLimit() (default 256 MiB, at most 4 GiB; 0 turns it off);
    /// poolBytes() is what it holds now. Any thread.
    static std::size_t poolBytes();
    static void setPoolLimit(std::size_t bytes);

    /// Process-wide: after a write fault opens a chunk, 8 bytes (a uint64
    /// 1) are written to `fd` (an eventfd; -1 for none), so that a thread
    /// can sleep until writers nobody announced show up. Any thread.
    static void setWriteNotifyFd(int fd);
    /// Puts the fault handler back on top if another SIGSEGV handler was
    /// installed since (e.g. faulthandler.enable() in the console); cheap,
    /// callers do it when a unit of work starts. Any thread.
    static void ensureFaultHandler();

private:
    friend class WriteSnapshot;
    class Core;
    /// Ends the pin of `pinned` (from ~WriteSnapshot).
    void unpin(const detail::PinnedBytes *pinned);
    std::unique_ptr<Core> m_core;
    std::shared_ptr<detail::TrackerLink> m_link;
};

} // namespace livepix
