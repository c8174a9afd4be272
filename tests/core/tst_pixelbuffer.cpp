// PixelBuffer: one aligned, zeroed allocation; live count; revision.
#include <livepix/pixelbuffer.h>

#include <QtTest>

#include "testsupport.h"

#include <cstdint>
#include <cstring>
#include <thread>
#include <vector>

using livepix::PixelBuffer;

using testsupport::anonHugeBytes;
using testsupport::thpAvailable;

class TestPixelBuffer : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void allocateRejectsSizesThatWrap_data()
    {
        QTest::addColumn<qulonglong>("bytes");
        // Rounding SIZE_MAX up to 64 wrapped to 0: a 64-byte block that
        // claimed to hold SIZE_MAX bytes.
        QTest::newRow("SIZE_MAX") << qulonglong(SIZE_MAX);
        QTest::newRow("SIZE_MAX - 62") << qulonglong(SIZE_MAX - 62);
        QTest::newRow("PTRDIFF_MAX + 1") << qulonglong(PTRDIFF_MAX) + 1;
    }
    void allocateRejectsSizesThatWrap()
    {
        QFETCH(qulonglong, bytes);
        const auto before = PixelBuffer::liveCount();
        QString message;
        try {
            PixelBuffer::allocate(bytes);
        } catch (const std::invalid_argument &e) {
            message = e.what();
        }
        QVERIFY2(message.startsWith("pixel buffer size") && message.contains(QString::number(bytes)),
                 qPrintable(message));
        QCOMPARE(PixelBuffer::liveCount(), before);
    }

    void allocationIsAlignedAndZeroed_data()
    {
        QTest::addColumn<qulonglong>("bytes");
        QTest::newRow("one byte") << qulonglong(1);
        QTest::newRow("63 bytes") << qulonglong(63);
        QTest::newRow("64 bytes") << qulonglong(64);
        QTest::newRow("odd size") << qulonglong(12345);
        QTest::newRow("4 MiB") << qulonglong(4 << 20);
    }
    void allocationIsAlignedAndZeroed()
    {
        QFETCH(qulonglong, bytes);
        // Dirty the heap first so a zero result is not luck.
        {
            std::vector<unsigned char> garbage(bytes + 128, 0xAB);
            QVERIFY(garbage.back() == 0xAB);
        }
        auto buffer = PixelBuffer::allocate(bytes);
        QVERIFY(buffer);
        QCOMPARE(buffer->size(), std::size_t(bytes));
        QCOMPARE(reinterpret_cast<std::uintptr_t>(buffer->data()) % PixelBuffer::Alignment, std::uintptr_t(0));
        for (std::size_t i = 0; i < bytes; ++i)
            if (buffer->data()[i] != 0)
                QFAIL(qPrintable(QStringLiteral("byte %1 is not zero").arg(i)));
    }

    // Buffers of 2 MiB or more start on a 2 MiB boundary and ask for
    // transparent huge pages (DESIGN.md): where THP is available, writing
    // them fills huge pages, one fault per 2 MiB.
    void largeBuffersAskForHugePages()
    {
        const std::size_t huge = std::size_t(2) << 20;
        auto large = PixelBuffer::allocate(9 * huge + 123);
        QCOMPARE(reinterpret_cast<std::uintptr_t>(large->data()) % huge, std::uintptr_t(0));
        if (!thpAvailable())
            QSKIP("transparent huge pages are off on this machine");
        const std::size_t before = anonHugeBytes();
        std::memset(large->data(), 1, large->size());
        QVERIFY2(anonHugeBytes() >= before + huge, // at least one: a fragmented machine may not have them all
                 qPrintable(QStringLiteral("AnonHugePages %1 -> %2").arg(before).arg(anonHugeBytes())));
    }

    void zeroSizeStillValid()
    {
        auto buffer = PixelBuffer::allocate(0);
        QVERIFY(buffer->data() != nullptr);
        QCOMPARE(buffer->size(), std::size_t(0));
    }

    void liveCountFollowsLifetime()
    {
        const auto before = PixelBuffer::liveCount();
        {
            auto a = PixelBuffer::allocate(100);
            QCOMPARE(PixelBuffer::liveCount(), before + 1);
            auto b = PixelBuffer::allocate(100);
            QCOMPARE(PixelBuffer::liveCount(), before + 2);
            auto sharedA = a;
            a.reset();
            // Still referenced through sharedA.
            QCOMPARE(PixelBuffer::liveCount(), before + 2);
        }
        QCOMPARE(PixelBuffer::liveCount(), before);
    }

    void revisionCountsChanges()
    {
        auto buffer = PixelBuffer::allocate(16);
        const auto start = buffer->revision();
        buffer->markChanged();
        buffer->markChanged();
        QCOMPARE(buffer->revision(), start + 2);
    }

    void revisionIsAtomicAcrossThreads()
    {
        auto buffer = PixelBuffer::allocate(16);
        const auto start = buffer->revision();
        std::vector<std::thread> threads;
        for (int t = 0; t < 4; ++t)
            threads.emplace_back([&] {
                for (int i = 0; i < 10000; ++i)
                    buffer->markChanged();
            });
        for (auto &t : threads)
            t.join();
        QCOMPARE(buffer->revision(), start + 40000);
    }
};

QTEST_APPLESS_MAIN(TestPixelBuffer)
#include "tst_pixelbuffer.moc"
