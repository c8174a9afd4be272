// loadImageFromMemory: bytes in memory load exactly like the same bytes in a
// file (one decoder path), name their source by the hint, and never read a
// file of the hint's name.
#include <livepix/imageerror.h>
#include <livepix/imageio.h>

#include <QtTest>

#include "testsupport.h"

using livepix::DType;

class TestMemoryLoad : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;

    static QByteArray readAll(const QString &path)
    {
        QFile file(path);
        return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
    }

    static livepix::Image fromMemory(const QByteArray &bytes, const QString &hint,
                                     livepix::ImageFileInfo *info = nullptr)
    {
        return livepix::loadImageFromMemory(bytes.constData(), std::size_t(bytes.size()), hint.toStdString(), {},
                                            info);
    }

    // The ImageError reason for bytes that must not load ("LOADED" if they do).
    static QString failure(const QByteArray &bytes, const QString &hint)
    {
        try {
            const livepix::Image image = fromMemory(bytes, hint);
            return QStringLiteral("LOADED %1x%2").arg(image.width()).arg(image.height());
        } catch (const livepix::ImageError &e) {
            const QString what = QString::fromUtf8(e.what());
            if (!what.startsWith(QString::fromStdString(e.path()) + ": "))
                return "BAD MESSAGE " + what;
            return QString::fromStdString(e.path()) + " | " + QString::fromStdString(e.reason());
        }
    }

    QString saved(const QString &name, int channels, DType type)
    {
        const QString path = m_dir.filePath(name);
        livepix::saveImage(testsupport::makeTestImage(9, 7, channels, type), path.toStdString());
        return path;
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void sameAsFile_data()
    {
        QTest::addColumn<QString>("path");
        const QString skimage = testsupport::skimageData();
        QTest::newRow("real 8-bit PNG") << skimage + "/phantom.png";
        QTest::newRow("real palette PNG") << skimage + "/palette_color.png";
        QTest::newRow("real multipage TIFF") << skimage + "/multipage_rgb.tif";
        QTest::newRow("real 16-bit TIFF") << skimage + "/chessboard_GRAY_U16.tif";
        QTest::newRow("real GIF") << skimage + "/no_time_for_that_tiny.gif";
        QTest::newRow("real JPEG") << skimage + "/rocket.jpg";
        QTest::newRow("RGBA uint16 PNG") << saved("rgba16.png", 4, DType::UInt16);
        QTest::newRow("5-channel float EXR") << saved("five.exr", 5, DType::Float32);
        QTest::newRow("float16 EXR") << saved("half.exr", 3, DType::Float16);
    }
    void sameAsFile()
    {
        QFETCH(QString, path);
        if (!QFile::exists(path))
            QSKIP("python3-skimage's data folder is not installed");
        livepix::ImageFileInfo fileInfo, memoryInfo;
        const livepix::Image file = livepix::loadImage(path.toStdString(), {}, &fileInfo);
        const livepix::Image memory = fromMemory(readAll(path), QFileInfo(path).fileName(), &memoryInfo);
        QCOMPARE(testsupport::pixelDifference(file, memory), QString());
        QCOMPARE(memory.channelNames(), file.channelNames());
        QCOMPARE(memory.sourceType(), file.sourceType());
        QCOMPARE(memory.metadata().size(), file.metadata().size());
        for (const auto &entry : file.metadata().entries())
            QCOMPARE(memory.metadata().get(entry.name).value_or("MISSING"), entry.value);
        QCOMPARE(memoryInfo.subimages, fileInfo.subimages);
        QCOMPARE(memoryInfo.formatName, fileInfo.formatName);
        QCOMPARE(file.path(), path.toStdString());
        QVERIFY(memory.path().empty()); // not a file: nothing to save back to
    }

    void hintForms_data()
    {
        QTest::addColumn<QString>("hint");
        QTest::newRow("file name") << "picture.png";
        QTest::newRow("extension") << "png";
        QTest::newRow("dotted extension") << ".png";
        QTest::newRow("no hint: every reader is tried") << "";
        QTest::newRow("wrong extension") << "picture.jpg";
        QTest::newRow("unknown extension") << "picture.xyz";
    }
    void hintForms()
    {
        QFETCH(QString, hint);
        const QByteArray png = readAll(saved("hint.png", 3, DType::UInt8));
        const livepix::Image image = fromMemory(png, hint);
        QCOMPARE(testsupport::pixelDifference(image, testsupport::makeTestImage(9, 7, 3, DType::UInt8)), QString());
    }

    void errorsNameTheHint_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("hint");
        QTest::addColumn<QString>("expected");
        QTest::newRow("no bytes") << QByteArray() << "upload.png" << "upload.png | the data is empty";
        QTest::newRow("text") << QByteArray("hello, not a picture") << "upload.png" << "upload.png | not an image";
        QTest::newRow("text, no hint") << QByteArray("hello, not a picture") << "" << "<memory> | not an image";
        QTest::newRow("cut PNG") << readAll(testsupport::testData("truncated_pixels.png")) << "cut.png"
                                 << "cut.png | the file is truncated";
    }
    void errorsNameTheHint()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, hint);
        QFETCH(QString, expected);
        const auto buffersBefore = livepix::PixelBuffer::liveCount();
        const QString got = failure(bytes, hint);
        QVERIFY2(got.startsWith(expected), qPrintable(got));
        QCOMPARE(livepix::PixelBuffer::liveCount(), buffersBefore);
    }

    void neverReadsTheHintedFile()
    {
        // A good image sits at the hinted path; the bytes are garbage. The
        // bytes are what is read, so the load fails.
        const QString path = saved("real.png", 3, DType::UInt8);
        const QString got = failure(QByteArray(4096, 'x'), path);
        QVERIFY2(got.contains("not an image"), qPrintable(got));
    }

    void readerWithoutMemorySupportRefused()
    {
        // OpenImageIO's "null" reader makes up an image from the name alone
        // (it says it supports IOProxy, but never reads it): not the bytes.
        const QString got = failure(QByteArray("whatever"), "picture.null");
        QVERIFY2(got.contains("cannot read from memory"), qPrintable(got));
    }
};

QTEST_APPLESS_MAIN(TestMemoryLoad)
#include "tst_memoryload.moc"
