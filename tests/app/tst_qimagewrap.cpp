// wrapImage: a QImage over the core buffer, with no copy, that keeps it alive.
#include <QtTest>

#include <livepix/image.h>

#include "viewer/qimagewrap.h"

using namespace livepix;
using namespace livepix::gui;

Q_DECLARE_METATYPE(livepix::DType)

class TestQImageWrap : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void wrapsWithoutCopy_data();
    void wrapsWithoutCopy();
    void keepsBufferAlive();
    void writesThroughToTheBuffer();
    void unsupportedLayoutsGiveNull_data();
    void unsupportedLayoutsGiveNull();
};

void TestQImageWrap::wrapsWithoutCopy_data()
{
    QTest::addColumn<DType>("dtype");
    QTest::addColumn<int>("channels");
    QTest::addColumn<int>("format");
    QTest::newRow("uint8 gray") << DType::UInt8 << 1 << int(QImage::Format_Grayscale8);
    QTest::newRow("uint8 rgb") << DType::UInt8 << 3 << int(QImage::Format_RGB888);
    QTest::newRow("uint8 rgba") << DType::UInt8 << 4 << int(QImage::Format_RGBA8888);
    QTest::newRow("uint16 gray") << DType::UInt16 << 1 << int(QImage::Format_Grayscale16);
    QTest::newRow("uint16 rgba") << DType::UInt16 << 4 << int(QImage::Format_RGBA64);
    QTest::newRow("float16 rgba") << DType::Float16 << 4 << int(QImage::Format_RGBA16FPx4);
    QTest::newRow("float32 rgba") << DType::Float32 << 4 << int(QImage::Format_RGBA32FPx4);
}

void TestQImageWrap::wrapsWithoutCopy()
{
    QFETCH(DType, dtype);
    QFETCH(int, channels);
    QFETCH(int, format);
    const Image image = Image::create(37, 11, channels, dtype); // odd width: padded rows
    const QImage wrapped = wrapImage(image);
    QVERIFY(!wrapped.isNull());
    QCOMPARE(int(wrapped.format()), format);
    QCOMPARE(wrapped.size(), QSize(37, 11));
    QCOMPARE(wrapped.constBits(), image.data());
    QCOMPARE(wrapped.bytesPerLine(), qsizetype(image.yStride()));

    // A crop that keeps 4-byte alignment is wrapped in place too.
    const Image crop = image.view(4, 2, 20, 5);
    if (wrappableFormat(crop) != QImage::Format_Invalid) {
        const QImage wrappedCrop = wrapImage(crop);
        QCOMPARE(wrappedCrop.constBits(), crop.data());
        QCOMPARE(wrappedCrop.size(), QSize(20, 5));
    }
}

void TestQImageWrap::keepsBufferAlive()
{
    const std::int64_t before = PixelBuffer::liveCount();
    QImage wrapped;
    {
        Image image = Image::create(16, 16, 4, DType::UInt8);
        image.at<std::uint8_t>(3, 2, 1) = 77;
        wrapped = wrapImage(image);
        QCOMPARE(PixelBuffer::liveCount(), before + 1);
    }
    // The Image handle is gone; the QImage still holds the buffer.
    QCOMPARE(PixelBuffer::liveCount(), before + 1);
    QCOMPARE(qGreen(wrapped.pixel(3, 2)), 77);
    const QImage shallow = wrapped; // a shallow copy shares the same reference
    wrapped = QImage();
    QCOMPARE(PixelBuffer::liveCount(), before + 1);
    QCOMPARE(qGreen(shallow.pixel(3, 2)), 77);
    const_cast<QImage &>(shallow) = QImage();
    QCOMPARE(PixelBuffer::liveCount(), before);
}

void TestQImageWrap::writesThroughToTheBuffer()
{
    const Image image = Image::create(8, 8, 4, DType::UInt8);
    QImage wrapped = wrapImage(image);
    wrapped.setPixelColor(5, 6, QColor(10, 20, 30, 40));
    QCOMPARE(wrapped.constBits(), image.data()); // not detached
    QCOMPARE(int(image.at<std::uint8_t>(5, 6, 0)), 10);
    QCOMPARE(int(image.at<std::uint8_t>(5, 6, 3)), 40);
}

void TestQImageWrap::unsupportedLayoutsGiveNull_data()
{
    QTest::addColumn<DType>("dtype");
    QTest::addColumn<int>("channels");
    QTest::addColumn<bool>("channelSubset");
    QTest::newRow("uint8 2 channels") << DType::UInt8 << 2 << false;
    QTest::newRow("uint16 rgb") << DType::UInt16 << 3 << false;
    QTest::newRow("uint16 2 channels") << DType::UInt16 << 2 << false;
    QTest::newRow("float16 rgb") << DType::Float16 << 3 << false;
    QTest::newRow("float32 rgb") << DType::Float32 << 3 << false;
    QTest::newRow("float32 gray") << DType::Float32 << 1 << false;
    QTest::newRow("float16 gray") << DType::Float16 << 1 << false;
    QTest::newRow("uint8 5 channels") << DType::UInt8 << 5 << false;
    QTest::newRow("rgb view of rgba (not interleaved)") << DType::UInt8 << 4 << true;
}

void TestQImageWrap::unsupportedLayoutsGiveNull()
{
    QFETCH(DType, dtype);
    QFETCH(int, channels);
    QFETCH(bool, channelSubset);
    const std::int64_t before = PixelBuffer::liveCount();
    {
        Image image = Image::create(8, 4, channels, dtype);
        if (channelSubset)
            image = image.channelView(0, 3);
        QCOMPARE(wrappableFormat(image), QImage::Format_Invalid);
        QVERIFY(wrapImage(image).isNull());
    }
    // No reference leaked by the refused wrap.
    QCOMPARE(PixelBuffer::liveCount(), before);
}

QTEST_MAIN(TestQImageWrap)
#include "tst_qimagewrap.moc"
