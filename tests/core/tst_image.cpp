// Image: layout of new images, views sharing memory, deep copies, lifetime
// and checked typed access.
#include <livepix/image.h>

#include <QtTest>

#include "testsupport.h"

#include <climits>
#include <cstdint>
#include <thread>

using livepix::DType;
using livepix::Image;
using livepix::PixelBuffer;

class TestImage : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void layout_data()
    {
        QTest::addColumn<int>("width");
        QTest::addColumn<int>("height");
        QTest::addColumn<int>("channels");
        QTest::addColumn<DType>("type");
        QTest::newRow("1x1 gray u8") << 1 << 1 << 1 << DType::UInt8;
        QTest::newRow("odd RGB u8") << 17 << 5 << 3 << DType::UInt8;
        QTest::newRow("gray+alpha u16") << 33 << 7 << 2 << DType::UInt16;
        QTest::newRow("RGBA f16") << 100 << 3 << 4 << DType::Float16;
        QTest::newRow("RGB f32") << 21 << 9 << 3 << DType::Float32;
        QTest::newRow("row exactly 64 bytes") << 16 << 4 << 4 << DType::UInt8;
        QTest::newRow("6 channels") << 5 << 5 << 6 << DType::Float32;
    }
    void layout()
    {
        QFETCH(int, width);
        QFETCH(int, height);
        QFETCH(int, channels);
        QFETCH(DType, type);
        const Image image = Image::create(width, height, channels, type);
        QVERIFY(!image.isNull());
        QCOMPARE(image.width(), width);
        QCOMPARE(image.height(), height);
        QCOMPARE(image.channels(), channels);
        QCOMPARE(image.dtype(), type);
        const std::ptrdiff_t pixelBytes = channels * std::ptrdiff_t(livepix::byteSize(type));
        QCOMPARE(image.xStride(), pixelBytes);
        // Rows: the smallest multiple of 64 that holds a row.
        const std::ptrdiff_t rowBytes = pixelBytes * width;
        QCOMPARE(image.yStride() % 64, std::ptrdiff_t(0));
        QVERIFY(image.yStride() >= rowBytes);
        QVERIFY(image.yStride() < rowBytes + 64);
        QCOMPARE(std::size_t(image.yStride()), livepix::paddedRowBytes(width, channels, type));
        QCOMPARE(image.offset(), std::size_t(0));
        QVERIFY(image.isInterleaved());
        QCOMPARE(image.isContiguous(), image.yStride() == rowBytes);
        // One allocation holding all rows, every row 64-byte aligned.
        QCOMPARE(image.buffer()->size(), std::size_t(image.yStride()) * height);
        for (int y = 0; y < height; ++y)
            QCOMPARE(reinterpret_cast<std::uintptr_t>(image.row(y)) % 64, std::uintptr_t(0));
        QCOMPARE(image.pixel(1 % width, height - 1),
                 image.data() + (height - 1) * image.yStride() + (1 % width) * image.xStride());
        // Zero-filled.
        for (int y = 0; y < height; ++y)
            for (int x = 0; x < width; ++x)
                for (int c = 0; c < channels; ++c)
                    QCOMPARE(image.valueAt(x, y, c), 0.f);
        QCOMPARE(int(image.channelNames().size()), channels);
    }

    void createRejectsBadSizes_data()
    {
        QTest::addColumn<int>("width");
        QTest::addColumn<int>("height");
        QTest::addColumn<int>("channels");
        QTest::newRow("zero width") << 0 << 4 << 3;
        QTest::newRow("negative height") << 4 << -1 << 3;
        QTest::newRow("no channels") << 4 << 4 << 0;
        QTest::newRow("too many channels") << 4 << 4 << Image::maxChannels + 1;
    }
    void createRejectsBadSizes()
    {
        QFETCH(int, width);
        QFETCH(int, height);
        QFETCH(int, channels);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, Image::create(width, height, channels, DType::UInt8));
    }

    void createRejectsOverflow_data()
    {
        // Byte counts that overflow 64 bits (or exceed PTRDIFF_MAX), with 1 to
        // 4 channels as well as the issue's 16: refusing many channels is not
        // the fix, checking the arithmetic is.
        QTest::addColumn<int>("width");
        QTest::addColumn<int>("height");
        QTest::addColumn<int>("channels");
        QTest::addColumn<DType>("type");
        QTest::addColumn<QString>("overflow");
        QTest::newRow("2^29 x 2^29, 16 float32") << (1 << 29) << (1 << 29) << 16 << DType::Float32
                                                 << "34359738368 * 536870912 overflows";
        QTest::newRow("max x max, 4 float32") << INT_MAX << INT_MAX << 4 << DType::Float32
                                              << "34359738368 * 2147483647 overflows";
        QTest::newRow("max x max, 2 uint16 (2^64 - 2^33)") << INT_MAX << INT_MAX << 2 << DType::UInt16
                                                           << "is larger than the largest offset";
        QTest::newRow("max x max, 3 uint8 (over PTRDIFF_MAX)")
            << INT_MAX << INT_MAX << 3 << DType::UInt8 << "is larger than the largest offset";
        QTest::newRow("2^30 x 2^30, 4 float16 (exactly 2^63)")
            << (1 << 30) << (1 << 30) << 4 << DType::Float16 << "is larger than the largest offset";
        QTest::newRow("2^31-1 wide, 2^30 high, 1 float32")
            << INT_MAX << (1 << 30) << 1 << DType::Float32 << "is larger than the largest offset";
    }
    void createRejectsOverflow()
    {
        QFETCH(int, width);
        QFETCH(int, height);
        QFETCH(int, channels);
        QFETCH(DType, type);
        QFETCH(QString, overflow);
        const auto before = PixelBuffer::liveCount();
        QString message;
        try {
            Image::create(width, height, channels, type);
        } catch (const std::invalid_argument &e) {
            message = e.what();
        }
        // Names the layout and the sum that does not fit.
        const QString layout = QStringLiteral("%1x%2 image with %3 %4 channel").arg(width).arg(height).arg(channels)
                                   .arg(livepix::dtypeName(type));
        QVERIFY2(message.contains(layout) && message.contains("too large") && message.contains(overflow),
                 qPrintable(message));
        QCOMPARE(PixelBuffer::liveCount(), before);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, livepix::imageByteCount(width, height, channels, type));
    }

    void byteCountsAreExact()
    {
        QCOMPARE(livepix::paddedRowBytes(INT_MAX, Image::maxChannels, DType::Float32), std::size_t(INT_MAX) * 4096);
        QCOMPARE(livepix::paddedRowBytes(INT_MAX, 3, DType::UInt8), std::size_t(6442450944)); // 3 * INT_MAX, padded
        QCOMPARE(livepix::imageByteCount(3, 5, 3, DType::UInt8), std::size_t(64 * 5));
        QCOMPARE(livepix::imageByteCount(INT_MAX, 1, 4, DType::Float32), livepix::paddedRowBytes(INT_MAX, 4, DType::Float32));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, livepix::paddedRowBytes(-1, 3, DType::UInt8));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, livepix::paddedRowBytes(3, -1, DType::UInt8));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, livepix::imageByteCount(3, -1, 3, DType::UInt8));
    }

    void viewArithmeticDoesNotWrap_data()
    {
        // With int sums x + width wrapped negative and passed the bounds check.
        QTest::addColumn<int>("x");
        QTest::addColumn<int>("y");
        QTest::addColumn<int>("width");
        QTest::addColumn<int>("height");
        QTest::newRow("x + width past INT_MAX") << 1 << 0 << INT_MAX << 1;
        QTest::newRow("y + height past INT_MAX") << 0 << 1 << 1 << INT_MAX;
        QTest::newRow("both at INT_MAX") << INT_MAX << INT_MAX << INT_MAX << INT_MAX;
        QTest::newRow("x = INT_MAX") << INT_MAX << 0 << 1 << 1;
        QTest::newRow("negative width") << 2 << 2 << -1 << 1;
        QTest::newRow("INT_MIN x") << INT_MIN << 0 << 1 << 1;
    }
    void viewArithmeticDoesNotWrap()
    {
        QFETCH(int, x);
        QFETCH(int, y);
        QFETCH(int, width);
        QFETCH(int, height);
        const Image image = Image::create(10, 10, 4, DType::Float32);
        QVERIFY_THROWS_EXCEPTION(std::out_of_range, image.view(x, y, width, height));
        QVERIFY_THROWS_EXCEPTION(std::out_of_range, image.view(2, 2, 5, 5).view(x, y, width, height));
    }

    void channelViewArithmeticDoesNotWrap()
    {
        const Image image = Image::create(4, 4, 4, DType::UInt8);
        QVERIFY_THROWS_EXCEPTION(std::out_of_range, image.channelView(1, INT_MAX));
        QVERIFY_THROWS_EXCEPTION(std::out_of_range, image.channelView(INT_MAX, 1));
        QVERIFY_THROWS_EXCEPTION(std::out_of_range, image.channelView(INT_MAX, INT_MAX));
        QVERIFY_THROWS_EXCEPTION(std::out_of_range, image.channelView(2, 1).channelView(0, 2));
        QCOMPARE(image.channelView(3, 1).offset(), std::size_t(3));
    }

    void nullImage()
    {
        const Image image;
        QVERIFY(image.isNull());
        QCOMPARE(image.data(), nullptr);
        QVERIFY(image.copy().isNull());
        QCOMPARE(image.revision(), std::uint64_t(0));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, image.at<std::uint8_t>(0, 0, 0));
    }

    void viewSharesMemory()
    {
        const Image parent = Image::create(10, 8, 3, DType::UInt16);
        const Image crop = parent.view(2, 3, 5, 4);
        QCOMPARE(crop.buffer(), parent.buffer());
        QCOMPARE(crop.width(), 5);
        QCOMPARE(crop.height(), 4);
        QCOMPARE(crop.xStride(), parent.xStride());
        QCOMPARE(crop.yStride(), parent.yStride());
        QCOMPARE(crop.data(), parent.pixel(2, 3));
        QVERIFY(!crop.isContiguous());
        // Write through the view, read through the parent, and back.
        crop.at<std::uint16_t>(0, 0, 1) = 1234;
        crop.at<std::uint16_t>(4, 3, 2) = 65535;
        QCOMPARE(parent.at<std::uint16_t>(2, 3, 1), std::uint16_t(1234));
        QCOMPARE(parent.at<std::uint16_t>(6, 6, 2), std::uint16_t(65535));
        parent.at<std::uint16_t>(3, 4, 0) = 7;
        QCOMPARE(crop.at<std::uint16_t>(1, 1, 0), std::uint16_t(7));
        // A view of a view is still relative to its own origin.
        const Image inner = crop.view(1, 1, 2, 2);
        QCOMPARE(inner.at<std::uint16_t>(0, 0, 0), std::uint16_t(7));
        QCOMPARE(inner.data(), parent.pixel(3, 4));
        // Views share the revision: a change marked anywhere is seen everywhere.
        const auto before = parent.revision();
        inner.markChanged();
        QCOMPARE(parent.revision(), before + 1);
    }

    void viewOutsideThrows_data()
    {
        QTest::addColumn<QRect>("rect");
        QTest::newRow("negative x") << QRect(-1, 0, 2, 2);
        QTest::newRow("past right edge") << QRect(9, 0, 2, 2);
        QTest::newRow("past bottom edge") << QRect(0, 7, 2, 2);
        QTest::newRow("empty") << QRect(0, 0, 0, 2);
    }
    void viewOutsideThrows()
    {
        QFETCH(QRect, rect);
        const Image parent = Image::create(10, 8, 1, DType::UInt8);
        QVERIFY_THROWS_EXCEPTION(std::out_of_range, parent.view(rect.x(), rect.y(), rect.width(), rect.height()));
    }

    void channelViewSharesMemory()
    {
        Image rgba = Image::create(6, 4, 4, DType::Float32);
        rgba.setChannelNames({"R", "G", "B", "A"});
        const Image rgb = rgba.channelView(0, 3);
        const Image alpha = rgba.channelView(3, 1);
        const Image gb = rgba.channelView(1, 2);
        QCOMPARE(rgb.channels(), 3);
        QCOMPARE(alpha.channels(), 1);
        QCOMPARE(rgb.xStride(), rgba.xStride()); // still steps over whole RGBA pixels
        QVERIFY(!rgb.isInterleaved());
        QCOMPARE(alpha.data(), rgba.data() + 3 * sizeof(float));
        QCOMPARE(gb.channelNames(), (std::vector<std::string>{"G", "B"}));
        QCOMPARE(alpha.channelNames(), std::vector<std::string>{"A"});
        QCOMPARE(alpha.alphaChannel(), 0);
        QCOMPARE(rgb.alphaChannel(), -1);
        alpha.at<float>(5, 3, 0) = 0.25f;
        QCOMPARE(rgba.at<float>(5, 3, 3), 0.25f);
        gb.at<float>(2, 1, 0) = 2.f; // G
        QCOMPARE(rgba.at<float>(2, 1, 1), 2.f);
        QCOMPARE(rgb.at<float>(2, 1, 1), 2.f);
        // A crop of a channel view.
        const Image corner = alpha.view(4, 2, 2, 2);
        QCOMPARE(corner.at<float>(1, 1, 0), 0.25f);
        QVERIFY_THROWS_EXCEPTION(std::out_of_range, rgba.channelView(2, 3));
        QVERIFY_THROWS_EXCEPTION(std::out_of_range, rgba.channelView(-1, 1));
        QVERIFY_THROWS_EXCEPTION(std::out_of_range, alpha.at<float>(0, 0, 1));
    }

    void copyIsIndependent()
    {
        Image original = testsupport::makeTestImage(9, 7, 4, DType::UInt8);
        original.setPath("/tmp/x.png");
        original.setSourceType("int16");
        original.setMetadataValue("Artist", "someone");
        const Image copy = original.copy();
        QVERIFY(copy.buffer() != original.buffer());
        QCOMPARE(testsupport::pixelDifference(copy, original), QString());
        QCOMPARE(copy.path(), original.path());
        QCOMPARE(copy.sourceType(), original.sourceType());
        QCOMPARE(copy.metadata().get("Artist").value_or(""), std::string("someone"));
        copy.at<std::uint8_t>(0, 0, 0) = std::uint8_t(original.at<std::uint8_t>(0, 0, 0) + 1);
        QVERIFY(copy.at<std::uint8_t>(0, 0, 0) != original.at<std::uint8_t>(0, 0, 0));
        original.at<std::uint8_t>(8, 6, 3) = std::uint8_t(copy.at<std::uint8_t>(8, 6, 3) + 1);
        QVERIFY(copy.at<std::uint8_t>(8, 6, 3) != original.at<std::uint8_t>(8, 6, 3));
    }

    void copyOfViewIsCompact()
    {
        const Image parent = testsupport::makeTestImage(20, 10, 4, DType::UInt16);
        const Image view = parent.view(3, 2, 11, 5).channelView(1, 2);
        const Image copy = view.copy();
        QVERIFY(copy.isInterleaved());
        QCOMPARE(copy.offset(), std::size_t(0));
        QCOMPARE(copy.xStride(), std::ptrdiff_t(2 * 2));
        QCOMPARE(std::size_t(copy.yStride()), livepix::paddedRowBytes(11, 2, DType::UInt16));
        QCOMPARE(testsupport::pixelDifference(copy, view), QString());
        QCOMPARE(copy.channelNames(), (std::vector<std::string>{"G", "B"}));
    }

    void copyPixelsFromChecksLayout()
    {
        const Image a = testsupport::makeTestImage(4, 4, 3, DType::Float16);
        const Image b = Image::create(4, 4, 3, DType::Float16);
        b.copyPixelsFrom(a);
        QCOMPARE(testsupport::pixelDifference(a, b), QString());
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, b.copyPixelsFrom(Image::create(4, 4, 3, DType::Float32)));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, b.copyPixelsFrom(Image::create(4, 5, 3, DType::Float16)));
        // Into a channel view: only those channels change.
        const Image target = Image::create(4, 4, 4, DType::Float16);
        target.channelView(1, 3).copyPixelsFrom(a);
        QCOMPARE(target.valueAt(2, 2, 0), 0.f);
        QCOMPARE(target.valueAt(2, 2, 3), a.valueAt(2, 2, 2));
    }

    void viewKeepsBufferAlive()
    {
        const auto before = PixelBuffer::liveCount();
        Image crop;
        Image alpha;
        {
            Image parent = Image::create(64, 64, 4, DType::UInt8);
            QCOMPARE(PixelBuffer::liveCount(), before + 1);
            crop = parent.view(10, 10, 5, 5);
            alpha = parent.channelView(3, 1);
            parent.at<std::uint8_t>(12, 12, 3) = 99;
        }
        // The parent handle is gone; its memory is not.
        QCOMPARE(PixelBuffer::liveCount(), before + 1);
        QCOMPARE(crop.at<std::uint8_t>(2, 2, 3), std::uint8_t(99));
        QCOMPARE(alpha.at<std::uint8_t>(12, 12, 0), std::uint8_t(99));
        crop = Image();
        QCOMPARE(PixelBuffer::liveCount(), before + 1);
        alpha = Image();
        QCOMPARE(PixelBuffer::liveCount(), before);
    }

    void copyDoesNotKeepSourceAlive()
    {
        const auto before = PixelBuffer::liveCount();
        Image copy;
        {
            const Image source = Image::create(8, 8, 1, DType::UInt8);
            copy = source.copy();
            QCOMPARE(PixelBuffer::liveCount(), before + 2);
        }
        QCOMPARE(PixelBuffer::liveCount(), before + 1);
    }

    void typedAccessChecksDType_data()
    {
        QTest::addColumn<DType>("type");
        QTest::newRow("uint8") << DType::UInt8;
        QTest::newRow("uint16") << DType::UInt16;
        QTest::newRow("float16") << DType::Float16;
        QTest::newRow("float32") << DType::Float32;
    }
    void typedAccessChecksDType()
    {
        QFETCH(DType, type);
        const Image image = Image::create(3, 2, 2, type);
        auto accepts = [&](auto tag) {
            using T = decltype(tag);
            try {
                image.at<T>(1, 1, 1) = T(3);
                return true;
            } catch (const std::invalid_argument &e) {
                // The message names both types.
                const QString message = e.what();
                if (!message.contains(livepix::dtypeName(livepix::DTypeOf<T>::value)) ||
                    !message.contains(livepix::dtypeName(type)))
                    qWarning() << "unhelpful message:" << message;
                return false;
            }
        };
        QCOMPARE(accepts(std::uint8_t()), type == DType::UInt8);
        QCOMPARE(accepts(std::uint16_t()), type == DType::UInt16);
        QCOMPARE(accepts(livepix::float16()), type == DType::Float16);
        QCOMPARE(accepts(float()), type == DType::Float32);
        QCOMPARE(image.valueAt(1, 1, 1), 3.f); // written by the accepted type
        QVERIFY_THROWS_EXCEPTION(std::out_of_range, image.valueAt(3, 0, 0));
        QVERIFY_THROWS_EXCEPTION(std::out_of_range, image.valueAt(0, 2, 0));
        QVERIFY_THROWS_EXCEPTION(std::out_of_range, image.valueAt(0, 0, 2));
        QVERIFY_THROWS_EXCEPTION(std::out_of_range, image.valueAt(-1, 0, 0));
    }

    void wrapChecksBounds()
    {
        auto buffer = PixelBuffer::allocate(100);
        const Image image = Image::wrap(buffer, 4, 4, 4, 2, DType::UInt8, 2, 24);
        QCOMPARE(image.buffer(), buffer);
        QCOMPARE(image.data(), buffer->data() + 4);
        // End of the last pixel: offset + 3*24 + 3*2 + 2 = offset + 80; 20 just fits in 100 bytes, 21 does not.
        QCOMPARE(Image::wrap(buffer, 20, 4, 4, 2, DType::UInt8, 2, 24).pixel(3, 3) + 2, buffer->data() + 100);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, Image::wrap(buffer, 21, 4, 4, 2, DType::UInt8, 2, 24));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, Image::wrap(nullptr, 0, 1, 1, 1, DType::UInt8, 1, 1));
        // Negative strides (bottom-up rows) are fine while inside the buffer.
        const Image flipped = Image::wrap(buffer, 72, 4, 4, 2, DType::UInt8, 2, -24);
        QCOMPARE(flipped.row(3), buffer->data());
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, Image::wrap(buffer, 10, 4, 4, 2, DType::UInt8, 2, -24));
    }

    void wrapArithmeticDoesNotWrap_data()
    {
        // Strides and offsets whose extent overflows: with unchecked sums
        // some of these wrapped to a small extent and were accepted.
        constexpr std::ptrdiff_t Max = PTRDIFF_MAX;
        constexpr std::ptrdiff_t Min = PTRDIFF_MIN;
        QTest::addColumn<qulonglong>("offset");
        QTest::addColumn<int>("width");
        QTest::addColumn<int>("height");
        QTest::addColumn<int>("channels");
        QTest::addColumn<qlonglong>("xStride");
        QTest::addColumn<qlonglong>("yStride");
        QTest::newRow("end of last pixel past PTRDIFF_MAX") << 0ull << 2 << 1 << 1 << qlonglong(Max) << 1ll;
        QTest::newRow("(width - 1) * xStride overflows") << 0ull << 3 << 1 << 4 << qlonglong(Max / 2 + 1) << 1ll;
        QTest::newRow("(height - 1) * yStride overflows") << 0ull << 1 << INT_MAX << 2 << 2ll << qlonglong(Max / 4);
        QTest::newRow("negative strides, lowest byte overflows")
            << 0ull << 2 << 2 << 1 << qlonglong(Min / 2 - 1) << qlonglong(Min / 2 - 1);
        QTest::newRow("negative yStride = PTRDIFF_MIN") << 64ull << 1 << 2 << 1 << 1ll << qlonglong(Min);
        QTest::newRow("negative xStride, positive yStride") << 8ull << INT_MAX << 1 << 3 << -3ll << 64ll;
        QTest::newRow("offset beyond PTRDIFF_MAX") << qulonglong(SIZE_MAX - 10) << 1 << 1 << 1 << 1ll << 1ll;
        QTest::newRow("offset + extent wraps") << qulonglong(Max) << 2 << 1 << 1 << 1ll << 1ll;
        QTest::newRow("INT_MAX wide, 4 float32") << 0ull << INT_MAX << 1 << 4 << 16ll << 0ll;
    }
    void wrapArithmeticDoesNotWrap()
    {
        QFETCH(qulonglong, offset);
        QFETCH(int, width);
        QFETCH(int, height);
        QFETCH(int, channels);
        QFETCH(qlonglong, xStride);
        QFETCH(qlonglong, yStride);
        auto buffer = PixelBuffer::allocate(4096);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                                 Image::wrap(buffer, offset, width, height, channels, DType::Float32, xStride, yStride));
    }

    void wrapNamesTheLayout()
    {
        auto buffer = PixelBuffer::allocate(100);
        QString message;
        try {
            Image::wrap(buffer, 10, 4, 4, 2, DType::UInt8, 2, -24);
        } catch (const std::invalid_argument &e) {
            message = e.what();
        }
        QCOMPARE(message, QStringLiteral("Image::wrap: a 4x4 image with 2 uint8 channels with strides (2, -24) at "
                                         "offset 10 spans bytes -62..18, outside the buffer's 100 bytes"));
    }

    void handlesShareDescriptiveState()
    {
        // What a script sets through viewer.image (a copy of the document's
        // handle) is what the document's handle reads and saves.
        Image document = Image::create(3, 2, 4, DType::UInt8);
        Image script = document;
        script.setChannelNames({"red", "green", "blue", "alpha"});
        script.setMetadataValue("Artist", "someone");
        script.setPath("/tmp/renamed.exr");
        script.setSourceType("int16");
        script.setReadOnly(true);
        QCOMPARE(document.channelNames(), (std::vector<std::string>{"red", "green", "blue", "alpha"}));
        QCOMPARE(document.metadata().get("Artist").value_or(""), std::string("someone"));
        QCOMPARE(document.path(), std::string("/tmp/renamed.exr"));
        QCOMPARE(document.sourceType(), std::string("int16"));
        QVERIFY(document.readOnly());
        QCOMPARE(document.alphaChannel(), 3);

        document.removeMetadataValue("Artist");
        QVERIFY(!script.metadata().contains("Artist"));
        livepix::Metadata all;
        all.set("Software", "livepix");
        document.setMetadata(all);
        QCOMPARE(script.metadata().get("Software").value_or(""), std::string("livepix"));
        QCOMPARE(script.metadata().size(), std::size_t(1));
        // A handle replaced by another image no longer shares anything.
        script = Image::create(3, 2, 4, DType::UInt8);
        script.setMetadataValue("Artist", "other");
        QVERIFY(!document.metadata().contains("Artist"));
    }

    void viewsAndCopiesStartWithACopy()
    {
        Image parent = Image::create(8, 8, 4, DType::UInt16);
        parent.setMetadataValue("Artist", "parent");
        parent.setPath("/tmp/parent.png");
        parent.setReadOnly(true);
        Image crop = parent.view(1, 1, 4, 4);
        Image rgb = parent.channelView(0, 3);
        Image copy = parent.copy();
        for (const Image *child : {&crop, &rgb, &copy}) {
            QCOMPARE(child->metadata().get("Artist").value_or(""), std::string("parent"));
            QCOMPARE(child->path(), std::string("/tmp/parent.png"));
        }
        QVERIFY(crop.readOnly() && rgb.readOnly());
        QVERIFY(!copy.readOnly()); // a deep copy is new memory of the caller's own
        QCOMPARE(rgb.channelNames(), (std::vector<std::string>{"R", "G", "B"}));

        // From then on each lives on its own, both ways.
        crop.setMetadataValue("Artist", "crop");
        rgb.setChannelNames({"X", "Y", "Z"});
        copy.setPath("/tmp/copy.png");
        parent.setMetadataValue("Software", "parent only");
        QCOMPARE(parent.metadata().get("Artist").value_or(""), std::string("parent"));
        QCOMPARE(parent.channelNames(), (std::vector<std::string>{"R", "G", "B", "A"}));
        QCOMPARE(parent.path(), std::string("/tmp/parent.png"));
        for (const Image *child : {&crop, &rgb, &copy})
            QVERIFY(!child->metadata().contains("Software"));
        // A copy of a view's handle shares the view's state, not the parent's.
        Image cropAgain = crop;
        cropAgain.setMetadataValue("Title", "crop title");
        QVERIFY(crop.metadata().contains("Title"));
        QVERIFY(!parent.metadata().contains("Title"));
    }

    void nullImageHasNoState()
    {
        Image image;
        QVERIFY(image.channelNames().empty());
        QVERIFY(image.metadata().empty());
        QCOMPARE(image.path(), std::string());
        QVERIFY(!image.readOnly());
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, image.setPath("/tmp/x.png"));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, image.setMetadataValue("Artist", "x"));
    }

    void stateIsSafeFromTwoThreads()
    {
        // The Python thread writes names and metadata while the GUI thread
        // reads them (to save, or for the pixel readout). Each read is a
        // consistent snapshot: under ASan/TSan an unlocked version of this
        // shows up as a heap-use-after-free or a data race.
        Image gui = Image::create(2, 2, 3, DType::UInt8);
        Image python = gui;
        constexpr int Rounds = 2000;
        std::thread writer([&] {
            for (int i = 0; i < Rounds; ++i) {
                const std::string n = std::to_string(i);
                python.setChannelNames({"R" + n, "G" + n, "B" + n});
                python.setMetadataValue("Counter", n + std::string(64, 'x'));
                python.setPath("/tmp/image-" + n + ".png");
            }
        });
        int consistent = 0;
        for (int i = 0; i < Rounds; ++i) {
            const std::vector<std::string> names = gui.channelNames();
            const livepix::Metadata metadata = gui.metadata();
            const std::string path = gui.path();
            consistent += names.size() == 3 && names[0].substr(1) == names[2].substr(1) ? 1 : 0;
            (void)metadata.get("Counter");
        }
        writer.join();
        QCOMPARE(consistent, Rounds);
        QCOMPARE(gui.channelNames()[0], "R" + std::to_string(Rounds - 1));
    }

    void channelNamesAndAlpha()
    {
        QCOMPARE(Image::defaultChannelNames(1), std::vector<std::string>{"Y"});
        QCOMPARE(Image::defaultChannelNames(2), (std::vector<std::string>{"Y", "A"}));
        QCOMPARE(Image::defaultChannelNames(4), (std::vector<std::string>{"R", "G", "B", "A"}));
        QCOMPARE(Image::defaultChannelNames(6).back(), std::string("5"));
        Image image = Image::create(2, 2, 4, DType::UInt8);
        QCOMPARE(image.alphaChannel(), 3);
        image.setChannelNames({"alpha", "X", "Y", "Z"});
        QCOMPARE(image.alphaChannel(), 0);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, image.setChannelNames({"R", "G"}));
        QCOMPARE(Image::create(2, 2, 3, DType::UInt8).alphaChannel(), -1);
    }
};

QTEST_APPLESS_MAIN(TestImage)
#include "tst_image.moc"
