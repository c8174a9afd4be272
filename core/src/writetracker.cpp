#include "livepix/writetracker.h"

#include "livepix/pixelbuffer.h"
#include "chunkpool.h"
#include "shadowmap.h"
#include "writefault.h"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <deque>
#include <mutex>
#include <stdexcept>

#include <sched.h>
#include <sys/mman.h>
#include <unistd.h>

namespace livepix {

namespace {

// A chunk's life: Clean (protected, shadow unused) -> first write: Busy while
// the handler copies it -> Dirty (writable, shadow holds the bytes from
// before the unit). rearm(): Dirty -> Armed (protected again, shadow kept);
// the next write: Armed -> Busy -> Dirty without copying.
enum ChunkState : std::uint8_t { Clean, Busy, Dirty, Armed };

std::atomic<int> g_notifyFd{-1};
// How much of a tracker's shadow stays committed between units. Units that
// dirty more than this hand the shadow's pages to their step instead.
constexpr std::size_t WorkspaceBytes = std::size_t(64) << 20;
std::atomic<std::uint64_t> g_nextTrackerId{1};

std::size_t pageBytes()
{
    static const std::size_t bytes = std::size_t(::sysconf(_SC_PAGESIZE));
    return bytes;
}

/// Calls `run(k, end)` for each run chunks[k .. end) of neighbouring chunk
/// indices (`chunks` ascending) whose positions all satisfy `keep`, so that
/// one system call can cover each run.
template <typename Keep, typename Run>
void forEachRunOfNeighbours(const std::vector<std::size_t> &chunks, Keep keep, Run run)
{
    for (std::size_t k = 0; k < chunks.size();) {
        if (!keep(k)) {
            ++k;
            continue;
        }
        std::size_t end = k + 1;
        while (end < chunks.size() && chunks[end] == chunks[end - 1] + 1 && keep(end))
            ++end;
        run(k, end);
        k = end;
    }
}

/// Appends [offset, offset + length) to `runs` (ascending), extending the
/// last run when the two touch.
void appendRun(std::vector<WriteStep::Run> &runs, std::size_t offset, std::size_t length)
{
    if (!runs.empty() && runs.back().offset + runs.back().length == offset)
        runs.back().length += length;
    else
        runs.push_back({offset, length});
}

} // namespace

namespace detail {

// What a WriteSnapshot reads: per chunk, whether its pinned bytes are still
// the buffer's own (InPlace) or were copied aside before a write (Copied).
// A chunk goes InPlace -> Copying -> Copied once, by whoever holds it (the
// fault handler with the chunk Busy, or the tracker under Exclusive).
struct PinnedBytes {
    enum : std::uint8_t { InPlace, Copying, Copied };

    PinnedBytes(const std::uint8_t *bufferData, std::size_t bufferBytes, std::size_t chunks,
                std::shared_ptr<ShadowMap> shadow)
        : data(bufferData), size(bufferBytes), firstChunkBytes(std::size_t(WriteTracker::ChunkBytes) -
                                                                  reinterpret_cast<std::uintptr_t>(bufferData) %
                                                                      WriteTracker::ChunkBytes),
          chunkCount(chunks), states(new std::atomic<std::uint8_t>[chunks]), copies(std::move(shadow))
    {
        for (std::size_t i = 0; i < chunkCount; ++i)
            states[i].store(InPlace);
    }

    std::size_t chunkOf(std::size_t offset) const
    {
        return offset < firstChunkBytes ? 0 : 1 + (offset - firstChunkBytes) / WriteTracker::ChunkBytes;
    }
    std::size_t chunkEnd(std::size_t i) const
    {
        return std::min(size, firstChunkBytes + i * WriteTracker::ChunkBytes);
    }
    std::size_t chunkStart(std::size_t i) const { return i == 0 ? 0 : chunkEnd(i - 1); }

    // Copies chunk i aside unless done already; before the first write into
    // it lands. Async-signal-safe (memcpy, madvise, atomics).
    void keep(std::size_t i) noexcept
    {
        if (states[i].load(std::memory_order_acquire) != InPlace)
            return;
        states[i].store(Copying, std::memory_order_seq_cst);
        // Orders the state before the write the caller lets through next: a
        // reader that sees that write also sees Copying (see readPiece).
        std::atomic_thread_fence(std::memory_order_release);
        const std::size_t offset = chunkStart(i);
        const std::size_t length = chunkEnd(i) - offset;
        copies->commit(offset, length);
        std::memcpy(copies->data() + offset, data + offset, length);
        bytes.fetch_add(length, std::memory_order_relaxed);
        states[i].store(Copied, std::memory_order_release);
    }

    // Reads [offset, offset + length) of chunk i as pinned. A seqlock: bytes
    // read in place count only if the chunk was still InPlace after reading.
    void readPiece(std::size_t i, std::size_t offset, std::size_t length, std::uint8_t *to) const
    {
        if (states[i].load(std::memory_order_acquire) == InPlace) {
            std::memcpy(to, data + offset, length);
            std::atomic_thread_fence(std::memory_order_acquire);
            if (states[i].load(std::memory_order_relaxed) == InPlace)
                return;
        }
        while (states[i].load(std::memory_order_acquire) != Copied)
            sched_yield();
        std::memcpy(to, copies->data() + offset, length);
    }

    const std::uint8_t *data;
    std::size_t size;            // the mapped bytes
    std::size_t firstChunkBytes; // chunk 0 starts at the buffer, before an aligned boundary
    std::size_t chunkCount;
    std::unique_ptr<std::atomic<std::uint8_t>[]> states;
    std::shared_ptr<ShadowMap> copies; // laid out like the buffer
    std::atomic<std::size_t> bytes{0};
};

// Lets a snapshot end its pin while the tracker lives, and lets a tracker
// that goes first tell its snapshots so.
struct TrackerLink {
    std::mutex mutex;
    WriteTracker *tracker = nullptr; // under mutex
};

} // namespace detail

WriteSnapshot::WriteSnapshot(std::shared_ptr<detail::PinnedBytes> pinned, std::shared_ptr<detail::TrackerLink> link)
    : m_pinned(std::move(pinned)), m_link(std::move(link))
{
}

WriteSnapshot::~WriteSnapshot()
{
    std::lock_guard<std::mutex> lock(m_link->mutex);
    if (m_link->tracker)
        m_link->tracker->unpin(m_pinned.get());
}

void WriteSnapshot::read(std::size_t offset, std::size_t length, void *to) const
{
    const detail::PinnedBytes &pinned = *m_pinned;
    if (offset > pinned.size || length > pinned.size - offset)
        throw std::out_of_range("write snapshot: read past the end of the buffer");
    auto *out = static_cast<std::uint8_t *>(to);
    while (length > 0) {
        const std::size_t i = pinned.chunkOf(offset);
        const std::size_t piece = std::min(length, pinned.chunkEnd(i) - offset);
        pinned.readPiece(i, offset, piece, out);
        offset += piece;
        out += piece;
        length -= piece;
    }
}

std::size_t WriteSnapshot::bytes() const
{
    return m_pinned->bytes.load(std::memory_order_relaxed);
}

WriteStep::WriteStep() = default;
WriteStep::WriteStep(WriteStep &&) noexcept = default;

WriteStep::~WriteStep()
{
    recycle();
}

WriteStep &WriteStep::operator=(WriteStep &&other) noexcept
{
    if (this != &other) {
        recycle();
        m_shadow = std::move(other.m_shadow);
        m_runs = std::move(other.m_runs);
        m_wholeChunks = std::move(other.m_wholeChunks);
        m_bytes = other.m_bytes;
        m_notUndoable = std::move(other.m_notUndoable);
        m_tracker = other.m_tracker;
        other.m_wholeChunks.clear();
    }
    return *this;
}

void WriteStep::recycle()
{
    if (!m_shadow || m_shadow.use_count() != 1)
        return;
    detail::ChunkPool &pool = detail::ChunkPool::instance();
    for (std::size_t offset : m_wholeChunks)
        if (!pool.give(m_shadow->data() + offset))
            break; // full: the rest goes back to the kernel with the mapping
    m_wholeChunks.clear();
}

class WriteTracker::Core final : public detail::WriteFaultTarget {
public:
    Core(PixelBuffer &buffer);
    ~Core();

    bool onWriteFault(std::uintptr_t address) noexcept override;

    // Holds fault handlers back (they spin) while protections change.
    class Exclusive {
    public:
        explicit Exclusive(Core &core) : m_core(core), m_lock(core.m_exclusiveMutex)
        {
            m_core.m_locked.store(true, std::memory_order_seq_cst);
            while (m_core.m_active.load(std::memory_order_seq_cst) != 0)
                sched_yield();
        }
        /// Waits for nobody: when another thread holds it, or a writer is
        /// in the fault handler (copying a chunk), owns() is false.
        Exclusive(Core &core, std::try_to_lock_t) : m_core(core), m_lock(core.m_exclusiveMutex, std::try_to_lock)
        {
            if (!owns())
                return;
            m_core.m_locked.store(true, std::memory_order_seq_cst);
            if (m_core.m_active.load(std::memory_order_seq_cst) != 0) {
                m_core.m_locked.store(false, std::memory_order_seq_cst);
                m_lock.unlock();
            }
        }
        ~Exclusive()
        {
            if (owns())
                m_core.m_locked.store(false, std::memory_order_seq_cst);
        }
        bool owns() const { return m_lock.owns_lock(); }

    private:
        Core &m_core;
        std::unique_lock<std::mutex> m_lock;
    };

    std::uint8_t *chunkBegin(std::size_t i) const { return std::max(m_data, m_span + i * ChunkBytes); }
    std::uint8_t *chunkEnd(std::size_t i) const { return std::min(m_data + m_mapped, m_span + (i + 1) * ChunkBytes); }
    /// Sets the protection of chunks i to `last` (default: i alone).
    void protect(std::size_t i, int protection, std::size_t last = 0) const;
    void protectOpenChunks(const std::vector<std::size_t> &chunks) const;
    /// Write-protects the chunks open for writing again (Dirty -> Armed),
    /// keeping their unit shadows, so that their next write is seen. Under
    /// Exclusive, while the buffer is protected.
    /// One mprotect per run of neighbours (protectOpenChunks()): each call
    /// costs a TLB shootdown on every CPU running this process (on a VM, a
    /// few tens of us), and the GUI thread pays it before each frame it
    /// shows (WriteTracker::tryRearm()).
    void armOpenChunks()
    {
        std::vector<std::size_t> open;
        for (std::size_t i = 0; i < m_chunkCount; ++i)
            if (m_states[i].load() == Dirty)
                open.push_back(i);
        protectOpenChunks(open);
        for (std::size_t i : open) {
            m_states[i].store(Armed);
            stamp(i);
        }
    }
    /// Copies chunk i into its shadow: the baseline of a unit. A cold
    /// shadow (not in the warm workspace) would commit 512 fresh pages; a
    /// whole chunk asks for one huge page instead. Async-signal-safe; the
    /// caller holds the chunk (Busy in the handler, or Exclusive).
    void copyToShadow(std::size_t i)
    {
        prepareShadow(i);
        std::uint8_t *begin = chunkBegin(i);
        std::memcpy(m_shadowData.load(std::memory_order_acquire) + (begin - m_data), begin,
                    std::size_t(chunkEnd(i) - begin));
    }
    /// The huge-page request of copyToShadow(), for callers that fill the
    /// whole shadow chunk themselves.
    void prepareShadow(std::size_t i)
    {
        const std::size_t offset = std::size_t(chunkBegin(i) - m_data);
        if (isWholeChunk(i) && !m_isResident[i] && !m_hugeShadow[i] && m_shadow->adviseHuge(offset, ChunkBytes))
            m_hugeShadow[i] = 1;
    }
    /// True when chunk i's shadow is a whole aligned 2 MiB (one huge page,
    /// movable to and from the pool): every full chunk, and the clipped last
    /// chunk of an aligned buffer, whose shadows are rounded up to it.
    bool isWholeChunk(std::size_t i) const
    {
        return std::size_t(chunkEnd(i) - chunkBegin(i)) == ChunkBytes || (m_data == m_span && i + 1 == m_chunkCount);
    }
    void collectChanges(std::size_t i, WriteStep &step, bool release) const;
    void keepResident(std::size_t i);
    /// Lets chunk i's shadow pages go (committed whole: a resident chunk):
    /// into the pool of warm chunks, else back to the kernel.
    void releaseShadow(std::size_t i) const
    {
        const std::size_t offset = std::size_t(chunkBegin(i) - m_data);
        if (isWholeChunk(i) && detail::ChunkPool::instance().give(m_shadow->data() + offset))
            return;
        m_shadow->release(offset, std::size_t(chunkEnd(i) - chunkBegin(i)));
    }
    void trimResident();
    void giveRunsToStep(WriteStep &step, const std::vector<std::size_t> &dirty, const std::vector<std::size_t> &changed);
    void prefillShadow(const std::vector<std::size_t> &dirty);
    /// A shadow laid out like the buffer, its whole chunks huge-page aligned;
    /// for an aligned buffer rounded up to whole chunks (see isWholeChunk()).
    std::shared_ptr<detail::ShadowMap> newShadow() const
    {
        const std::size_t bytes = m_data == m_span ? (m_mapped + ChunkBytes - 1) / ChunkBytes * ChunkBytes : m_mapped;
        return std::make_shared<detail::ShadowMap>(bytes, ChunkBytes,
                                                   reinterpret_cast<std::uintptr_t>(m_data) % ChunkBytes);
    }
    void forgetResident();
    void swapChunkPart(std::size_t i, std::size_t offset, std::size_t length, std::uint8_t *stored);

    PixelBuffer &m_buffer;
    std::uint8_t *m_data;
    std::size_t m_mapped;
    std::uint8_t *m_span; // m_data rounded down to a chunk boundary
    std::size_t m_chunkCount;
    std::unique_ptr<std::atomic<std::uint8_t>[]> m_states;
    std::shared_ptr<detail::ShadowMap> m_shadow; // changed under Exclusive only
    std::atomic<std::uint8_t *> m_shadowData;    // what the handler copies into
    std::atomic<int> m_active{0};
    std::atomic<bool> m_locked{false};
    std::atomic<std::uint64_t> m_writeCount{0};
    // changeEpoch()/changedSince(): a counter and, per chunk, the counter
    // value from when it last stopped being open for writing (see stamp()).
    std::atomic<std::uint64_t> m_epoch{1};
    std::unique_ptr<std::atomic<std::uint64_t>[]> m_chunkEpochs;
    /// Records that chunk i may have changed up to now: called after it
    /// stops being open for writing (Dirty -> Armed or Clean, under
    /// Exclusive, so the writes it let through have landed) or after its
    /// bytes were replaced. In flux first, so a reader that sees the new
    /// counter value also sees the chunk as changed (it reads the counter,
    /// then the chunk).
    void stamp(std::size_t i)
    {
        m_chunkEpochs[i].store(InFlux, std::memory_order_seq_cst);
        m_chunkEpochs[i].store(m_epoch.fetch_add(1, std::memory_order_seq_cst) + 1, std::memory_order_seq_cst);
    }
    static constexpr std::uint64_t InFlux = ~std::uint64_t(0);
    const std::uint64_t m_id = g_nextTrackerId.fetch_add(1);
    std::mutex m_exclusiveMutex;
    std::string m_unprotectedReason; // under Exclusive; non-empty: nothing is protected
    // Chunks of m_shadow whose pages stay committed between units, oldest
    // first (under Exclusive): a fault into them copies into warm memory
    // instead of fresh pages, which cost far more than the copy itself.
    std::deque<std::size_t> m_resident;
    std::vector<bool> m_isResident;
    // Per chunk, non-zero when its shadow in m_shadow asked for a huge page
    // (a cold whole chunk copied in the handler): kept or released whole,
    // never page by page. Written by the handler that holds the chunk Busy,
    // read under Exclusive; separate bytes, so handlers never share one.
    std::unique_ptr<std::uint8_t[]> m_hugeShadow;
    // The live snapshots' bytes (pin()); a save and a crash-recovery
    // checkpoint may pin at once. Set and cleared under Exclusive; the
    // handler reads the raw pointers, which the owners keep valid while set.
    static constexpr int MaxPins = 4;
    std::shared_ptr<detail::PinnedBytes> m_pinOwners[MaxPins];
    std::atomic<detail::PinnedBytes *> m_pins[MaxPins] = {};
    /// Copies chunk i aside for every live snapshot (before a write). The
    /// caller holds the chunk. Async-signal-safe.
    void keepPinned(std::size_t i) noexcept
    {
        for (auto &pin : m_pins)
            if (detail::PinnedBytes *pinned = pin.load(std::memory_order_acquire))
                pinned->keep(i);
    }
    /// Copies every chunk the snapshots have not copied yet (the buffer is
    /// about to change without faults). Under Exclusive.
    void completePins()
    {
        for (std::size_t i = 0; i < m_chunkCount; ++i)
            keepPinned(i);
    }
    int m_slot = -1;
};

WriteTracker::Core::Core(PixelBuffer &buffer)
    : m_buffer(buffer), m_data(buffer.data()), m_mapped(buffer.capacity())
{
    const auto address = reinterpret_cast<std::uintptr_t>(m_data);
    if (address % pageBytes() != 0 || m_mapped % pageBytes() != 0)
        throw std::invalid_argument("write tracking needs a page-aligned buffer of whole pages");
    m_span = m_data - address % ChunkBytes;
    m_chunkCount = (m_data + m_mapped - m_span + ChunkBytes - 1) / ChunkBytes;
    m_states.reset(new std::atomic<std::uint8_t>[m_chunkCount]);
    m_isResident.assign(m_chunkCount, false);
    m_hugeShadow.reset(new std::uint8_t[m_chunkCount]());
    m_chunkEpochs.reset(new std::atomic<std::uint64_t>[m_chunkCount]);
    for (std::size_t i = 0; i < m_chunkCount; ++i) {
        m_states[i].store(Clean);
        m_chunkEpochs[i].store(1); // changed since epoch 0: before tracking began
    }
    m_shadow = newShadow();
    m_shadowData.store(m_shadow->data());
    m_slot = detail::registerWriteFaultRange(address, address + m_mapped, this);
    if (::mprotect(m_data, m_mapped, PROT_READ) != 0) {
        detail::unregisterWriteFaultRange(m_slot);
        throw std::runtime_error("write tracking: cannot protect the pixel buffer");
    }
}

WriteTracker::Core::~Core()
{
    for (std::size_t i : m_resident)
        releaseShadow(i); // warm memory for the next image's units
    // Writable first: a write racing with this must not fault once the
    // range is no longer ours (it would reach the chained handler).
    ::mprotect(m_data, m_mapped, PROT_READ | PROT_WRITE);
    detail::unregisterWriteFaultRange(m_slot);
}

// Runs in the SIGSEGV handler: atomics, memcpy, mprotect, madvise,
// sched_yield only.
bool WriteTracker::Core::onWriteFault(std::uintptr_t address) noexcept
{
    m_active.fetch_add(1, std::memory_order_seq_cst);
    while (m_locked.load(std::memory_order_seq_cst)) {
        m_active.fetch_sub(1, std::memory_order_seq_cst);
        while (m_locked.load(std::memory_order_seq_cst))
            sched_yield();
        m_active.fetch_add(1, std::memory_order_seq_cst);
    }
    const std::size_t i = (address - reinterpret_cast<std::uintptr_t>(m_span)) / ChunkBytes;
    std::atomic<std::uint8_t> &state = m_states[i];
    bool retry = true;
    for (;;) {
        std::uint8_t seen = state.load(std::memory_order_acquire);
        if (seen == Dirty)
            break; // another thread opened it meanwhile
        if (seen == Busy) {
            sched_yield();
            continue;
        }
        if (!state.compare_exchange_weak(seen, Busy, std::memory_order_acq_rel))
            continue;
        std::uint8_t *begin = chunkBegin(i);
        const std::size_t length = std::size_t(chunkEnd(i) - begin);
        if (seen == Clean)
            copyToShadow(i);
        keepPinned(i);
        if (::mprotect(begin, length, PROT_READ | PROT_WRITE) != 0) {
            state.store(seen, std::memory_order_release);
            retry = false; // let the chained handler report the crash
            break;
        }
        state.store(Dirty, std::memory_order_release);
        m_writeCount.fetch_add(1, std::memory_order_acq_rel);
        m_buffer.markChanged();
        if (const int fd = g_notifyFd.load(std::memory_order_acquire); fd >= 0) {
            const std::uint64_t one = 1;
            [[maybe_unused]] const ssize_t written = ::write(fd, &one, sizeof one); // a full eventfd only means "awake already"
        }
        break;
    }
    m_active.fetch_sub(1, std::memory_order_seq_cst);
    return retry;
}

void WriteTracker::Core::protect(std::size_t i, int protection, std::size_t last) const
{
    last = std::max(i, last);
    if (::mprotect(chunkBegin(i), std::size_t(chunkEnd(last) - chunkBegin(i)), protection) != 0)
        throw std::runtime_error("write tracking: mprotect failed (too many mappings? see vm.max_map_count)");
}

// Write-protects the open (Dirty) chunks among `chunks` (ascending), one
// mprotect per run of neighbours.
void WriteTracker::Core::protectOpenChunks(const std::vector<std::size_t> &chunks) const
{
    forEachRunOfNeighbours(
        chunks, [&](std::size_t k) { return m_states[chunks[k]].load() == Dirty; },
        [&](std::size_t k, std::size_t end) { protect(chunks[k], PROT_READ, chunks[end - 1]); });
}

// Compares chunk i with its shadow a page at a time: changed pages become
// runs of the step; with `release`, unchanged ones go back to the kernel.
void WriteTracker::Core::collectChanges(std::size_t i, WriteStep &step, bool release) const
{
    const std::size_t page = pageBytes();
    detail::ShadowMap &shadow = *m_shadow;
    const std::size_t first = std::size_t(chunkBegin(i) - m_data);
    const std::size_t last = std::size_t(chunkEnd(i) - m_data);
    // A huge page would be split by releasing part of it (and held whole
    // until the kernel gets round to it): it is kept whole, and counted so.
    const bool whole = release && m_hugeShadow[i];
    const std::size_t bytesBefore = step.m_bytes;
    std::size_t unchangedFrom = first;
    for (std::size_t offset = first; offset < last; offset += page) {
        if (std::memcmp(m_data + offset, shadow.data() + offset, page) == 0)
            continue;
        if (release && !whole)
            shadow.release(unchangedFrom, offset - unchangedFrom);
        unchangedFrom = offset + page;
        appendRun(step.m_runs, offset, page);
        step.m_bytes += page;
    }
    if (whole && step.m_bytes != bytesBefore) {
        step.m_bytes = bytesBefore + ChunkBytes; // m_hugeShadow: a whole chunk (isWholeChunk())
        step.m_wholeChunks.push_back(first);
    } else if (whole) {
        releaseShadow(i); // unchanged: into the pool
    } else if (release) {
        shadow.release(unchangedFrom, last - unchangedFrom);
    }
}

// Gives a small unit's step the changed pages; the shadow stays as the warm
// workspace. A whole chunk of which half or more changed moves to the step,
// pages and all (no copy), and a chunk from the pool takes its place in the
// workspace. The other runs are copied into fresh memory: a whole changed
// chunk into one huge page, other runs committed in one call each.
// `changed[k]`: the bytes of chunk dirty[k] that changed. A moved chunk the
// pool has nothing for stays empty and leaves the workspace.
void WriteTracker::Core::giveRunsToStep(WriteStep &step, const std::vector<std::size_t> &dirty,
                                        const std::vector<std::size_t> &changed)
{
    step.m_shadow = newShadow();
    detail::ShadowMap &to = *step.m_shadow;
    std::uint8_t *from = m_shadow->data();
    std::vector<bool> moved(m_chunkCount, false);
    forEachRunOfNeighbours(
        dirty, [&](std::size_t k) { return isWholeChunk(dirty[k]) && 2 * changed[k] >= ChunkBytes; },
        [&](std::size_t k, std::size_t end) {
            const std::size_t offset = std::size_t(chunkBegin(dirty[k]) - m_data);
            if (detail::ChunkPool::move(from + offset, to.data() + offset, (end - k) * ChunkBytes))
                for (; k < end; ++k)
                    moved[dirty[k]] = true;
        });
    for (std::size_t k = 0; k < dirty.size(); ++k) {
        const std::size_t i = dirty[k];
        if (!moved[i])
            continue;
        const std::size_t offset = std::size_t(chunkBegin(i) - m_data);
        step.m_wholeChunks.push_back(offset);
        step.m_bytes += ChunkBytes - changed[k]; // it holds the whole chunk
        m_hugeShadow[i] = detail::ChunkPool::instance().take(from + offset) ? 1 : 0;
        if (!m_hugeShadow[i] && m_isResident[i]) { // no longer warm: its next copy asks for a huge page
            m_isResident[i] = false;
            m_resident.erase(std::find(m_resident.begin(), m_resident.end(), i));
        }
    }
    const std::size_t spanOffset = std::size_t(m_data - m_span); // offset 0 lies this far into chunk 0
    for (const WriteStep::Run &run : step.m_runs) {
        std::size_t offset = run.offset;
        const std::size_t end = run.offset + run.length;
        while (offset < end) { // piece by piece within chunks
            const std::size_t chunk = (offset + spanOffset) / ChunkBytes;
            const std::size_t length = std::min(end, (chunk + 1) * ChunkBytes - spanOffset) - offset;
            if (!moved[chunk]) {
                to.commit(offset, length);
                std::memcpy(to.data() + offset, from + offset, length);
            }
            offset += length;
        }
    }
}

// After a large unit gave its shadow to the step: the chunks it wrote start
// the next unit warm, as far as the pool has chunks. Memory moves from the
// pool into the workspace, so the process holds no more than before; the
// next small unit trims the workspace back to its size (into the pool).
void WriteTracker::Core::prefillShadow(const std::vector<std::size_t> &dirty)
{
    detail::ChunkPool &pool = detail::ChunkPool::instance();
    for (std::size_t i : dirty) {
        if (!isWholeChunk(i))
            continue;
        if (!pool.take(m_shadow->data() + (chunkBegin(i) - m_data)))
            return;
        m_hugeShadow[i] = 1;
        keepResident(i);
    }
}

// Keeps chunk i's shadow pages committed.
void WriteTracker::Core::keepResident(std::size_t i)
{
    if (!m_isResident[i]) {
        m_isResident[i] = true;
        m_resident.push_back(i);
    }
}

// Releases the oldest resident chunks beyond WorkspaceBytes. Only when every
// chunk is Clean (end of takeChanges): an open chunk's shadow is its baseline.
void WriteTracker::Core::trimResident()
{
    while (m_resident.size() * ChunkBytes > WorkspaceBytes) {
        const std::size_t oldest = m_resident.front();
        m_resident.pop_front();
        m_isResident[oldest] = false;
        releaseShadow(oldest);
    }
}

void WriteTracker::Core::forgetResident()
{
    for (std::size_t i : m_resident)
        m_isResident[i] = false;
    m_resident.clear();
}

// Swaps part of chunk i with `stored` while the chunk is open for writing
// with a fresh baseline, so that writes racing with the swap are still seen
// and the swap itself does not count as a change of the open unit.
void WriteTracker::Core::swapChunkPart(std::size_t i, std::size_t offset, std::size_t length, std::uint8_t *stored)
{
    std::uint8_t *shadow = m_shadow->data();
    const std::uint8_t state = m_states[i].load();
    if (m_unprotectedReason.empty() && state != Dirty) {
        if (state == Clean) {
            // The baseline is the chunk as it is after the swap: the part
            // swapped is copied below, so a whole chunk needs no copy first.
            if (length == std::size_t(chunkEnd(i) - chunkBegin(i)))
                prepareShadow(i);
            else
                copyToShadow(i);
            keepResident(i);
        }
        protect(i, PROT_READ | PROT_WRITE);
        m_states[i].store(Dirty);
    }
    keepPinned(i);
    // The swap, through the shadow (which ends up equal to the buffer, the
    // new baseline): three memcpys are several times faster than a
    // byte-wise std::swap_ranges.
    std::memcpy(shadow + offset, stored + offset, length);
    std::memcpy(stored + offset, m_data + offset, length);
    std::memcpy(m_data + offset, shadow + offset, length);
}

WriteTracker::WriteTracker(PixelBuffer &buffer)
    : m_core(std::make_unique<Core>(buffer)), m_link(std::make_shared<detail::TrackerLink>())
{
    m_link->tracker = this;
}

WriteTracker::~WriteTracker()
{
    std::lock_guard<std::mutex> lock(m_link->mutex);
    m_link->tracker = nullptr;
    Core::Exclusive exclusive(*m_core);
    m_core->completePins(); // snapshots outlive the tracking: they keep their own bytes
}

std::shared_ptr<WriteSnapshot> WriteTracker::pin()
{
    Core &core = *m_core;
    Core::Exclusive exclusive(core);
    if (!core.m_unprotectedReason.empty())
        return nullptr;
    auto *slot = std::find(std::begin(core.m_pinOwners), std::end(core.m_pinOwners), nullptr);
    if (slot == std::end(core.m_pinOwners))
        return nullptr;
    core.armOpenChunks(); // every chunk must fault on its next write
    *slot = std::make_shared<detail::PinnedBytes>(core.m_data, core.m_mapped, core.m_chunkCount, core.newShadow());
    core.m_pins[slot - std::begin(core.m_pinOwners)].store(slot->get(), std::memory_order_release);
    return std::shared_ptr<WriteSnapshot>(new WriteSnapshot(*slot, m_link));
}

void WriteTracker::unpin(const detail::PinnedBytes *pinned)
{
    Core &core = *m_core;
    Core::Exclusive exclusive(core);
    for (int k = 0; k < Core::MaxPins; ++k) {
        if (core.m_pinOwners[k].get() != pinned)
            continue;
        core.m_pins[k].store(nullptr, std::memory_order_release);
        core.m_pinOwners[k].reset();
    }
}

std::size_t WriteTracker::poolBytes()
{
    return detail::ChunkPool::instance().bytes();
}

void WriteTracker::setPoolLimit(std::size_t bytes)
{
    detail::ChunkPool::instance().setLimit(bytes);
}

void WriteTracker::ensureFaultHandler()
{
    detail::ensureWriteFaultHandler();
}

void WriteTracker::setWriteNotifyFd(int fd)
{
    g_notifyFd.store(fd, std::memory_order_release);
}

std::uint64_t WriteTracker::writeCount() const
{
    return m_core->m_writeCount.load(std::memory_order_acquire);
}

std::uint64_t WriteTracker::id() const
{
    return m_core->m_id;
}

std::size_t WriteTracker::chunkCount() const
{
    return m_core->m_chunkCount;
}

std::uint64_t WriteTracker::changeEpoch() const
{
    return m_core->m_epoch.load(std::memory_order_seq_cst);
}

std::vector<WriteStep::Run> WriteTracker::changedSince(std::uint64_t epoch) const
{
    const Core &core = *m_core;
    std::vector<WriteStep::Run> runs;
    for (std::size_t i = 0; i < core.m_chunkCount; ++i) {
        const std::uint8_t state = core.m_states[i].load(std::memory_order_seq_cst);
        const bool open = state == Busy || state == Dirty;
        if (!open && core.m_chunkEpochs[i].load(std::memory_order_seq_cst) <= epoch)
            continue;
        appendRun(runs, std::size_t(core.chunkBegin(i) - core.m_data), std::size_t(core.chunkEnd(i) - core.chunkBegin(i)));
    }
    return runs;
}

bool WriteTracker::hasOpenWrites() const
{
    for (std::size_t i = 0; i < m_core->m_chunkCount; ++i)
        if (m_core->m_states[i].load(std::memory_order_acquire) != Clean)
            return true;
    return false;
}

WriteStep WriteTracker::takeChanges()
{
    Core &core = *m_core;
    Core::Exclusive exclusive(core);
    WriteStep step;
    step.m_tracker = core.m_id;
    if (!core.m_unprotectedReason.empty()) {
        // Writes went unseen: there is no baseline to compare with.
        step.m_notUndoable = std::move(core.m_unprotectedReason);
        core.m_unprotectedReason.clear();
        core.m_shadow->release(0, core.m_mapped);
        core.forgetResident();
        if (::mprotect(core.m_data, core.m_mapped, PROT_READ) != 0)
            throw std::runtime_error("write tracking: cannot protect the pixel buffer");
        for (std::size_t i = 0; i < core.m_chunkCount; ++i) {
            core.m_states[i].store(Clean);
            core.stamp(i);
        }
        return step;
    }
    std::vector<std::size_t> dirty;
    // An Armed chunk was re-protected (and stamped) by rearm() and has not
    // been written since: ending the unit does not change its bytes, so it
    // gets no new stamp (a reader that saw it after the rearm stays current).
    std::vector<bool> open; // per chunk of `dirty`
    for (std::size_t i = 0; i < core.m_chunkCount; ++i) {
        const std::uint8_t state = core.m_states[i].load();
        if (state == Clean)
            continue;
        dirty.push_back(i);
        open.push_back(state != Armed);
    }
    // Small units copy their changed pages out and keep the shadow warm;
    // large ones give the shadow's pages to the step (no second copy).
    const bool large = dirty.size() * ChunkBytes > WorkspaceBytes;
    std::vector<std::size_t> changed; // bytes, per chunk of `dirty`
    changed.reserve(dirty.size());
    core.protectOpenChunks(dirty);
    for (std::size_t k = 0; k < dirty.size(); ++k) {
        const std::size_t i = dirty[k];
        const std::size_t before = step.m_bytes;
        core.collectChanges(i, step, large);
        changed.push_back(step.m_bytes - before);
        core.m_states[i].store(Clean);
        if (open[k])
            core.stamp(i);
    }
    if (large) {
        // The step takes the shadow: warm pages of chunks this unit did not
        // write would be memory it holds for nothing.
        std::vector<bool> written(core.m_chunkCount, false);
        for (std::size_t i : dirty)
            written[i] = true;
        for (std::size_t i : core.m_resident)
            if (!written[i])
                core.releaseShadow(i);
        core.forgetResident();
        if (!step.m_runs.empty()) {
            step.m_shadow = std::move(core.m_shadow);
            core.m_shadow = core.newShadow();
            std::fill_n(core.m_hugeShadow.get(), core.m_chunkCount, std::uint8_t(0));
            core.m_shadowData.store(core.m_shadow->data(), std::memory_order_release);
            core.prefillShadow(dirty);
        }
        return step;
    }
    for (std::size_t i : dirty)
        core.keepResident(i);
    if (!step.m_runs.empty())
        core.giveRunsToStep(step, dirty, changed);
    core.trimResident();
    return step;
}

void WriteTracker::rearm()
{
    Core &core = *m_core;
    Core::Exclusive exclusive(core);
    if (!core.m_unprotectedReason.empty())
        return;
    core.armOpenChunks();
}

bool WriteTracker::tryRearm()
{
    Core &core = *m_core;
    Core::Exclusive exclusive(core, std::try_to_lock);
    if (!exclusive.owns())
        return false;
    if (core.m_unprotectedReason.empty())
        core.armOpenChunks();
    return true;
}

void WriteTracker::swap(WriteStep &step)
{
    if (step.m_tracker != m_core->m_id)
        throw std::logic_error("write tracking: the step belongs to another buffer");
    if (!step.m_shadow)
        return;
    Core &core = *m_core;
    {
        Core::Exclusive exclusive(core);
        const auto span = reinterpret_cast<std::uintptr_t>(core.m_span);
        const auto data = reinterpret_cast<std::uintptr_t>(core.m_data);
        for (const WriteStep::Run &run : step.m_runs) {
            std::size_t offset = run.offset;
            const std::size_t end = run.offset + run.length;
            while (offset < end) {
                const std::size_t i = (data + offset - span) / ChunkBytes;
                const std::size_t part = std::min(end, std::size_t(core.chunkEnd(i) - core.m_data)) - offset;
                core.swapChunkPart(i, offset, part, step.m_shadow->data());
                offset += part;
            }
        }
        // Protect the opened chunks again, so writes after the swap are
        // seen at once (their shadows keep the baseline).
        if (core.m_unprotectedReason.empty())
            core.armOpenChunks();
    }
    core.m_buffer.markChanged();
}

void WriteTracker::unprotectAll(const std::string &reason)
{
    Core &core = *m_core;
    Core::Exclusive exclusive(core);
    core.completePins(); // writes from now on go unseen
    if (::mprotect(core.m_data, core.m_mapped, PROT_READ | PROT_WRITE) != 0)
        throw std::runtime_error("write tracking: cannot unprotect the pixel buffer");
    for (std::size_t i = 0; i < core.m_chunkCount; ++i)
        core.m_states[i].store(Dirty);
    core.m_unprotectedReason = reason.empty() ? std::string("the buffer was unprotected") : reason;
}

void WriteTracker::replaceMemory(const std::function<void()> &replace)
{
    Core &core = *m_core;
    Core::Exclusive exclusive(core);
    // Writable (Dirty) chunks would let writers go on during the copy:
    // protect everything, so every writer waits in the handler meanwhile.
    if (::mprotect(core.m_data, core.m_mapped, PROT_READ) != 0)
        throw std::runtime_error("write tracking: cannot protect the pixel buffer");
    replace();
    for (std::size_t i = 0; i < core.m_chunkCount; ++i)
        core.stamp(i); // every byte may be new
    if (!core.m_unprotectedReason.empty()) {
        if (::mprotect(core.m_data, core.m_mapped, PROT_READ | PROT_WRITE) != 0)
            throw std::runtime_error("write tracking: cannot unprotect the pixel buffer");
        return;
    }
    if (::mprotect(core.m_data, core.m_mapped, PROT_READ) != 0)
        throw std::runtime_error("write tracking: cannot protect the pixel buffer");
    for (std::size_t i = 0; i < core.m_chunkCount; ++i)
        if (core.m_states[i].load() == Dirty)
            core.protect(i, PROT_READ | PROT_WRITE);
}

} // namespace livepix
