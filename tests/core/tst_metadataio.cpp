// File attributes survive load -> save -> load where the format can hold
// them, keeping their type.
#include <livepix/imageio.h>

#include <QtTest>

#include "testsupport.h"

using livepix::DType;
using livepix::Image;

class TestMetadataIO : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void attributeRoundTrip_data()
    {
        QTest::addColumn<QString>("extension");
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("type");
        QTest::addColumn<QString>("value");
        QTest::newRow("png description") << "png" << "ImageDescription" << "string" << "A test card, ünïcode";
        QTest::newRow("png artist") << "png" << "Artist" << "string" << "Ada Lovelace";
        QTest::newRow("png resolution") << "png" << "XResolution" << "float" << "300";
        QTest::newRow("tiff description") << "tif" << "ImageDescription" << "string" << "line one\nline two";
        QTest::newRow("tiff artist") << "tif" << "Artist" << "string" << "Grace Hopper";
        QTest::newRow("tiff orientation int") << "tif" << "Orientation" << "int" << "6";
        QTest::newRow("tiff resolution float") << "tif" << "XResolution" << "float" << "72.5";
        QTest::newRow("jpeg description") << "jpg" << "ImageDescription" << "string" << "taken at noon";
        QTest::newRow("jpeg artist") << "jpg" << "Artist" << "string" << "Someone Else";
        QTest::newRow("exr custom float") << "exr" << "livepixGain" << "float" << "1.25";
        QTest::newRow("exr custom int") << "exr" << "frameNumber" << "int" << "42";
        QTest::newRow("exr custom string") << "exr" << "shotName" << "string" << "sq010_sh020";
        QTest::newRow("exr description") << "exr" << "ImageDescription" << "string" << "a render";
        QTest::newRow("exr matrix") << "exr" << "worldToCamera" << "matrix"
                                    << "1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 2, 3, 4, 1";
    }
    void attributeRoundTrip()
    {
        QFETCH(QString, extension);
        QFETCH(QString, name);
        QFETCH(QString, type);
        QFETCH(QString, value);
        Image image = testsupport::makeTestImage(8, 6, 3, extension == "exr" ? DType::Float16 : DType::UInt8);
        image.setMetadataValue(name.toStdString(), value.toStdString(), type.toStdString());
        const std::string path =
            m_dir.filePath(QString("meta_%1.%2").arg(QTest::currentDataTag()).arg(extension).replace(' ', '_'))
                .toStdString();
        livepix::saveImage(image, path);
        const Image loaded = livepix::loadImage(path);
        const std::vector<livepix::MetadataEntry> entries = loaded.metadata().entries();
        const auto it = std::find_if(entries.begin(), entries.end(),
                                     [&](const livepix::MetadataEntry &e) { return e.name == name.toStdString(); });
        QVERIFY2(it != entries.end(), qPrintable(name + " was not kept"));
        QCOMPARE(QString::fromStdString(it->type), type);
        if (type == "float")
            QCOMPARE(QString::fromStdString(it->value).toDouble(), value.toDouble());
        else
            QCOMPARE(QString::fromStdString(it->value), value);
        // Loading again and saving again keeps it (nothing doubles or drifts).
        livepix::saveImage(loaded, path);
        QCOMPARE(livepix::loadImage(path).metadata().get(name.toStdString()), it->value);
    }

    void iccProfileSurvivesFormatChange()
    {
        const QString rocket = testsupport::skimageData() + "/rocket.jpg";
        if (!QFile::exists(rocket))
            QSKIP("python3-skimage's data folder is not installed");
        const Image photo = livepix::loadImage(rocket.toStdString());
        const auto profile = photo.metadata().get("ICCProfile");
        QVERIFY(profile.has_value());
        const std::string path = m_dir.filePath("icc.png").toStdString();
        livepix::saveImage(photo, path);
        const Image loaded = livepix::loadImage(path);
        QCOMPARE(loaded.metadata().get("ICCProfile"), profile);
        QCOMPARE(loaded.metadata().get("ICCProfile:profile_description").value_or(""), std::string("Adobe RGB (1998)"));
    }

    void exrDataWindowRoundTrip()
    {
        // A data window smaller than, and offset inside, the display window.
        const QString source = m_dir.filePath("window.exr");
        QCOMPARE(testsupport::run("oiiotool", {"--pattern", "fill:top=0,0,0:bottom=1,1,1", "40x30", "3", "-d", "half",
                                               "--origin", "+10+20", "--fullsize", "100x80+0+0", "-o", source}),
                 QString());
        livepix::ImageFileInfo info;
        const Image image = livepix::loadImage(source.toStdString(), {}, &info);
        QCOMPARE(info.formatName, std::string("openexr"));
        QCOMPARE(image.width(), 40);
        QCOMPARE(image.height(), 30);
        QCOMPARE(image.metadata().get("livepix:origin").value_or(""), std::string("10 20"));
        QCOMPARE(image.metadata().get("livepix:display_window").value_or(""), std::string("0 0 100 80"));
        const std::string copy = m_dir.filePath("window_copy.exr").toStdString();
        livepix::saveImage(image, copy);
        const Image again = livepix::loadImage(copy);
        QCOMPARE(again.metadata().get("livepix:origin"), image.metadata().get("livepix:origin"));
        QCOMPARE(again.metadata().get("livepix:display_window"), image.metadata().get("livepix:display_window"));
        QCOMPARE(testsupport::pixelDifference(image, again), QString());
        // PNG has no data window: the pixels are written from 0, 0.
        const std::string png = m_dir.filePath("window.png").toStdString();
        livepix::saveImage(image, png);
        const Image flat = livepix::loadImage(png);
        QCOMPARE(flat.width(), 40);
        QVERIFY(!flat.metadata().contains("livepix:origin"));
    }
};

QTEST_APPLESS_MAIN(TestMetadataIO)
#include "tst_metadataio.moc"
