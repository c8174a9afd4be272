// WriteTracker: every write into a tracked buffer is seen, whoever makes it,
// and a step restores the exact bytes; memory follows the change.
#include <livepix/pixelbuffer.h>
#include <livepix/writetracker.h>

#include <QtTest>

#include "testsupport.h"

#include <atomic>
#include <chrono>
#include <cerrno>
#include <cstring>
#include <random>
#include <thread>
#include <vector>

#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

using livepix::PixelBuffer;
using livepix::WriteStep;
using livepix::WriteTracker;
using testsupport::anonHugeBytes;
using testsupport::thpAvailable;

namespace {

std::vector<std::uint8_t> bytesOf(const PixelBuffer &buffer)
{
    return std::vector<std::uint8_t>(buffer.data(), buffer.data() + buffer.size());
}

// Fills the buffer with a pattern before tracking starts.
std::shared_ptr<PixelBuffer> patterned(std::size_t bytes, unsigned seed = 1)
{
    auto buffer = PixelBuffer::allocate(bytes);
    std::mt19937 random(seed);
    for (std::size_t i = 0; i < bytes; ++i)
        buffer->data()[i] = std::uint8_t(random());
    return buffer;
}

const std::size_t Page = std::size_t(::sysconf(_SC_PAGESIZE));

} // namespace

class TestWriteTracker : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void untouchedBufferGivesAnEmptyStep()
    {
        auto buffer = patterned(5 << 20);
        WriteTracker &tracker = buffer->enableWriteTracking();
        QCOMPARE(&buffer->enableWriteTracking(), &tracker);
        QCOMPARE(buffer->writeTracker(), &tracker);
        QVERIFY(!tracker.hasOpenWrites());
        WriteStep step = tracker.takeChanges();
        QVERIFY(step.empty());
        QCOMPARE(step.bytes(), std::size_t(0));
    }

    void oneByteIsOnePageAndSwapsBothWays()
    {
        auto buffer = patterned(5 << 20);
        const auto before = bytesOf(*buffer);
        WriteTracker &tracker = buffer->enableWriteTracking();
        const auto revision = buffer->revision();
        buffer->data()[3 << 20] ^= 0xff; // faults, is copied, goes on
        QVERIFY(buffer->revision() > revision);
        QCOMPARE(tracker.writeCount(), std::uint64_t(1));
        QVERIFY(tracker.hasOpenWrites());
        auto after = bytesOf(*buffer);
        QVERIFY(after != before);

        WriteStep step = tracker.takeChanges();
        QVERIFY(!step.empty());
        QCOMPARE(step.bytes(), Page);
        QCOMPARE(int(step.runs().size()), 1);
        QCOMPARE(step.runs()[0].offset, (std::size_t(3) << 20) / Page * Page);
        QVERIFY(!tracker.hasOpenWrites());

        tracker.swap(step); // undo
        QVERIFY(bytesOf(*buffer) == before);
        tracker.swap(step); // redo
        QVERIFY(bytesOf(*buffer) == after);
        // Undo and redo are not writes of a unit.
        QVERIFY(tracker.takeChanges().empty());
    }

    // Above 64 MiB of written chunks a step takes the shadow's pages instead
    // of copying them; undo and the unit after it must not see a change.
    void largeUnitsUndoExactlyAndLeaveNothingOpen()
    {
        auto buffer = patterned(80 << 20, 5);
        const auto before = bytesOf(*buffer);
        WriteTracker &tracker = buffer->enableWriteTracking();
        buffer->data()[5] ^= 1; // a small unit first: its chunk stays warm
        WriteStep small = tracker.takeChanges();
        QCOMPARE(small.bytes(), Page);
        std::memset(buffer->data(), 0x5a, 80 << 20);
        WriteStep large = tracker.takeChanges();
        QVERIFY(large.bytes() >= (std::size_t(79) << 20));
        tracker.swap(large);
        QVERIFY(tracker.takeChanges().empty());
        tracker.swap(small);
        QVERIFY(tracker.takeChanges().empty());
        QVERIFY(bytesOf(*buffer) == before);
    }

    // A large unit's cold chunks are copied into huge pages, which are kept
    // whole (a partial release would split them): a sparse change then holds
    // whole chunks, says so in bytes(), and still undoes exactly.
    void sparseLargeUnitsHoldWholeChunksAndUndoExactly()
    {
        const std::size_t size = std::size_t(80) << 20;
        auto buffer = patterned(size, 9);
        const auto before = bytesOf(*buffer);
        WriteTracker &tracker = buffer->enableWriteTracking();
        const std::size_t hugeBefore = anonHugeBytes();
        for (std::size_t offset = 0; offset < size; offset += WriteTracker::ChunkBytes)
            buffer->data()[offset + 3 * Page + 1] ^= 0xff; // one page of each chunk
        const std::size_t hugeAfterCopies = anonHugeBytes();
        const auto after = bytesOf(*buffer);
        WriteStep step = tracker.takeChanges();
        const std::size_t chunks = size / WriteTracker::ChunkBytes + 1; // the buffer need not be chunk aligned
        QVERIFY2(step.bytes() >= 40 * Page && step.bytes() <= chunks * WriteTracker::ChunkBytes,
                 qPrintable(QString::number(step.bytes())));
        QCOMPARE(step.runs().size(), std::size_t(40));
        // Where THP is on, the copies took huge pages (at least one: a fragmented
        // machine may not have them all), and the step holds (counts) them whole.
        if (thpAvailable())
            QVERIFY2(hugeAfterCopies >= hugeBefore + WriteTracker::ChunkBytes &&
                         step.bytes() >= 16 * WriteTracker::ChunkBytes,
                     qPrintable(QStringLiteral("%1 -> %2 bytes in huge pages, step %3")
                                    .arg(hugeBefore).arg(hugeAfterCopies).arg(step.bytes())));
        tracker.swap(step);
        QVERIFY(bytesOf(*buffer) == before);
        tracker.swap(step);
        QVERIFY(bytesOf(*buffer) == after);
        QVERIFY(tracker.takeChanges().empty());
        // The next small unit is counted page by page again.
        buffer->data()[12345] ^= 1;
        QCOMPARE(tracker.takeChanges().bytes(), Page);
    }

    // A chunk that changed for the most part moves to the step whole (its
    // pages, not a copy); one that changed a little is copied page by page.
    // Both undo exactly, and the moved one is counted whole.
    void mostlyChangedChunksMoveToTheStepWhole()
    {
        auto buffer = patterned(4 << 20, 5);
        if (reinterpret_cast<std::uintptr_t>(buffer->data()) % WriteTracker::ChunkBytes != 0)
            QSKIP("the buffer did not get a 2 MiB-aligned address");
        const auto before = bytesOf(*buffer);
        WriteTracker &tracker = buffer->enableWriteTracking();
        std::memset(buffer->data(), 0x5a, (3 << 20) / 2);                  // 3/4 of chunk 0
        std::memset(buffer->data() + (2 << 20) + 7 * Page, 0x5a, 64 * Page); // 1/8 of chunk 1
        const auto after = bytesOf(*buffer);
        WriteStep step = tracker.takeChanges();
        QCOMPARE(step.bytes(), WriteTracker::ChunkBytes + 64 * Page);
        tracker.swap(step);
        QVERIFY(bytesOf(*buffer) == before);
        tracker.swap(step);
        QVERIFY(bytesOf(*buffer) == after);
        QVERIFY(tracker.takeChanges().empty());
    }

    // A dropped step's memory goes into the pool of warm chunks, bounded by
    // its limit, and the next unit's workspace takes it from there. Every
    // step still undoes exactly, also where its memory came from the pool.
    void droppedStepsWarmTheNextUnits()
    {
        struct RestoreLimit {
            ~RestoreLimit() { WriteTracker::setPoolLimit(std::size_t(256) << 20); }
        } restore;
        WriteTracker::setPoolLimit(0); // empty, whatever earlier tests left
        QCOMPARE(WriteTracker::poolBytes(), std::size_t(0));
        WriteTracker::setPoolLimit(std::size_t(64) << 20);
        const std::size_t size = std::size_t(16) << 20; // 8 whole chunks
        auto buffer = patterned(size, 3);
        if (reinterpret_cast<std::uintptr_t>(buffer->data()) % WriteTracker::ChunkBytes != 0)
            QSKIP("the buffer did not get a 2 MiB-aligned address");
        WriteTracker &tracker = buffer->enableWriteTracking();
        std::vector<std::vector<std::uint8_t>> states{bytesOf(*buffer)};
        std::vector<WriteStep> steps;
        for (int unit = 0; unit < 3; ++unit) {
            std::memset(buffer->data(), 0x40 + unit, size);
            states.push_back(bytesOf(*buffer));
            steps.push_back(tracker.takeChanges());
            QCOMPARE(steps.back().bytes(), size);
            // Unit 0: the pool is empty; unit 1 refilled the workspace with
            // unit 0's step memory (dropped below); unit 2 found it empty.
            QCOMPARE(WriteTracker::poolBytes(), std::size_t(0));
            if (unit == 0) {
                steps.clear(); // dropped: its 8 chunks go to the pool
                QCOMPARE(WriteTracker::poolBytes(), size);
                states.erase(states.begin());
            }
        }
        // Undo unit 2 and unit 1, redo both: exact every time.
        tracker.swap(steps[1]);
        QVERIFY(bytesOf(*buffer) == states[1]);
        tracker.swap(steps[0]);
        QVERIFY(bytesOf(*buffer) == states[0]);
        tracker.swap(steps[0]);
        tracker.swap(steps[1]);
        QVERIFY(bytesOf(*buffer) == states[2]);
        QVERIFY(tracker.takeChanges().empty());
        // The pool keeps no more than its limit, and a lower limit lets go.
        WriteTracker::setPoolLimit(WriteTracker::ChunkBytes);
        steps.clear();
        QCOMPARE(WriteTracker::poolBytes(), WriteTracker::ChunkBytes);
        WriteTracker::setPoolLimit(0);
        QCOMPARE(WriteTracker::poolBytes(), std::size_t(0));
    }

    void rewritingEqualValuesIsNoChange()
    {
        auto buffer = patterned(3 << 20);
        WriteTracker &tracker = buffer->enableWriteTracking();
        volatile std::uint8_t *bytes = buffer->data(); // the compiler must not drop x = x
        for (std::size_t i = 0; i < buffer->size(); i += 4096)
            bytes[i] = bytes[i];
        QVERIFY(tracker.hasOpenWrites());
        QVERIFY(tracker.writeCount() >= 2);
        QVERIFY(tracker.takeChanges().empty());
    }

    void memoryFollowsTheChange()
    {
        // 64 MiB "image" of 8192-byte rows: one rewritten row holds about
        // one row of memory, not a chunk and not the image.
        const std::size_t row = 8192 * 4 + 64;
        auto buffer = patterned(64 << 20);
        WriteTracker &tracker = buffer->enableWriteTracking();
        std::memset(buffer->data() + 1000 * row, 0, row);
        WriteStep step = tracker.takeChanges();
        QVERIFY2(step.bytes() >= row && step.bytes() <= row + 2 * Page, qPrintable(QString::number(step.bytes())));
    }

    void writesFromManyThreadsAreUndoneExactly()
    {
        auto buffer = patterned(17 << 20, 7);
        const auto before = bytesOf(*buffer);
        WriteTracker &tracker = buffer->enableWriteTracking();
        std::vector<std::thread> threads;
        for (int t = 0; t < 8; ++t) {
            threads.emplace_back([&, t] {
                std::mt19937 random(t);
                // Each thread its own bytes (i % 8 == t): the threads race
                // with the tracker, not with each other.
                for (int n = 0; n < 20000; ++n)
                    buffer->data()[(random() % (buffer->size() / 8)) * 8 + std::size_t(t)] = std::uint8_t(random());
            });
        }
        for (auto &thread : threads)
            thread.join();
        WriteStep step = tracker.takeChanges();
        QVERIFY(!step.empty());
        tracker.swap(step);
        QVERIFY(bytesOf(*buffer) == before);
    }

    // A writer never stops while units are closed and re-armed under it;
    // undoing every step newest first must give back the first bytes.
    void unitsClosedUnderARunningWriterUndoExactly()
    {
        auto buffer = patterned(9 << 20, 3);
        const auto before = bytesOf(*buffer);
        WriteTracker &tracker = buffer->enableWriteTracking();
        std::atomic<bool> stop{false};
        std::thread writer([&] {
            std::mt19937 random(42);
            while (!stop.load())
                buffer->data()[random() % buffer->size()] = std::uint8_t(random());
        });
        std::vector<WriteStep> steps;
        for (int n = 0; n < 200; ++n) {
            if (n % 3 == 0)
                tracker.rearm();
            else
                steps.push_back(tracker.takeChanges());
            std::this_thread::sleep_for(std::chrono::microseconds(200));
        }
        stop = true;
        writer.join();
        steps.push_back(tracker.takeChanges());
        for (auto it = steps.rbegin(); it != steps.rend(); ++it)
            tracker.swap(*it);
        QVERIFY(bytesOf(*buffer) == before);
    }

    void undoWhileAUnitIsOpenKeepsTheUnitsOwnWrites()
    {
        auto buffer = patterned(4 << 20);
        const auto original = bytesOf(*buffer);
        WriteTracker &tracker = buffer->enableWriteTracking();
        buffer->data()[10] = buffer->data()[10] + 1;
        WriteStep first = tracker.takeChanges();
        buffer->data()[3 << 20] = buffer->data()[3 << 20] + 1; // the open unit
        const std::uint8_t secondValue = buffer->data()[3 << 20];
        tracker.swap(first);
        QCOMPARE(buffer->data()[10], original[10]);
        QCOMPARE(buffer->data()[3 << 20], secondValue);
        WriteStep second = tracker.takeChanges();
        QCOMPARE(int(second.runs().size()), 1);
        QCOMPARE(second.runs()[0].offset, (std::size_t(3) << 20) / Page * Page);
        tracker.swap(second);
        QVERIFY(bytesOf(*buffer) == original);
    }

    void rearmSeesFurtherWritesIntoAnOpenChunk()
    {
        auto buffer = patterned(1 << 20);
        WriteTracker &tracker = buffer->enableWriteTracking();
        buffer->data()[0] = 1;
        buffer->data()[1] = 2; // same chunk, already open: not seen
        QCOMPARE(tracker.writeCount(), std::uint64_t(1));
        const auto revision = buffer->revision();
        tracker.rearm();
        buffer->data()[2] = 3;
        QCOMPARE(tracker.writeCount(), std::uint64_t(2));
        QVERIFY(buffer->revision() > revision);
    }

    // tryRearm() is rearm() for the GUI thread: it never waits for another
    // thread that is changing protections (here replaceMemory(), which holds
    // them while its callback runs); it says so instead.
    void tryRearmDoesNotWaitForAnotherHolder()
    {
        auto buffer = patterned(1 << 20);
        WriteTracker &tracker = buffer->enableWriteTracking();
        buffer->data()[0] = 1;
        QVERIFY(tracker.tryRearm());
        buffer->data()[1] = 2; // re-protected: seen again
        QCOMPARE(tracker.writeCount(), std::uint64_t(2));

        bool duringReplace = true;
        tracker.replaceMemory([&] {
            std::thread other([&] { duringReplace = tracker.tryRearm(); });
            other.join(); // a rearm() would wait here for ever
        });
        QVERIFY(!duringReplace);
        QVERIFY(tracker.tryRearm()); // free again
    }

    void systemCallsFailCleanlyUnlessUnprotected()
    {
        auto buffer = patterned(2 << 20);
        WriteTracker &tracker = buffer->enableWriteTracking();
        const auto before = bytesOf(*buffer);
        int fds[2];
        QCOMPARE(::pipe(fds), 0);
        const char message[] = "kernel writes";
        QCOMPARE(::write(fds[1], message, sizeof message), ssize_t(sizeof message));
        errno = 0;
        QCOMPARE(::read(fds[0], buffer->data() + 100, sizeof message), ssize_t(-1));
        QCOMPARE(errno, EFAULT);
        QVERIFY(bytesOf(*buffer) == before);

        tracker.unprotectAll("read() into the buffer");
        QCOMPARE(::read(fds[0], buffer->data() + 100, sizeof message), ssize_t(sizeof message));
        QCOMPARE(std::memcmp(buffer->data() + 100, message, sizeof message), 0);
        ::close(fds[0]);
        ::close(fds[1]);
        WriteStep step = tracker.takeChanges();
        QVERIFY(!step.empty());
        QCOMPARE(QString::fromStdString(step.notUndoableReason()), QString("read() into the buffer"));
        QCOMPARE(step.bytes(), std::size_t(0));
        // Protected again: the next write is seen.
        buffer->data()[5] ^= 1;
        QVERIFY(!tracker.takeChanges().empty());
    }

    void stepOfAnotherBufferIsRefused()
    {
        auto a = patterned(1 << 20);
        auto b = patterned(1 << 20);
        a->enableWriteTracking();
        a->data()[0] ^= 1;
        WriteStep step = a->writeTracker()->takeChanges();
        QVERIFY_THROWS_EXCEPTION(std::logic_error, b->enableWriteTracking().swap(step));
    }

    // A step whose buffer died is refused by a new tracker, also one that
    // the allocator placed at the very same address.
    void stepOfADeadBufferIsRefused()
    {
        WriteStep step;
        std::uintptr_t firstTracker = 0;
        {
            auto a = patterned(8 << 20);
            firstTracker = reinterpret_cast<std::uintptr_t>(&a->enableWriteTracking());
            std::memset(a->data() + (6 << 20), 0xaa, 1 << 20);
            step = a->writeTracker()->takeChanges();
        }
        for (int attempt = 0; attempt < 4; ++attempt) {
            auto b = PixelBuffer::allocate(8 << 20);
            WriteTracker &tracker = b->enableWriteTracking();
            QVERIFY(!tracker.owns(step));
            QVERIFY_THROWS_EXCEPTION(std::logic_error, tracker.swap(step));
            QCOMPARE(int(b->data()[6 << 20]), 0);
            if (reinterpret_cast<std::uintptr_t>(&tracker) == firstTracker)
                break; // the case that mattered was covered
        }
    }

    // A pin keeps the bytes of its moment readable while writers go on:
    // open (already written) chunks are protected again, and each chunk is
    // copied aside once, before its first write after the pin.
    void pinKeepsItsMomentWhileWritersGoOn()
    {
        const std::size_t size = std::size_t(9) << 20; // 5 chunks
        auto buffer = patterned(size, 11);
        WriteTracker &tracker = buffer->enableWriteTracking();
        std::memset(buffer->data() + (1 << 20), 0x11, 4096); // an open unit: chunk 0 writable
        const auto pinnedBytes = bytesOf(*buffer);
        std::shared_ptr<livepix::WriteSnapshot> snapshot = tracker.pin();
        QVERIFY(snapshot);
        QCOMPARE(snapshot->bytes(), std::size_t(0));
        // Up to four at once; a later one sees its own moment.
        auto second = tracker.pin();
        QVERIFY(second);
        {
            auto third = tracker.pin();
            auto fourth = tracker.pin();
            QVERIFY(third && fourth);
            QVERIFY(!tracker.pin());
        }

        std::memset(buffer->data() + (1 << 20), 0x22, 4096); // the open chunk faults again
        std::memset(buffer->data() + (5 << 20), 0x33, 100);
        QCOMPARE(snapshot->bytes(), 2 * WriteTracker::ChunkBytes);
        std::vector<std::uint8_t> read(size);
        snapshot->read(0, size, read.data());
        QVERIFY(read == pinnedBytes);
        // A piece across a chunk boundary, and the end of the buffer.
        std::vector<std::uint8_t> piece(8192);
        snapshot->read((2 << 20) - 4096, piece.size(), piece.data());
        QVERIFY(std::equal(piece.begin(), piece.end(), pinnedBytes.begin() + (2 << 20) - 4096));
        QVERIFY_THROWS_EXCEPTION(std::out_of_range, snapshot->read(buffer->capacity() - 1, 2, piece.data()));
        second->read(0, size, read.data());
        QVERIFY(read == pinnedBytes);
        const auto laterMoment = bytesOf(*buffer);
        auto later = tracker.pin(); // the two freed slots are free again
        QVERIFY(later);
        buffer->data()[7 << 20] = 0x77;
        later->read(0, size, read.data());
        QVERIFY(read == laterMoment); // its own moment, with the earlier writes
        QCOMPARE(later->bytes(), WriteTracker::ChunkBytes);
        snapshot->read(0, size, read.data());
        QVERIFY(read == pinnedBytes);
        QCOMPARE(snapshot->bytes(), 3 * WriteTracker::ChunkBytes);

        // The unit goes on as usual: all three writes are in its step.
        WriteStep step = tracker.takeChanges();
        QCOMPARE(step.bytes(), 3 * Page);
    }

    // Readers race with writers on other threads: every read equals the
    // pinned bytes, whichever of them got to a chunk first.
    void pinnedReadsRaceWithWriters()
    {
        const std::size_t size = std::size_t(16) << 20;
        auto buffer = patterned(size, 12);
        WriteTracker &tracker = buffer->enableWriteTracking();
        const auto pinnedBytes = bytesOf(*buffer);
        auto snapshot = tracker.pin();
        QVERIFY(snapshot);
        std::thread writer([data = buffer->data(), size] {
            for (std::size_t offset = 0; offset < size; offset += 65536)
                std::memset(data + offset, 0xee, 4096); // every chunk, front to back
        });
        std::vector<std::uint8_t> read(size);
        int mismatches = 0;
        for (int round = 0; round < 4; ++round) {
            snapshot->read(0, size, read.data());
            mismatches += read != pinnedBytes;
        }
        writer.join();
        snapshot->read(0, size, read.data());
        mismatches += read != pinnedBytes;
        QCOMPARE(mismatches, 0);
        QCOMPARE(snapshot->bytes(), size);
    }

    // Undo swaps bytes without a fault, and unprotectAll() lets writes go
    // unseen: both copy the pinned chunks aside first.
    void pinSurvivesUndoAndUnprotect()
    {
        const std::size_t size = std::size_t(6) << 20;
        auto buffer = patterned(size, 13);
        WriteTracker &tracker = buffer->enableWriteTracking();
        std::memset(buffer->data(), 0x44, 3 << 20);
        WriteStep step = tracker.takeChanges();
        const auto pinnedBytes = bytesOf(*buffer);
        auto snapshot = tracker.pin();
        QVERIFY(snapshot);
        tracker.swap(step); // undo: chunks 0 and 1 change back
        std::vector<std::uint8_t> read(size);
        snapshot->read(0, size, read.data());
        QVERIFY(read == pinnedBytes);
        tracker.unprotectAll("a system call");
        std::memset(buffer->data() + (5 << 20), 0x55, 4096);
        snapshot->read(0, size, read.data());
        QVERIFY(read == pinnedBytes);
        QCOMPARE(snapshot->bytes(), buffer->capacity());
        QVERIFY(!tracker.pin()); // nothing is protected: callers copy instead
    }

    // changedSince(): what a cache of derived pixels (the display) must redo.
    void changedSinceNamesTheWrittenChunks()
    {
        const std::size_t chunk = WriteTracker::ChunkBytes;
        auto buffer = patterned(6 * chunk);
        WriteTracker &tracker = buffer->enableWriteTracking();
        auto covers = [&](const std::vector<WriteStep::Run> &runs, std::size_t offset) {
            for (const WriteStep::Run &run : runs)
                if (offset >= run.offset && offset < run.offset + run.length)
                    return true;
            return false;
        };
        const auto everything = tracker.changedSince(0);
        QCOMPARE(everything.size(), std::size_t(1));
        QCOMPARE(everything[0].offset, std::size_t(0));
        QVERIFY(everything[0].length >= buffer->size());

        const std::uint64_t start = tracker.changeEpoch();
        QVERIFY(tracker.changedSince(start).empty());
        buffer->data()[2 * chunk + 5] = 1; // open for writing: reported while open
        auto runs = tracker.changedSince(start);
        QCOMPARE(runs.size(), std::size_t(1));
        QCOMPARE(runs[0].offset, 2 * chunk);
        QCOMPARE(runs[0].length, chunk);

        tracker.rearm(); // protected again: stamped, still reported to `start`
        QVERIFY(covers(tracker.changedSince(start), 2 * chunk));
        const std::uint64_t afterRearm = tracker.changeEpoch();
        QVERIFY(tracker.changedSince(afterRearm).empty());

        buffer->data()[0] = 7; // neighbours merge into one run
        buffer->data()[chunk + 1] = 7;
        runs = tracker.changedSince(afterRearm);
        QCOMPARE(runs.size(), std::size_t(1));
        QCOMPARE(runs[0].offset, std::size_t(0));
        QCOMPARE(runs[0].length, 2 * chunk);

        WriteStep step = tracker.takeChanges(); // ended: stamped
        QVERIFY(covers(tracker.changedSince(afterRearm), 0));
        // Chunk 2, re-protected by the rearm and not written since, belongs
        // to the unit too, but ending it changes none of its bytes: a reader
        // that saw it after the rearm stays current.
        QVERIFY(!covers(tracker.changedSince(afterRearm), 2 * chunk));
        const std::uint64_t afterStep = tracker.changeEpoch();
        QVERIFY(tracker.changedSince(afterStep).empty());
        tracker.swap(step); // undo writes without a fault: reported too
        runs = tracker.changedSince(afterStep);
        QVERIFY(covers(runs, 0) && covers(runs, chunk));
        QVERIFY(!covers(runs, 4 * chunk));
    }

    // A reader that redoes only what changedSince() names, while a writer
    // thread writes and another thread re-protects and ends units, ends up
    // with the buffer's exact bytes. A change it missed would stay missed.
    void mirrorKeptByChangedSinceMissesNothing()
    {
        const std::size_t chunk = WriteTracker::ChunkBytes;
        const std::size_t bytes = 8 * chunk;
        auto buffer = patterned(bytes);
        WriteTracker &tracker = buffer->enableWriteTracking();
        std::vector<std::uint8_t> mirror(bytes);
        std::uint64_t seen = tracker.changeEpoch();
        std::memcpy(mirror.data(), buffer->data(), bytes);
        std::atomic<bool> stop{false};
        std::thread writer([&] {
            std::mt19937 random(7);
            for (std::uint32_t n = 0; !stop.load(); ++n)
                buffer->data()[random() % bytes] = std::uint8_t(n);
        });
        std::thread units([&] {
            for (int n = 0; !stop.load(); ++n) {
                if (n % 3 == 0)
                    tracker.takeChanges();
                else
                    tracker.rearm();
                std::this_thread::sleep_for(std::chrono::microseconds(200));
            }
        });
        auto catchUp = [&] {
            const std::uint64_t now = tracker.changeEpoch();
            for (const WriteStep::Run &run : tracker.changedSince(seen)) {
                const std::size_t end = std::min(bytes, run.offset + run.length);
                std::memcpy(mirror.data() + run.offset, buffer->data() + run.offset, end - run.offset);
            }
            seen = now;
        };
        QElapsedTimer clock;
        clock.start();
        while (clock.elapsed() < 600)
            catchUp();
        stop.store(true);
        writer.join();
        units.join();
        catchUp();
        QVERIFY(std::memcmp(mirror.data(), buffer->data(), bytes) == 0);
    }

    // A snapshot outlives its buffer (and its tracker): it copied what it
    // needed before the pages went away.
    void snapshotOutlivesItsBuffer()
    {
        const auto live = PixelBuffer::liveCount();
        std::shared_ptr<livepix::WriteSnapshot> snapshot;
        std::vector<std::uint8_t> pinnedBytes;
        {
            auto buffer = patterned(std::size_t(5) << 20, 14);
            snapshot = buffer->enableWriteTracking().pin();
            pinnedBytes = bytesOf(*buffer);
            buffer->data()[100] = 0;
        }
        QCOMPARE(PixelBuffer::liveCount(), live);
        std::vector<std::uint8_t> read(pinnedBytes.size());
        snapshot->read(0, read.size(), read.data());
        QVERIFY(read == pinnedBytes);
    }

    void stepsOutliveTheirBuffer()
    {
        const auto live = PixelBuffer::liveCount();
        WriteStep step;
        {
            auto buffer = patterned(3 << 20);
            buffer->enableWriteTracking();
            std::memset(buffer->data(), 0, 3 << 20);
            step = buffer->writeTracker()->takeChanges();
        }
        QCOMPARE(PixelBuffer::liveCount(), live);
        QVERIFY(step.bytes() > 0);
        // The buffer's pages are unmapped; writing there again is an
        // ordinary crash, not ours to handle (see foreignFaultsStillCrash).
    }

    // Faults that are not ours still reach whoever handled SIGSEGV before
    // us, also when that handler was installed after ours (as Python's
    // faulthandler is): starting to track again puts ours back on top.
    void foreignFaultsReachThePreviousHandler()
    {
        void *guard = ::mmap(nullptr, Page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        QVERIFY(guard != MAP_FAILED);
        const pid_t child = ::fork();
        if (child == 0) {
            struct sigaction previous {};
            previous.sa_handler = [](int) { ::_exit(42); };
            sigemptyset(&previous.sa_mask);
            ::sigaction(SIGSEGV, &previous, nullptr);
            auto buffer = PixelBuffer::allocate(1 << 20);
            buffer->enableWriteTracking();
            buffer->data()[0] = 1; // ours: goes on
            if (buffer->writeTracker()->writeCount() != 1)
                ::_exit(3);
            static_cast<volatile std::uint8_t *>(guard)[0] = 1; // not ours
            ::_exit(0);
        }
        int status = 0;
        QCOMPARE(::waitpid(child, &status, 0), child);
        QVERIFY2(WIFEXITED(status) && WEXITSTATUS(status) == 42, qPrintable(QString("status %1").arg(status)));
        ::munmap(guard, Page);
    }
};

QTEST_APPLESS_MAIN(TestWriteTracker)
#include "tst_writetracker.moc"
