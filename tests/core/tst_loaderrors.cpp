// Loading a bad file raises ImageError naming the file and a reason a user
// understands; it never crashes and never hands back a half-read image.
#include <livepix/imageerror.h>
#include <livepix/imageio.h>

#include <QtTest>

#include "specialfiles.h"
#include "testsupport.h"
#include "watchdog.h"

#include <filesystem>

class TestLoadErrors : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;

    // Loads `path` expecting failure; checks the message; returns the reason.
    QString failureReason(const QString &path)
    {
        const auto buffersBefore = livepix::PixelBuffer::liveCount();
        try {
            const livepix::Image image = livepix::loadImage(path.toStdString());
            return QStringLiteral("LOADED %1x%2").arg(image.width()).arg(image.height());
        } catch (const livepix::ImageError &e) {
            const QString what = QString::fromUtf8(e.what());
            const QString reason = QString::fromStdString(e.reason());
            if (QString::fromStdString(e.path()) != path || what != path + ": " + reason)
                return "BAD MESSAGE " + what;
            // One line, and the reason does not repeat the file name.
            if (what.contains('\n') || reason.contains(QFileInfo(path).fileName()))
                return "UNTIDY MESSAGE " + what;
            if (livepix::PixelBuffer::liveCount() != buffersBefore)
                return "LEAKED A BUFFER " + what;
            qInfo("%s", qPrintable(what));
            return reason;
        } catch (const std::exception &e) {
            return QStringLiteral("WRONG EXCEPTION TYPE ") + e.what();
        }
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void badFiles_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("reason");
        QTest::newRow("empty file") << "empty.png" << "the file is empty";
        QTest::newRow("text renamed .png") << "text_renamed.png" << "not an image";
        QTest::newRow("random bytes") << "random_bytes.png" << "not an image";
        QTest::newRow("PNG cut inside the header") << "truncated_header.png" << "truncated";
        QTest::newRow("PNG cut inside the pixels") << "truncated_pixels.png" << "truncated";
        QTest::newRow("PNG header CRC wrong") << "corrupt_header_crc.png" << "damaged";
        QTest::newRow("PNG pixel data corrupted") << "corrupt_idat_crc.png" << "damaged";
        QTest::newRow("JPEG cut inside the scan") << "truncated_scan.jpg" << "truncated";
        QTest::newRow("JPEG signature then garbage") << "jpeg_signature_then_garbage.jpg" << "the file is";
        QTest::newRow("EXR cut inside the pixels") << "truncated_pixels.exr" << "truncated";
        QTest::newRow("TIFF cut inside the strips") << "truncated_strips.tif" << "truncated";
        QTest::newRow("header claims 200000x200000 RGBA16") << "huge_dimensions.png" << "too large";
        QTest::newRow("header's byte count overflows 64 bits")
            << "overflowing_dimensions.ppm"
            << "a 2147483647x2147483647 image with 3 uint16 channels is too large: bytes per row * height: "
               "12884901888 * 2147483647 overflows";
        QTest::newRow("GIF cut inside the frame") << "truncated_frame.gif" << "truncated";
        QTest::newRow("PGM cut inside the pixels") << "truncated_pixels.pgm" << "damaged or truncated";
    }
    void badFiles()
    {
        QFETCH(QString, file);
        QFETCH(QString, reason);
        const QString path = testsupport::testData(file);
        QVERIFY2(QFile::exists(path), qPrintable(path));
        const QString got = failureReason(path);
        QVERIFY2(got.contains(reason), qPrintable(got));
    }

    // The same bytes through loadImageFromMemory (the decoder path the
    // fuzzer drives): the same kind of error, naming the hint, no buffer kept.
    void badBytes_data() { badFiles_data(); }
    void badBytes()
    {
        QFETCH(QString, file);
        QFETCH(QString, reason);
        QFile input(testsupport::testData(file));
        QVERIFY2(input.open(QIODevice::ReadOnly), qPrintable(input.fileName()));
        const QByteArray bytes = input.readAll();
        const auto buffersBefore = livepix::PixelBuffer::liveCount();
        try {
            const livepix::Image image =
                livepix::loadImageFromMemory(bytes.constData(), std::size_t(bytes.size()), file.toStdString());
            QFAIL(qPrintable(QStringLiteral("LOADED %1x%2").arg(image.width()).arg(image.height())));
        } catch (const livepix::ImageError &e) {
            QCOMPARE(QString::fromStdString(e.path()), file);
            const QString got = QString::fromStdString(e.reason());
            QVERIFY2(got.contains(bytes.isEmpty() ? QStringLiteral("the data is empty") : reason), qPrintable(got));
        }
        QCOMPARE(livepix::PixelBuffer::liveCount(), buffersBefore);
    }

    void skimageTruncatedJpeg()
    {
        const QString path = testsupport::skimageData() + "/truncated.jpg";
        if (!QFile::exists(path))
            QSKIP("python3-skimage's data folder is not installed");
        const QString got = failureReason(path);
        QVERIFY2(got.contains("truncated"), qPrintable(got));
    }

    void missingFile()
    {
        const QString got = failureReason(m_dir.filePath("no such picture.png"));
        QCOMPARE(got, QString("no such file"));
    }

    void specialFilesAreRefused_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("kind");
        for (const SpecialFile &file : specialFiles(m_dir.path()))
            QTest::newRow(qPrintable(file.label)) << file.path << file.kind;
    }
    void specialFilesAreRefused()
    {
        // Refused before any read: without the check a FIFO with no writer
        // blocks in open() forever and /dev/zero never ends, so the watchdog
        // turns a regression into a failure instead of a hang.
        QFETCH(QString, path);
        QFETCH(QString, kind);
        Watchdog watchdog(10, "loadImage(" + path.toStdString() + ")");
        QCOMPARE(failureReason(path), "not a regular file: " + kind);
    }

    void folder()
    {
        const QString got = failureReason(m_dir.path());
        QVERIFY2(got.contains("folder"), qPrintable(got));
    }

    void unknownExtensionWithGarbage()
    {
        const QString path = m_dir.filePath("data.xyz");
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QByteArray(1000, '\x5a'));
        file.close();
        const QString got = failureReason(path);
        QVERIFY2(got.contains("not an image"), qPrintable(got));
    }

    void unreadableFile()
    {
        const QString path = m_dir.filePath("locked.png");
        QVERIFY(QFile::copy(testsupport::skimageData() + "/camera.png", path) ||
                QFile::copy(testsupport::testData("truncated_pixels.png"), path));
        namespace fs = std::filesystem;
        fs::permissions(m_dir.path().toStdString(), fs::perms::owner_all | fs::perms::group_exec | fs::perms::others_exec);
        fs::permissions(path.toStdString(), fs::perms::none);
        QString got;
        {
            testsupport::ScopedUnprivileged unprivileged;
            got = failureReason(path);
        }
        fs::permissions(path.toStdString(), fs::perms::owner_read | fs::perms::owner_write);
        QVERIFY2(got.contains("cannot read") && got.contains("Permission denied"), qPrintable(got));
    }

    void reasonNeverDescribesAnotherFile()
    {
        // The PNM reader fails without a message of its own; OpenImageIO's
        // error queue must not lend it the GIF reader's complaint.
        const QString gif = failureReason(testsupport::testData("truncated_frame.gif"));
        QVERIFY2(gif.contains("GIF"), qPrintable(gif));
        const QString pgm = failureReason(testsupport::testData("truncated_pixels.pgm"));
        QVERIFY2(!pgm.contains("GIF"), qPrintable(pgm));
    }

    void goodFileNextToBadOnesStillLoads()
    {
        // The decoder state left by a failure does not leak into the next load.
        failureReason(testsupport::testData("truncated_pixels.png"));
        failureReason(testsupport::testData("truncated_scan.jpg"));
        const QString path = m_dir.filePath("fine.png");
        livepix::saveImage(testsupport::makeTestImage(16, 16, 3, livepix::DType::UInt8), path.toStdString());
        QCOMPARE(livepix::loadImage(path.toStdString()).width(), 16);
    }
};

QTEST_APPLESS_MAIN(TestLoadErrors)
#include "tst_loaderrors.moc"
