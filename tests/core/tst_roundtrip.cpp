// Save then load gives back the same bits, for every kept dtype in the
// lossless formats that hold it; straight alpha survives; save options work.
#include <livepix/imageerror.h>
#include <livepix/imageio.h>

#include <QtTest>

#include <filesystem>

#include "testsupport.h"

using livepix::DType;
using livepix::Image;

class TestRoundTrip : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;

    std::string file(const QString &name) const { return m_dir.filePath(name).toStdString(); }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void exact_data()
    {
        QTest::addColumn<QString>("extension");
        QTest::addColumn<DType>("type");
        QTest::addColumn<int>("channels");
        QTest::newRow("png u8 gray") << "png" << DType::UInt8 << 1;
        QTest::newRow("png u8 gray+alpha") << "png" << DType::UInt8 << 2;
        QTest::newRow("png u8 rgb") << "png" << DType::UInt8 << 3;
        QTest::newRow("png u8 rgba") << "png" << DType::UInt8 << 4;
        QTest::newRow("png u16 gray") << "png" << DType::UInt16 << 1;
        QTest::newRow("png u16 gray+alpha") << "png" << DType::UInt16 << 2;
        QTest::newRow("png u16 rgb") << "png" << DType::UInt16 << 3;
        QTest::newRow("png u16 rgba") << "png" << DType::UInt16 << 4;
        QTest::newRow("tiff u8 gray") << "tif" << DType::UInt8 << 1;
        QTest::newRow("tiff u8 rgba") << "tif" << DType::UInt8 << 4;
        QTest::newRow("tiff u16 rgb") << "tif" << DType::UInt16 << 3;
        QTest::newRow("tiff u16 rgba") << "tif" << DType::UInt16 << 4;
        QTest::newRow("tiff f32 gray") << "tif" << DType::Float32 << 1;
        QTest::newRow("tiff f32 rgba") << "tif" << DType::Float32 << 4;
        QTest::newRow("tiff u8 5 channels") << "tif" << DType::UInt8 << 5;
        QTest::newRow("exr f16 rgb") << "exr" << DType::Float16 << 3;
        QTest::newRow("exr f16 rgba") << "exr" << DType::Float16 << 4;
        QTest::newRow("exr f32 gray") << "exr" << DType::Float32 << 1;
        QTest::newRow("exr f32 rgba") << "exr" << DType::Float32 << 4;
        QTest::newRow("exr f32 6 channels") << "exr" << DType::Float32 << 6;
        QTest::newRow("pgm u8") << "pgm" << DType::UInt8 << 1;
        QTest::newRow("ppm u8") << "ppm" << DType::UInt8 << 3;
        QTest::newRow("bmp u8 rgb") << "bmp" << DType::UInt8 << 3;
        QTest::newRow("bmp u8 rgba") << "bmp" << DType::UInt8 << 4;
        QTest::newRow("tga u8 rgba") << "tga" << DType::UInt8 << 4;
    }
    void exact()
    {
        QFETCH(QString, extension);
        QFETCH(DType, type);
        QFETCH(int, channels);
        // An odd width, so rows are padded in memory but not in the file.
        const Image original = testsupport::makeTestImage(37, 23, channels, type);
        const std::string path = file(QStringLiteral("exact_%1_%2_%3.%4")
                                          .arg(livepix::dtypeName(type)).arg(channels).arg(QTest::currentDataTag()
                                          ).arg(extension).replace(' ', '_'));
        livepix::saveImage(original, path);
        const Image loaded = livepix::loadImage(path);
        QCOMPARE(testsupport::pixelDifference(original, loaded), QString());
        QCOMPARE(loaded.sourceType(), std::string());
        QCOMPARE(loaded.path(), path);
        QCOMPARE(loaded.channelNames().size(), std::size_t(channels));
    }

    void views_data()
    {
        QTest::addColumn<QString>("extension");
        QTest::newRow("png") << "png";
        QTest::newRow("tif") << "tif";
        QTest::newRow("exr") << "exr";
    }
    void views()
    {
        // Saving a crop of a channel subset writes exactly those pixels.
        QFETCH(QString, extension);
        const DType type = extension == "exr" ? DType::Float16 : DType::UInt16;
        const Image parent = testsupport::makeTestImage(40, 30, 4, type);
        const Image view = parent.view(5, 7, 21, 13).channelView(0, 3);
        const std::string path = file("view." + extension);
        livepix::saveImage(view, path);
        const Image loaded = livepix::loadImage(path);
        QCOMPARE(testsupport::pixelDifference(view, loaded), QString());
    }

    void straightAlpha_data()
    {
        QTest::addColumn<QString>("extension");
        QTest::addColumn<DType>("type");
        QTest::newRow("png rgba8") << "png" << DType::UInt8;
        QTest::newRow("png rgba16") << "png" << DType::UInt16;
        QTest::newRow("tiff rgba8") << "tif" << DType::UInt8;
        QTest::newRow("tiff rgba16") << "tif" << DType::UInt16;
        QTest::newRow("exr rgba half") << "exr" << DType::Float16;
        QTest::newRow("exr rgba float") << "exr" << DType::Float32;
    }
    void straightAlpha()
    {
        QFETCH(QString, extension);
        QFETCH(DType, type);
        // Colour under alpha 0 and under partial alpha: premultiplying on
        // either side would zero or round it.
        Image image = Image::create(4, 2, 4, type);
        const float colour[4][3] = {{1.f, 0.5f, 0.25f}, {0.2f, 0.9f, 0.7f}, {0.33f, 0.66f, 0.99f}, {1.f, 1.f, 1.f}};
        const float alpha[4] = {0.f, 0.f, 0.1f, 0.5f};
        for (int y = 0; y < 2; ++y)
            for (int x = 0; x < 4; ++x)
                for (int c = 0; c < 4; ++c) {
                    const float v = c < 3 ? colour[x][c] * (y ? 0.5f : 1.f) : alpha[x];
                    switch (type) {
                    case DType::UInt8: image.at<std::uint8_t>(x, y, c) = std::uint8_t(std::lround(v * 255)); break;
                    case DType::UInt16: image.at<std::uint16_t>(x, y, c) = std::uint16_t(std::lround(v * 65535)); break;
                    case DType::Float16: image.at<livepix::float16>(x, y, c) = livepix::float16(v); break;
                    case DType::Float32: image.at<float>(x, y, c) = v; break;
                    }
                }
        const std::string path = file(QStringLiteral("alpha_%1.%2").arg(livepix::dtypeName(type), extension));
        livepix::saveImage(image, path);
        const Image loaded = livepix::loadImage(path);
        QCOMPARE(testsupport::pixelDifference(image, loaded), QString());
        QCOMPARE(loaded.alphaChannel(), 3);
        QVERIFY(loaded.valueAt(0, 0, 0) > 0.f); // colour kept under alpha 0
    }

    void jpegQualityChangesSize()
    {
        // A photo-like image: smooth gradients plus noise.
        const Image image = Image::create(256, 256, 3, DType::UInt8);
        std::mt19937 rng(3);
        for (int y = 0; y < 256; ++y)
            for (int x = 0; x < 256; ++x)
                for (int c = 0; c < 3; ++c)
                    image.at<std::uint8_t>(x, y, c) = std::uint8_t(std::clamp(
                        (x * (c + 1) + y * (3 - c)) / 4 + int(rng() % 21) - 10, 0, 255));
        const std::string low = file("q20.jpg"), high = file("q95.jpg");
        livepix::saveImage(image, low, {{"quality", "20"}});
        livepix::saveImage(image, high, {{"quality", "95"}});
        const qint64 lowSize = QFileInfo(QString::fromStdString(low)).size();
        const qint64 highSize = QFileInfo(QString::fromStdString(high)).size();
        qInfo("JPEG 256x256: quality 20 -> %lld bytes, quality 95 -> %lld bytes", lowSize, highSize);
        QVERIFY2(highSize > 2 * lowSize, "quality barely changes the file size");
        auto meanError = [&](const std::string &path) {
            const Image loaded = livepix::loadImage(path);
            double sum = 0;
            for (int y = 0; y < 256; ++y)
                for (int x = 0; x < 256; ++x)
                    for (int c = 0; c < 3; ++c)
                        sum += std::abs(loaded.valueAt(x, y, c) - image.valueAt(x, y, c));
            return sum / (256 * 256 * 3);
        };
        QVERIFY(meanError(high) < meanError(low));
        QVERIFY2(meanError(high) < 6.0, qPrintable(QString::number(meanError(high))));
        QVERIFY_THROWS_EXCEPTION(livepix::ImageError, livepix::saveImage(image, low, {{"quality", "101"}}));
        QVERIFY_THROWS_EXCEPTION(livepix::ImageError, livepix::saveImage(image, low, {{"quality", "high"}}));
    }

    void jpegDropsAlpha()
    {
        const Image rgba = testsupport::makeTestImage(16, 16, 4, DType::UInt8);
        const std::string path = file("alpha.jpg");
        livepix::saveImage(rgba, path, {{"quality", "100"}});
        const Image loaded = livepix::loadImage(path);
        QCOMPARE(loaded.channels(), 3);
    }

    void compression_data()
    {
        QTest::addColumn<QString>("extension");
        QTest::addColumn<QString>("compression");
        QTest::addColumn<DType>("type");
        QTest::newRow("tiff none") << "tif" << "none" << DType::UInt16;
        QTest::newRow("tiff lzw") << "tif" << "lzw" << DType::UInt16;
        QTest::newRow("tiff zip") << "tif" << "zip" << DType::UInt16;
        QTest::newRow("exr none") << "exr" << "none" << DType::Float16;
        QTest::newRow("exr zip") << "exr" << "zip" << DType::Float16;
        QTest::newRow("exr piz") << "exr" << "piz" << DType::Float16;
        QTest::newRow("exr rle") << "exr" << "rle" << DType::Float16;
    }
    void compression()
    {
        QFETCH(QString, extension);
        QFETCH(QString, compression);
        QFETCH(DType, type);
        // Smooth content compresses; the lossless methods keep every bit.
        const Image image = Image::create(128, 64, 3, type);
        for (int y = 0; y < 64; ++y)
            for (int x = 0; x < 128; ++x)
                for (int c = 0; c < 3; ++c) {
                    if (type == DType::UInt16)
                        image.at<std::uint16_t>(x, y, c) = std::uint16_t(x * 256 + c);
                    else
                        image.at<livepix::float16>(x, y, c) = livepix::float16(float(x) / 128.f + float(c));
                }
        const std::string path = file("compression_" + compression + "." + extension);
        const std::string uncompressed = file("compression_reference." + extension);
        livepix::saveImage(image, path, {{"compression", compression.toStdString()}});
        livepix::saveImage(image, uncompressed, {{"compression", "none"}});
        const Image loaded = livepix::loadImage(path);
        QCOMPARE(testsupport::pixelDifference(image, loaded), QString());
        QCOMPARE(QString::fromStdString(loaded.metadata().get("compression").value_or("")), compression);
        const qint64 size = QFileInfo(QString::fromStdString(path)).size();
        const qint64 reference = QFileInfo(QString::fromStdString(uncompressed)).size();
        if (compression == "none")
            QCOMPARE(size, reference);
        else
            QVERIFY2(size < reference, qPrintable(QStringLiteral("%1 bytes, uncompressed %2").arg(size).arg(reference)));
    }

    void floatToIntegerFormat_data()
    {
        QTest::addColumn<QString>("extension");
        QTest::addColumn<DType>("stored");
        QTest::newRow("png keeps 16 bits") << "png" << DType::UInt16;
        QTest::newRow("jpeg keeps 8 bits") << "jpg" << DType::UInt8;
    }
    void floatToIntegerFormat()
    {
        // Documented in saveImage: the writer's nearest type, clamped to 0..1.
        QFETCH(QString, extension);
        QFETCH(DType, stored);
        Image image = Image::create(3, 1, 3, DType::Float32);
        const float values[3] = {-0.5f, 0.5f, 2.f};
        for (int x = 0; x < 3; ++x)
            for (int c = 0; c < 3; ++c)
                image.at<float>(x, 0, c) = values[x];
        const std::string path = file("float_to_int." + extension);
        livepix::saveImage(image, path, {{"quality", "100"}});
        const Image loaded = livepix::loadImage(path);
        QCOMPARE(loaded.dtype(), stored);
        const float max = stored == DType::UInt16 ? 65535.f : 255.f;
        QCOMPARE(loaded.valueAt(0, 0, 0), 0.f);
        QVERIFY(std::abs(loaded.valueAt(1, 0, 1) - 0.5f * max) <= (stored == DType::UInt8 ? 2.f : 1.f));
        QCOMPARE(loaded.valueAt(2, 0, 2), max);
    }

    void halfTiffStoredAsFloat()
    {
        // TIFF has no half type in OpenImageIO's writer: float16 is widened, exactly.
        const Image image = testsupport::makeTestImage(9, 5, 3, DType::Float16);
        const std::string path = file("half.tif");
        livepix::saveImage(image, path);
        const Image loaded = livepix::loadImage(path);
        QCOMPARE(loaded.dtype(), DType::Float32);
        for (int y = 0; y < 5; ++y)
            for (int x = 0; x < 9; ++x)
                for (int c = 0; c < 3; ++c)
                    QCOMPARE(loaded.valueAt(x, y, c), image.valueAt(x, y, c));
    }

    void overwriteKeepsPermissions()
    {
        const Image image = testsupport::makeTestImage(8, 8, 3, DType::UInt8);
        const QString path = m_dir.filePath("perm.png");
        livepix::saveImage(image, path.toStdString());
        namespace fs = std::filesystem;
        const auto mode = fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read;
        fs::permissions(path.toStdString(), mode);
        livepix::saveImage(testsupport::makeTestImage(8, 8, 3, DType::UInt8, 99), path.toStdString());
        QCOMPARE(fs::status(path.toStdString()).permissions(), mode);
        QCOMPARE(testsupport::pixelDifference(livepix::loadImage(path.toStdString()),
                                              testsupport::makeTestImage(8, 8, 3, DType::UInt8, 99)),
                 QString());
        // No temporary file is left beside it.
        const QStringList left = QDir(m_dir.path()).entryList(QStringList{"*.tmp"}, QDir::Files | QDir::Hidden);
        QVERIFY2(left.isEmpty(), qPrintable(left.join(", ")));
    }
};

QTEST_APPLESS_MAIN(TestRoundTrip)
#include "tst_roundtrip.moc"
