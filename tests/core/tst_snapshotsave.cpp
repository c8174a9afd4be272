// saveSnapshot(): saving the pixels a WriteTracker pinned while writers go
// on, band by band, with no copy of the image.
#include <livepix/contenthash.h>
#include <livepix/imageerror.h>
#include <livepix/imageio.h>
#include <livepix/pinnedrows.h>
#include <livepix/pixelbuffer.h>
#include <livepix/writetracker.h>

#include <QtTest>

#include "testsupport.h"

#include <cstring>

using livepix::DType;
using livepix::Image;
using testsupport::fileHash;
using testsupport::makeTestImage;
using testsupport::pixelDifference;

namespace {

// Scribbles over every row of the buffer behind `image` (after the pin).
void overwriteAll(const Image &image)
{
    std::memset(image.buffer()->data(), 0x5a, image.buffer()->size());
}

} // namespace

class TestSnapshotSave : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;

    QString path(const QString &name) const { return m_dir.filePath(name); }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    // The file holds the pixels of the pin, byte for byte the file that
    // saveImage() writes from a copy taken at that moment, and the hash
    // returned is the hash of those pixels.
    void writesThePinnedMoment_data()
    {
        QTest::addColumn<QString>("extension");
        QTest::addColumn<int>("dtype");
        QTest::addColumn<int>("channels");
        QTest::newRow("png uint8 rgba") << "png" << int(DType::UInt8) << 4;
        QTest::newRow("png uint16 gray") << "png" << int(DType::UInt16) << 1;
        QTest::newRow("jpg drops alpha") << "jpg" << int(DType::UInt8) << 4;
        QTest::newRow("tif float32 rgb") << "tif" << int(DType::Float32) << 3;
        QTest::newRow("exr half, 5 channels") << "exr" << int(DType::Float16) << 5;
        QTest::newRow("exr float32 rgba") << "exr" << int(DType::Float32) << 4;
    }
    void writesThePinnedMoment()
    {
        QFETCH(QString, extension);
        QFETCH(int, dtype);
        QFETCH(int, channels);
        // Tall enough for several bands (and several 2 MiB chunks).
        const Image image = makeTestImage(700, 1500, channels, DType(dtype), 21);
        const Image moment = image.copy();
        auto snapshot = image.buffer()->enableWriteTracking().pin();
        QVERIFY(snapshot);
        overwriteAll(image);
        QVERIFY(!pixelDifference(image, moment).isEmpty());

        const QString pinned = path("pinned." + extension);
        const QString copied = path("copied." + extension);
        const std::uint64_t hash = livepix::saveSnapshot(image, *snapshot, pinned.toStdString());
        livepix::saveImage(moment, copied.toStdString());
        QCOMPARE(hash, livepix::contentHash(moment));
        // Same encoder input, same decoded pixels (the files themselves may
        // differ in a time stamp), and the moment itself where lossless.
        const Image back = livepix::loadImage(pinned.toStdString());
        QString difference = pixelDifference(back, livepix::loadImage(copied.toStdString()));
        QVERIFY2(difference.isEmpty(), qPrintable(difference));
        if (extension != "jpg") {
            difference = pixelDifference(back, moment);
            QVERIFY2(difference.isEmpty(), qPrintable(difference));
        }
    }

    // Views: a rectangle inside the image and a channel subset (pixels not
    // packed in the buffer) are read through the pin like any image.
    void viewsAreWrittenFromThePin()
    {
        const Image image = makeTestImage(900, 1300, 4, DType::Float32, 22);
        auto snapshot = image.buffer()->enableWriteTracking().pin();
        QVERIFY(snapshot);
        const Image rect = image.view(33, 101, 500, 1000);
        const Image channels = image.channelView(1, 2);
        const Image moment = image.copy();
        const Image rectMoment = rect.copy();
        const Image channelsMoment = channels.copy();
        overwriteAll(image);

        QCOMPARE(livepix::pinnedContentHash(rect, *snapshot), livepix::contentHash(rectMoment));
        QCOMPARE(livepix::pinnedContentHash(channels, *snapshot), livepix::contentHash(channelsMoment));
        QCOMPARE(livepix::pinnedContentHash(image, *snapshot), livepix::contentHash(moment));
        const QString rectPath = path("rect.exr");
        const QString channelsPath = path("channels.tif");
        QCOMPARE(livepix::saveSnapshot(rect, *snapshot, rectPath.toStdString()), livepix::contentHash(rectMoment));
        QCOMPARE(livepix::saveSnapshot(channels, *snapshot, channelsPath.toStdString()),
                 livepix::contentHash(channelsMoment));
        QString difference = pixelDifference(livepix::loadImage(rectPath.toStdString()), rectMoment);
        QVERIFY2(difference.isEmpty(), qPrintable(difference));
        difference = pixelDifference(livepix::loadImage(channelsPath.toStdString()), channelsMoment);
        QVERIFY2(difference.isEmpty(), qPrintable(difference));
    }

    // Tiled output is written in whole rows of tiles.
    void tiledOutput()
    {
        const Image image = makeTestImage(300, 1000, 3, DType::UInt16, 23);
        const Image moment = image.copy();
        auto snapshot = image.buffer()->enableWriteTracking().pin();
        overwriteAll(image);
        const QString tiled = path("tiled.tif");
        livepix::saveSnapshot(image, *snapshot, tiled.toStdString(), {{"tile_width", "64"}, {"tile_height", "64"}});
        const QString difference = pixelDifference(livepix::loadImage(tiled.toStdString()), moment);
        QVERIFY2(difference.isEmpty(), qPrintable(difference));
        QProcess iinfo;
        iinfo.start(QStringLiteral("iinfo"), {QStringLiteral("-v"), tiled});
        QVERIFY(iinfo.waitForFinished(60000));
        const QString info = QString::fromUtf8(iinfo.readAllStandardOutput());
        QVERIFY2(info.contains(QStringLiteral("tile size: 64 x 64")), qPrintable(info));
        // Formats without tiles refuse them rather than ignore them.
        try {
            livepix::saveImage(image, path("tiled.png").toStdString(), {{"tile_width", "64"}, {"tile_height", "64"}});
            QFAIL("PNG took tiles");
        } catch (const livepix::ImageError &e) {
            QVERIFY2(QString::fromStdString(e.reason()).contains("cannot store tiles"), e.what());
        }
    }

    // Progress after every band; false cancels and leaves the file as it was.
    void progressAndCancel()
    {
        const Image image = makeTestImage(1024, 2048, 4, DType::UInt8, 24);
        auto snapshot = image.buffer()->enableWriteTracking().pin();
        const QString target = path("progress.tif");
        QList<float> reports;
        livepix::saveSnapshot(image, *snapshot, target.toStdString(), {}, [&](float done) {
            reports << done;
            return true;
        });
        QVERIFY2(reports.size() >= 2, qPrintable(QString::number(reports.size())));
        QCOMPARE(reports.last(), 1.0f);
        QVERIFY(std::is_sorted(reports.begin(), reports.end()));

        const QByteArray before = fileHash(target);
        try {
            livepix::saveSnapshot(image, *snapshot, target.toStdString(), {}, [](float) { return false; });
            QFAIL("a cancelled save succeeded");
        } catch (const livepix::ImageError &e) {
            QCOMPARE(QString::fromStdString(e.reason()), QStringLiteral("cancelled"));
        }
        QCOMPARE(fileHash(target), before);
        QCOMPARE(QDir(m_dir.path()).entryList({".*.tmp"}, QDir::Hidden | QDir::Files).size(), 0);
    }
};

QTEST_APPLESS_MAIN(TestSnapshotSave)
#include "tst_snapshotsave.moc"
