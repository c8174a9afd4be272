// pixelInfo: the status bar's pixel inspector text.
#include <QtTest>

#include <livepix/image.h>

#include "viewer/pixelinfo.h"

using namespace livepix;
using namespace livepix::gui;

class TestPixelInfo : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void formats_data();
    void formats();
    void outsideTheImage();
    void manyChannelsAreCut();
};

void TestPixelInfo::formats_data()
{
    QTest::addColumn<QString>("dtype");
    QTest::addColumn<int>("channels");
    QTest::addColumn<QString>("expected");
    QTest::newRow("uint8 rgba") << "uint8" << 4 << "3, 1: R 200  G 0  B 0  A 255";
    QTest::newRow("uint8 gray") << "uint8" << 1 << "3, 1: Y 200";
    QTest::newRow("uint16 gray+alpha") << "uint16" << 2 << "3, 1: Y 60000  A 65535";
    QTest::newRow("float16 rgb") << "float16" << 3 << "3, 1: R 0.3333  G 0  B 0";
    QTest::newRow("float32 rgb") << "float32" << 3 << "3, 1: R 1234.57  G 0  B 0";
}

void TestPixelInfo::formats()
{
    QFETCH(QString, dtype);
    QFETCH(int, channels);
    QFETCH(QString, expected);
    const DType type = parseDType(dtype.toStdString());
    Image image = Image::create(5, 2, channels, type);
    const bool alpha = channels == 2 || channels == 4;
    switch (type) {
    case DType::UInt8:
        image.at<std::uint8_t>(3, 1, 0) = 200;
        if (alpha)
            image.at<std::uint8_t>(3, 1, channels - 1) = 255;
        break;
    case DType::UInt16:
        image.at<std::uint16_t>(3, 1, 0) = 60000;
        if (alpha)
            image.at<std::uint16_t>(3, 1, channels - 1) = 65535;
        break;
    case DType::Float16:
        image.at<float16>(3, 1, 0) = float16(1.0f / 3.0f);
        break;
    case DType::Float32:
        image.at<float>(3, 1, 0) = 1234.5678f;
        break;
    }
    QCOMPARE(pixelInfo(image, 3, 1), expected);
}

void TestPixelInfo::outsideTheImage()
{
    const Image image = Image::create(5, 2, 3, DType::UInt8);
    QCOMPARE(pixelInfo(image, 5, 0), QStringLiteral("5, 0"));
    QCOMPARE(pixelInfo(image, -1, 1), QStringLiteral("-1, 1"));
    QCOMPARE(pixelInfo(Image(), 0, 0), QStringLiteral("0, 0"));
}

void TestPixelInfo::manyChannelsAreCut()
{
    Image image = Image::create(1, 1, 10, DType::UInt8);
    image.at<std::uint8_t>(0, 0, 9) = 9;
    const QString text = pixelInfo(image, 0, 0);
    QVERIFY2(text.startsWith(QStringLiteral("0, 0: R 0  G 0  B 0  A 0  4 0")), qPrintable(text));
    QVERIFY2(text.endsWith(QStringLiteral("(10 channels)")), qPrintable(text));
}

QTEST_MAIN(TestPixelInfo)
#include "tst_pixelinfo.moc"
