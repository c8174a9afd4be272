// Shared pixel memory: a buffer becomes a memfd without moving (every view
// stays valid), another mapping of that memfd sees the same bytes, writers
// are held back during the switch, and bad mappings are refused.
#include <livepix/history.h>
#include <livepix/image.h>
#include <livepix/pixelbuffer.h>
#include <livepix/writetracker.h>

#include <QtTest>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

using livepix::PixelBuffer;
using livepix::WriteTracker;

namespace {

/// The /proc/self/maps line of the mapping that contains `address`.
std::string mappingOf(const void *address)
{
    std::ifstream maps("/proc/self/maps");
    const auto wanted = reinterpret_cast<std::uintptr_t>(address);
    std::string line;
    while (std::getline(maps, line)) {
        std::uintptr_t begin = 0, end = 0;
        char dash = 0;
        std::istringstream in(line);
        in >> std::hex >> begin >> dash >> end;
        if (wanted >= begin && wanted < end)
            return line;
    }
    return {};
}

bool isOpen(int fd)
{
    return ::fcntl(fd, F_GETFD) != -1 || errno != EBADF;
}

ino_t inodeOf(int fd)
{
    struct stat info {};
    return ::fstat(fd, &info) == 0 ? info.st_ino : 0;
}

} // namespace

class TestSharedMemory : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void shareKeepsAddressAndBytes()
    {
        auto buffer = PixelBuffer::allocate(3 * 4096 + 17);
        std::uint8_t *before = buffer->data();
        for (std::size_t i = 0; i < buffer->size(); ++i)
            before[i] = std::uint8_t(i * 7 + 1);
        QVERIFY(!buffer->isShared());
        QVERIFY(mappingOf(before).find("memfd:") == std::string::npos);
        const std::uint64_t revision = buffer->revision();

        const int fd = buffer->shareMemory();
        QVERIFY(fd >= 0);
        QVERIFY(buffer->isShared());
        QCOMPARE(buffer->data(), before); // views stay valid: same address
        QCOMPARE(buffer->shareMemory(), fd); // converted once
        QVERIFY2(mappingOf(before).find("memfd:livepix-pixels") != std::string::npos, mappingOf(before).c_str());
        QVERIFY(buffer->revision() > revision);
        for (std::size_t i = 0; i < buffer->size(); ++i)
            QCOMPARE(before[i], std::uint8_t(i * 7 + 1));
        before[5] = 99; // still writable
        QCOMPARE(before[5], std::uint8_t(99));
    }

    void secondMappingSeesTheSameBytes()
    {
        auto buffer = PixelBuffer::allocate(10000);
        buffer->data()[42] = 7;
        const int fd = buffer->shareMemory();
        auto other = PixelBuffer::mapShared(::dup(fd), buffer->size(), buffer->capacity());
        QVERIFY(other->data() != buffer->data());
        QCOMPARE(inodeOf(other->sharedMemoryFd()), inodeOf(fd));
        QCOMPARE(other->data()[42], std::uint8_t(7));
        other->data()[100] = 1;
        buffer->data()[200] = 2;
        QCOMPARE(buffer->data()[100], std::uint8_t(1));
        QCOMPARE(other->data()[200], std::uint8_t(2));
        // The mapping outlives the first buffer (like a client whose app quit).
        const int otherFd = other->sharedMemoryFd();
        buffer.reset();
        QCOMPARE(other->data()[42], std::uint8_t(7));
        other.reset();
        QVERIFY(!isOpen(otherFd)); // the buffer closes its memfd
    }

    void allocateSharedIsZeroAndShared()
    {
        auto image = livepix::Image::create(33, 17, 3, livepix::DType::Float32, livepix::PixelMemory::Shared);
        QVERIFY(image.buffer()->isShared());
        QVERIFY(mappingOf(image.data()).find("memfd:livepix-pixels") != std::string::npos);
        for (std::size_t i = 0; i < image.buffer()->size(); ++i)
            QCOMPARE(image.buffer()->data()[i], std::uint8_t(0));
    }

    void mapSharedRefusesBadSizes()
    {
        auto buffer = PixelBuffer::allocate(8192);
        const int fd = buffer->shareMemory();
        struct Case {
            std::size_t size, capacity;
        };
        for (Case c : {Case{8193, 8192}, Case{100, 100}, Case{8192, 4 * 8192}, Case{100, 8192}}) {
            const int copy = ::dup(fd);
            QString message;
            try {
                PixelBuffer::mapShared(copy, c.size, c.capacity);
            } catch (const std::invalid_argument &e) {
                message = e.what();
            }
            QVERIFY2(message.startsWith("shared pixel memory:"), qPrintable(QString::number(c.size) + " " + message));
            QVERIFY(!isOpen(copy)); // ownership was taken even on failure
        }
        // A pipe is not a memory file.
        int pipeFds[2];
        QCOMPARE(::pipe(pipeFds), 0);
        ::close(pipeFds[1]);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, PixelBuffer::mapShared(pipeFds[0], 100, 4096));
    }

    // A writer thread keeps writing while the buffer becomes shared: no
    // write may land in the old private pages (it would be lost), and the
    // tracker still sees every change afterwards (undo restores exactly).
    void trackedWritersAreHeldBackDuringTheSwitch()
    {
        const std::size_t bytes = 3 * WriteTracker::ChunkBytes + 12345;
        auto buffer = PixelBuffer::allocate(bytes);
        WriteTracker &tracker = buffer->enableWriteTracking();
        auto *words = reinterpret_cast<std::uint32_t *>(buffer->data());
        const std::size_t count = bytes / sizeof(std::uint32_t);
        std::atomic<bool> stop{false};
        std::atomic<std::uint32_t> last{0};
        std::thread writer([&] {
            for (std::uint32_t round = 1; !stop.load(); ++round) {
                for (std::size_t i = 0; i < count; i += 1021)
                    words[i] = round;
                last.store(round);
            }
        });
        while (last.load() < 3)
            std::this_thread::yield();
        const int fd = buffer->shareMemory();
        const std::uint32_t seenAfter = last.load();
        while (last.load() < seenAfter + 3)
            std::this_thread::yield();
        stop.store(true);
        writer.join();
        const std::uint32_t lastRound = last.load();
        auto other = PixelBuffer::mapShared(::dup(fd), buffer->size(), buffer->capacity());
        const auto *seen = reinterpret_cast<const std::uint32_t *>(other->data());
        for (std::size_t i = 0; i < count; i += 1021)
            QCOMPARE(seen[i], lastRound);
        // The unit spans the switch: undo brings back the zero buffer.
        livepix::WriteStep step = tracker.takeChanges();
        QVERIFY(!step.empty());
        QVERIFY(step.notUndoableReason().empty());
        tracker.swap(step);
        for (std::size_t i = 0; i < count; ++i)
            QCOMPARE(seen[i], 0u);
        // Writes after the switch are still tracked (the protection came back).
        const std::uint64_t faults = tracker.writeCount();
        words[count - 1] = 5;
        QVERIFY(tracker.writeCount() > faults);
    }
};

QTEST_APPLESS_MAIN(TestSharedMemory)
#include "tst_sharedmemory.moc"
