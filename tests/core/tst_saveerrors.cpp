// A failed save leaves an existing file byte-identical, leaves no temporary
// file behind, and says which file and why.
#include <livepix/imageerror.h>
#include <livepix/imageio.h>

#include <QtTest>

#include "testsupport.h"

#include <filesystem>

using livepix::DType;
using livepix::Image;
namespace fs = std::filesystem;

class TestSaveErrors : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;

    // Entries of a folder, hidden ones included.
    static QStringList entries(const QString &folder)
    {
        return QDir(folder).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot, QDir::Name);
    }

    // Saves expecting failure; returns the reason after checking the message.
    static QString failureReason(const Image &image, const QString &path, const livepix::SaveOptions &options = {})
    {
        try {
            livepix::saveImage(image, path.toStdString(), options);
            return QStringLiteral("SAVED");
        } catch (const livepix::ImageError &e) {
            const QString what = QString::fromUtf8(e.what());
            if (QString::fromStdString(e.path()) != path || !what.startsWith(path + ": "))
                return "BAD MESSAGE " + what;
            qInfo("%s", qPrintable(what));
            return QString::fromStdString(e.reason());
        }
    }

    // A folder holding one existing image, "existing.<ext>"; returns its path.
    QString folderWithExisting(const QString &name, const QString &extension)
    {
        const QString folder = m_dir.filePath(name);
        QDir().mkpath(folder);
        const QString existing = folder + "/existing." + extension;
        QFile file(existing);
        if (file.open(QIODevice::WriteOnly))
            file.write("the original bytes, which must survive every failed save\n");
        return existing;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        // "nobody" must be able to reach the folders (see ScopedUnprivileged).
        fs::permissions(m_dir.path().toStdString(),
                        fs::perms::owner_all | fs::perms::group_exec | fs::perms::others_exec);
    }

    void layoutOrOptionRefused_data()
    {
        QTest::addColumn<QString>("extension");
        QTest::addColumn<int>("channels");
        QTest::addColumn<DType>("type");
        QTest::addColumn<QString>("option");
        QTest::addColumn<QString>("reason");
        QTest::newRow("unknown extension") << "xyz" << 3 << DType::UInt8 << "" << "no image format is known for '.xyz'";
        QTest::newRow("no extension") << "" << 3 << DType::UInt8 << "" << "no file extension";
        QTest::newRow("5 channels as PNG") << "png" << 5 << DType::UInt8 << "" << "cannot store 5 channels";
        QTest::newRow("6 channels as JPEG") << "jpg" << 6 << DType::UInt8 << "" << "cannot store 6 channels";
        QTest::newRow("2 channels as BMP") << "bmp" << 2 << DType::UInt8 << "" << "2-channel";
        QTest::newRow("2 channels as HDR") << "hdr" << 2 << DType::Float32 << "" << "3-channel";
        QTest::newRow("uint16 as PPM") << "ppm" << 3 << DType::UInt16 << "" << "uint16 PNM";
        QTest::newRow("bad JPEG quality") << "jpg" << 3 << DType::UInt8 << "quality=0" << "quality must be";
    }
    void layoutOrOptionRefused()
    {
        QFETCH(QString, extension);
        QFETCH(int, channels);
        QFETCH(DType, type);
        QFETCH(QString, option);
        QFETCH(QString, reason);
        const QString existing =
            folderWithExisting(QString(QTest::currentDataTag()).replace(' ', '_'), extension.isEmpty() ? "png" : extension);
        const QString target = extension.isEmpty() ? QFileInfo(existing).path() + "/existing" : existing;
        if (extension.isEmpty())
            QVERIFY(QFile::copy(existing, target));
        const QByteArray before = testsupport::fileHash(target);
        const QStringList listing = entries(QFileInfo(target).path());
        livepix::SaveOptions options;
        if (!option.isEmpty())
            options[option.section('=', 0, 0).toStdString()] = option.section('=', 1).toStdString();
        const QString got = failureReason(testsupport::makeTestImage(8, 8, channels, type), target, options);
        QVERIFY2(got.contains(reason), qPrintable(got));
        QCOMPARE(testsupport::fileHash(target), before);
        QCOMPARE(entries(QFileInfo(target).path()), listing);
    }

    void writerRefusesAfterOpening()
    {
        // ICO holds at most 256x256: the writer itself refuses, after the
        // temporary file was chosen. It must be gone again.
        const QString existing = folderWithExisting("ico", "ico");
        const QByteArray before = testsupport::fileHash(existing);
        const QString got = failureReason(Image::create(300, 300, 4, DType::UInt8), existing);
        QVERIFY2(got.contains("256"), qPrintable(got));
        QCOMPARE(testsupport::fileHash(existing), before);
        QCOMPARE(entries(QFileInfo(existing).path()), QStringList{"existing.ico"});
    }

    void missingFolder()
    {
        const QString path = m_dir.filePath("not/there/picture.png");
        const QString got = failureReason(testsupport::makeTestImage(4, 4, 3, DType::UInt8), path);
        QVERIFY2(got.contains("does not exist") && got.contains(m_dir.filePath("not/there")), qPrintable(got));
        QVERIFY(!QFileInfo::exists(m_dir.filePath("not")));
    }

    void readOnlyFolder()
    {
        const QString existing = folderWithExisting("readonly", "png");
        const QString folder = QFileInfo(existing).path();
        const QByteArray before = testsupport::fileHash(existing);
        fs::permissions(folder.toStdString(), fs::perms::owner_read | fs::perms::owner_exec | fs::perms::group_read |
                                                  fs::perms::group_exec | fs::perms::others_read | fs::perms::others_exec);
        QString got, gotNew;
        {
            testsupport::ScopedUnprivileged unprivileged;
            got = failureReason(testsupport::makeTestImage(4, 4, 3, DType::UInt8), existing);
            gotNew = failureReason(testsupport::makeTestImage(4, 4, 3, DType::UInt8), folder + "/new.png");
        }
        fs::permissions(folder.toStdString(), fs::perms::owner_all);
        QVERIFY2(got.contains("cannot write to the folder") && got.contains("Permission denied"), qPrintable(got));
        QVERIFY2(gotNew.contains("cannot write to the folder"), qPrintable(gotNew));
        QCOMPARE(testsupport::fileHash(existing), before);
        QCOMPARE(entries(folder), QStringList{"existing.png"});
    }

    void readOnlyFile()
    {
        const QString existing = folderWithExisting("readonlyfile", "png");
        const QByteArray before = testsupport::fileHash(existing);
        fs::permissions(existing.toStdString(), fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read);
        fs::permissions(QFileInfo(existing).path().toStdString(), fs::perms::all);
        QString got;
        {
            testsupport::ScopedUnprivileged unprivileged;
            got = failureReason(testsupport::makeTestImage(4, 4, 3, DType::UInt8), existing);
        }
        QVERIFY2(got.contains("not writable"), qPrintable(got));
        QCOMPARE(testsupport::fileHash(existing), before);
        QCOMPARE(entries(QFileInfo(existing).path()), QStringList{"existing.png"});
    }

    void targetIsAFolder()
    {
        const QString folder = m_dir.filePath("a_folder.png");
        QVERIFY(QDir().mkpath(folder));
        const QString got = failureReason(testsupport::makeTestImage(4, 4, 3, DType::UInt8), folder);
        QVERIFY2(got.contains("folder"), qPrintable(got));
        QVERIFY(QFileInfo(folder).isDir());
    }

    void windowMetadataOutOfRange_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("value");
        QTest::addColumn<QString>("extension");
        QTest::addColumn<QString>("mentions"); // besides the name
        const QString notNumbers = "not 2 whole numbers from -2147483648 to 2147483647";
        const QString beyond = "beyond the largest coordinate, 2147483647";
        QTest::newRow("origin beyond int") << "livepix:origin" << "99999999999 0" << "exr" << notNumbers;
        QTest::newRow("origin not numbers") << "livepix:origin" << "left top" << "exr" << notNumbers;
        QTest::newRow("origin one number") << "livepix:origin" << "10" << "exr" << notNumbers;
        QTest::newRow("origin below int, PNG") << "livepix:origin" << "-99999999999 5" << "png" << notNumbers;
        QTest::newRow("origin + width beyond int") << "livepix:origin" << "2147483647 0" << "exr" << beyond;
        QTest::newRow("display window beyond int")
            << "livepix:display_window" << "0 0 3000000000 10" << "exr"
            << "not 4 whole numbers from -2147483648 to 2147483647";
        QTest::newRow("display window end beyond int")
            << "livepix:display_window" << "2147483000 0 1000 10" << "exr" << beyond;
    }
    void windowMetadataOutOfRange()
    {
        // These entries are plain metadata a script may set; a bad one is a
        // clear error, not sscanf's undefined behaviour or a wrapped window.
        QFETCH(QString, name);
        QFETCH(QString, value);
        QFETCH(QString, extension);
        QFETCH(QString, mentions);
        Image image = testsupport::makeTestImage(8, 4, 3, DType::Float16);
        image.setMetadataValue(name.toStdString(), value.toStdString());
        const QString path = m_dir.filePath("window." + extension);
        const QString reason = failureReason(image, path);
        QVERIFY2(reason.contains(name) && reason.contains(mentions), qPrintable(reason));
        QVERIFY(!QFileInfo::exists(path));
    }

    void nullImage()
    {
        const QString existing = folderWithExisting("null", "png");
        const QByteArray before = testsupport::fileHash(existing);
        const QString got = failureReason(Image(), existing);
        QVERIFY2(got.contains("empty"), qPrintable(got));
        QCOMPARE(testsupport::fileHash(existing), before);
    }

    void successReplacesAtomically()
    {
        // The same target, saved over: the result is the new image and the
        // folder holds nothing else.
        const QString existing = folderWithExisting("success", "png");
        const Image image = testsupport::makeTestImage(12, 9, 4, DType::UInt16);
        livepix::saveImage(image, existing.toStdString());
        QCOMPARE(testsupport::pixelDifference(livepix::loadImage(existing.toStdString()), image), QString());
        QCOMPARE(entries(QFileInfo(existing).path()), QStringList{"existing.png"});
    }

    void savingThroughSymlinkKeepsLink()
    {
        const QString existing = folderWithExisting("link", "png");
        const QString link = QFileInfo(existing).path() + "/link.png";
        QVERIFY(QFile::link(existing, link));
        const Image image = testsupport::makeTestImage(5, 5, 3, DType::UInt8);
        livepix::saveImage(image, link.toStdString());
        QVERIFY(QFileInfo(link).isSymLink());
        QCOMPARE(testsupport::pixelDifference(livepix::loadImage(existing.toStdString()), image), QString());
    }
};

QTEST_APPLESS_MAIN(TestSaveErrors)
#include "tst_saveerrors.moc"
