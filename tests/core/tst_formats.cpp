// Every format OpenImageIO reads opens into the core buffer with the right
// layout and pixels: files written by Pillow/NumPy and compared with what
// Pillow decodes, real images from scikit-image, and files made by oiiotool
// for what Pillow cannot write (EXR, HDR, signed and float64 samples, tiles).
#include <livepix/imageerror.h>
#include <livepix/imageio.h>

#include <QtTest>

#include "testsupport.h"

#include <algorithm>

using livepix::DType;
using livepix::Image;

namespace {

// Reads a NAME.raw file written by pil_samples.py into an image.
Image readExpected(const QString &rawPath, int *tolerance)
{
    QFile file(rawPath);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    const QList<QByteArray> header = file.readLine().trimmed().split(' ');
    if (header.size() != 5)
        return {};
    const int w = header[0].toInt(), h = header[1].toInt(), c = header[2].toInt();
    const DType type = livepix::parseDType(header[3].toStdString());
    *tolerance = header[4].toInt();
    Image image = Image::create(w, h, c, type);
    const qint64 rowBytes = qint64(w) * c * qint64(livepix::byteSize(type));
    for (int y = 0; y < h; ++y)
        if (file.read(reinterpret_cast<char *>(image.row(y)), rowBytes) != rowBytes)
            return {};
    return image;
}

} // namespace

class TestFormats : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    QString m_samplesError;

    QString path(const QString &name) const { return m_dir.filePath(name); }
    QString oiiotool(const QStringList &arguments) const { return testsupport::run("oiiotool", arguments); }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_samplesError = testsupport::run(testsupport::python(),
                                          {QFINDTESTDATA("pil_samples.py"), m_dir.path(), testsupport::skimageData()});
    }

    void matchesPillow_data()
    {
        QTest::addColumn<QString>("file");
        QVERIFY2(m_samplesError.isEmpty(), qPrintable(m_samplesError));
        const QStringList raws = QDir(m_dir.path()).entryList(QStringList{"*.raw"}, QDir::Files, QDir::Name);
        QVERIFY(raws.size() >= 16);
        for (const QString &raw : raws) {
            const QString file = raw.chopped(4);
            QTest::newRow(qPrintable(file)) << file;
        }
    }
    void matchesPillow()
    {
        QFETCH(QString, file);
        int tolerance = 0;
        const Image expected = readExpected(path(file + ".raw"), &tolerance);
        QVERIFY(!expected.isNull());
        livepix::ImageFileInfo info;
        const Image loaded = livepix::loadImage(path(file).toStdString(), {}, &info);
        QCOMPARE(loaded.width(), expected.width());
        QCOMPARE(loaded.height(), expected.height());
        QCOMPARE(loaded.channels(), expected.channels());
        QCOMPARE(livepix::dtypeName(loaded.dtype()), livepix::dtypeName(expected.dtype()));
        QVERIFY(reinterpret_cast<std::uintptr_t>(loaded.data()) % 64 == 0);
        if (file.endsWith(".webp") && loaded.channels() == 4) {
            // Known limitation of OpenImageIO 2.4 (documented in imageio.h):
            // its WebP reader premultiplies colour by alpha whatever the
            // UnassociatedAlpha hint says. Alpha and opaque pixels are exact.
            int opaque = 0;
            for (int y = 0; y < loaded.height(); ++y)
                for (int x = 0; x < loaded.width(); ++x) {
                    QCOMPARE(loaded.valueAt(x, y, 3), expected.valueAt(x, y, 3));
                    if (expected.valueAt(x, y, 3) == 255.f) {
                        ++opaque;
                        for (int c = 0; c < 3; ++c)
                            QCOMPARE(loaded.valueAt(x, y, c), expected.valueAt(x, y, c));
                    }
                }
            QVERIFY(opaque > 0);
        } else if (tolerance == 0) {
            QCOMPARE(testsupport::pixelDifference(loaded, expected), QString());
        } else {
            float worst = 0;
            for (int y = 0; y < loaded.height(); ++y)
                for (int x = 0; x < loaded.width(); ++x)
                    for (int c = 0; c < loaded.channels(); ++c)
                        worst = std::max(worst, std::abs(loaded.valueAt(x, y, c) - expected.valueAt(x, y, c)));
            QVERIFY2(worst <= tolerance, qPrintable(QStringLiteral("off by %1").arg(worst)));
        }
        if (file.contains("three_pages"))
            QCOMPARE(info.subimages, 3);
        else if (file.contains("two_frames"))
            QCOMPARE(info.subimages, 2);
        else if (file.contains("multipage"))
            QCOMPARE(info.subimages, 2);
        else
            QCOMPARE(info.subimages, 1);
    }

    void realImages_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QSize>("size");
        QTest::addColumn<int>("channels");
        QTest::addColumn<DType>("type");
        QTest::addColumn<QString>("sourceType");
        QTest::addColumn<int>("subimages");
        QTest::addColumn<QString>("format");
        QTest::newRow("16-bit RGB PNG") << "chessboard_RGB.png" << QSize(200, 200) << 3 << DType::UInt16 << "" << 1 << "png";
        QTest::newRow("RGBA PNG") << "horse.png" << QSize(400, 328) << 4 << DType::UInt8 << "" << 1 << "png";
        QTest::newRow("palette PNG with alpha") << "foo3x5x4indexed.png" << QSize(5, 3) << 4 << DType::UInt8 << "" << 1 << "png";
        QTest::newRow("JPEG") << "hubble_deep_field.jpg" << QSize(1000, 872) << 3 << DType::UInt8 << "" << 1 << "jpeg";
        QTest::newRow("multipage float64 TIFF") << "multipage_rgb.tif" << QSize(10, 10) << 3 << DType::Float32 << "float64"
                                                << 2 << "tiff";
        QTest::newRow("30-page TIFF") << "_blobs_3d_fiji_skeleton.tif" << QSize(32, 32) << 1 << DType::UInt8 << "" << 30
                                      << "tiff";
        QTest::newRow("animated GIF") << "no_time_for_that_tiny.gif" << QSize(14, 25) << 4 << DType::UInt8 << "" << 24
                                      << "gif";
        QTest::newRow("int16 FITS") << "simple.fits" << QSize(256, 256) << 1 << DType::Float32 << "int16" << 1 << "fits";
    }
    void realImages()
    {
        QFETCH(QString, file);
        QFETCH(QSize, size);
        QFETCH(int, channels);
        QFETCH(DType, type);
        QFETCH(QString, sourceType);
        QFETCH(int, subimages);
        QFETCH(QString, format);
        const QString full = testsupport::skimageData() + "/" + file;
        if (!QFile::exists(full))
            QSKIP("python3-skimage's data folder is not installed");
        livepix::ImageFileInfo info;
        const Image image = livepix::loadImage(full.toStdString(), {}, &info);
        QCOMPARE(QSize(image.width(), image.height()), size);
        QCOMPARE(image.channels(), channels);
        QCOMPARE(image.dtype(), type);
        QCOMPARE(QString::fromStdString(image.sourceType()), sourceType);
        QCOMPARE(info.subimages, subimages);
        QCOMPARE(QString::fromStdString(info.formatName), format);
        QCOMPARE(info.subimage, 0);
    }

    void signedIntegersAreNormalised()
    {
        // A real int16 file. NumPy reads the raw big-endian counts after the
        // FITS header; OpenImageIO divides signed values by 32767.
        const QString fits = testsupport::skimageData() + "/simple.fits";
        if (!QFile::exists(fits))
            QSKIP("python3-skimage's data folder is not installed");
        QProcess python;
        python.start(testsupport::python(), {"-c", R"(
import sys, numpy as np
d = open(sys.argv[1], 'rb').read()
end = next(k for k in range(0, len(d), 80) if d[k:k+80].rstrip() == b'END')
start = (end // 2880 + 1) * 2880
a = np.frombuffer(d[start:start + 256 * 256 * 2], dtype='>i2')
print(a.min(), a.max(), (a < 0).sum())
)", fits});
        QVERIFY(python.waitForFinished(60000));
        const QList<QByteArray> counts = python.readAllStandardOutput().trimmed().split(' ');
        QCOMPARE(counts.size(), 3);
        const Image image = livepix::loadImage(fits.toStdString());
        QCOMPARE(QString::fromStdString(image.sourceType()), QString("int16"));
        float lo = 1e9f, hi = -1e9f;
        for (int y = 0; y < image.height(); ++y)
            for (int x = 0; x < image.width(); ++x) {
                lo = std::min(lo, image.at<float>(x, y, 0));
                hi = std::max(hi, image.at<float>(x, y, 0));
            }
        QCOMPARE(hi, counts[1].toFloat() / 32767.f);
        QEXPECT_FAIL("", "OpenImageIO 2.4's FITS reader shifts the image by one row; its top row reads as zeros",
                     Continue);
        QCOMPARE(lo, counts[0].toFloat() / 32767.f);
    }

    void fitsStartsAtFirstImageWithPixels()
    {
        const QString fits = testsupport::skimageData() + "/multi.fits";
        if (!QFile::exists(fits))
            QSKIP("python3-skimage's data folder is not installed");
        livepix::ImageFileInfo info;
        const Image image = livepix::loadImage(fits.toStdString(), {}, &info);
        QVERIFY(info.subimage > 0); // the primary header holds no pixels
        QVERIFY(info.subimages > info.subimage);
        QVERIFY(image.width() > 0 && image.height() > 0);
    }

    void convertedTypes_data()
    {
        QTest::addColumn<QString>("oiioType");
        QTest::addColumn<QString>("sourceType");
        QTest::addColumn<DType>("kept");
        QTest::addColumn<float>("maximum");
        QTest::newRow("int8") << "int8" << "int8" << DType::Float16 << 127.f;
        QTest::newRow("int16") << "int16" << "int16" << DType::Float32 << 32767.f;
        QTest::newRow("int32") << "int32" << "int32" << DType::Float32 << 2147483647.f;
        QTest::newRow("uint32") << "uint32" << "uint32" << DType::Float32 << 4294967295.f;
        QTest::newRow("double") << "double" << "float64" << DType::Float32 << 1.f;
    }
    void convertedTypes()
    {
        QFETCH(QString, oiioType);
        QFETCH(QString, sourceType);
        QFETCH(DType, kept);
        QFETCH(float, maximum);
        // -1, -0.5, 0, 0.5 and 1 in the file's type (oiiotool scales by the maximum too).
        const QString file = path("typed_" + oiioType + ".tif");
        QCOMPARE(oiiotool({"--pattern", "constant:color=-1,-0.5,0,0.5,1", "4x3", "5", "-d", oiioType, "-o", file}),
                 QString());
        const Image image = livepix::loadImage(file.toStdString());
        QCOMPARE(image.dtype(), kept);
        QCOMPARE(QString::fromStdString(image.sourceType()), sourceType);
        QCOMPARE(image.channels(), 5);
        const float expected[5] = {-1.f, -0.5f, 0.f, 0.5f, 1.f};
        const float step = kept == DType::Float16 ? 1e-3f : 1e-6f;
        for (int c = 0; c < 5; ++c) {
            float want = expected[c];
            if (sourceType == "uint32")
                want = std::max(0.f, want); // unsigned: negatives clamp to 0
            else if (maximum != 1.f)
                want = std::round(want * maximum) / maximum; // the integer stored, scaled back
            QVERIFY2(std::abs(image.valueAt(3, 2, c) - want) <= step + std::abs(want) * 1e-6f,
                     qPrintable(QStringLiteral("channel %1: %2, expected %3").arg(c).arg(image.valueAt(3, 2, c)).arg(want)));
        }
    }

    void hdrAndExr()
    {
        const QString hdr = path("pattern.hdr"), exr = path("pattern.exr");
        const QStringList pattern{"--pattern", "fill:topleft=0,0,0:topright=4,0,0:bottomleft=0,2,0:bottomright=1,1,8",
                                  "64x32", "3"};
        QCOMPARE(oiiotool(pattern + QStringList{"-d", "float", "-o", hdr}), QString());
        QCOMPARE(oiiotool(pattern + QStringList{"-d", "float", "-o", exr}), QString());
        livepix::ImageFileInfo info;
        const Image radiance = livepix::loadImage(hdr.toStdString(), {}, &info);
        QCOMPARE(info.formatName, std::string("hdr"));
        const Image reference = livepix::loadImage(exr.toStdString());
        QCOMPARE(radiance.dtype(), DType::Float32);
        QCOMPARE(reference.dtype(), DType::Float32);
        QCOMPARE(radiance.channels(), 3);
        // RGBE keeps about 1% of each pixel's brightest channel.
        for (int y = 0; y < 32; y += 5)
            for (int x = 0; x < 64; x += 7) {
                float brightest = 0;
                for (int c = 0; c < 3; ++c)
                    brightest = std::max(brightest, reference.valueAt(x, y, c));
                for (int c = 0; c < 3; ++c)
                    QVERIFY(std::abs(radiance.valueAt(x, y, c) - reference.valueAt(x, y, c)) <= 0.01f * brightest + 1e-6f);
            }
        QVERIFY(reference.valueAt(63, 0, 0) > 3.f); // floats above 1 are kept
    }

    void mixedChannelTypes()
    {
        // EXR with half colour and a float depth channel: kept as float32.
        const QString file = path("mixed.exr");
        QCOMPARE(oiiotool({"--pattern", "constant:color=0.5,0.25,0.125,1000.5", "8x8", "4", "--chnames", "R,G,B,Z",
                           "-d", "half", "-d", "Z=float", "-o", file}),
                 QString());
        const Image image = livepix::loadImage(file.toStdString());
        QCOMPARE(image.dtype(), DType::Float32);
        QCOMPARE(image.channelNames(), (std::vector<std::string>{"R", "G", "B", "Z"}));
        QCOMPARE(image.valueAt(7, 7, 1), 0.25f);
        QCOMPARE(image.valueAt(7, 7, 3), 1000.5f);
        QCOMPARE(image.alphaChannel(), -1);
    }

    void tilesAndStripsAcrossBands_data()
    {
        QTest::addColumn<QStringList>("layout");
        QTest::addColumn<QString>("extension");
        QTest::newRow("tiled EXR 64x64") << QStringList{"--tile", "64", "64"} << "exr";
        QTest::newRow("tiled EXR with offset data window") << QStringList{"--tile", "32", "32", "--origin", "+13+9"}
                                                           << "exr";
        QTest::newRow("tiled TIFF 48x32") << QStringList{"--tile", "48", "32"} << "tif";
        QTest::newRow("TIFF strips of 7 rows") << QStringList{"--attrib", "tiff:RowsPerStrip", "7"} << "tif";
        QTest::newRow("piz EXR") << QStringList{"--compression", "piz"} << "exr";
    }
    void tilesAndStripsAcrossBands()
    {
        // Big enough (about 10 MB as float) that loadImage reads several bands.
        QFETCH(QStringList, layout);
        QFETCH(QString, extension);
        const QString reference = path("bands_reference.exr");
        if (!QFile::exists(reference))
            QCOMPARE(oiiotool({"--pattern", "noise:type=uniform:min=0:max=1:seed=3", "1000x655", "4", "-d", "float",
                               "--scanline", "-o", reference}),
                     QString());
        const QString file = path(QStringLiteral("bands_%1.%2").arg(QTest::currentDataTag()).arg(extension).replace(' ', '_'));
        QCOMPARE(oiiotool(QStringList{reference} + layout + QStringList{"-d", "float", "-o", file}), QString());
        std::vector<float> progress;
        const Image image = livepix::loadImage(file.toStdString(), [&](float done) {
            progress.push_back(done);
            return true;
        });
        QCOMPARE(testsupport::pixelDifference(image, livepix::loadImage(reference.toStdString())), QString());
        QVERIFY(progress.size() >= 2);
        QVERIFY(std::is_sorted(progress.begin(), progress.end()));
        QCOMPARE(progress.back(), 1.f);
    }

    void cancelViaProgress()
    {
        const QString file = path("cancel.exr");
        QCOMPARE(oiiotool({"--pattern", "noise", "1000x700", "4", "-d", "float", "-o", file}), QString());
        const auto before = livepix::PixelBuffer::liveCount();
        try {
            livepix::loadImage(file.toStdString(), [](float) { return false; });
            QFAIL("the load was not cancelled");
        } catch (const livepix::ImageError &e) {
            QCOMPARE(QString::fromStdString(e.reason()), QString("cancelled"));
        }
        QCOMPARE(livepix::PixelBuffer::liveCount(), before); // nothing half-loaded kept
    }

    void extensionLists()
    {
        const auto readable = livepix::readableExtensions();
        const auto writable = livepix::writableExtensions();
        for (const char *ext : {"png", "jpg", "jpeg", "tif", "tiff", "exr", "hdr", "bmp", "gif", "ppm", "pgm", "webp"})
            QVERIFY2(std::count(readable.begin(), readable.end(), ext), ext);
        for (const char *ext : {"png", "jpg", "tif", "exr", "hdr", "bmp"})
            QVERIFY2(std::count(writable.begin(), writable.end(), ext), ext);
        QVERIFY(std::is_sorted(readable.begin(), readable.end()));
    }
};

QTEST_APPLESS_MAIN(TestFormats)
#include "tst_formats.moc"
