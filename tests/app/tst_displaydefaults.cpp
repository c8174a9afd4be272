// Display defaults per file kind, with real files: what a newly opened image looks like.
#include <QSettings>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

#include <livepix/image.h>
#include <livepix/imageio.h>

#include "display/displaydefaults.h"
#include "openandwait.h"
#include "viewer/canvas.h"
#include "viewer/document.h"
#include "viewer/viewer.h"

using namespace livepix;
using namespace livepix::gui;

namespace {

const char *const Chessboard = "/usr/lib/python3/dist-packages/skimage/data/chessboard_GRAY_U16.tif";

/// Pixels of the canvas inside the image (a margin of 2 display pixels in).
QList<QRgb> imagePixels(Canvas &canvas, const QSize &imageSize)
{
    const QImage shot = canvas.grab().toImage();
    const QPointF o = canvas.origin();
    const double s = canvas.scale();
    QList<QRgb> out;
    for (int y = int(o.y()) + 2; y < int(o.y() + imageSize.height() * s) - 2; y += 3)
        for (int x = int(o.x()) + 2; x < int(o.x() + imageSize.width() * s) - 2; x += 3)
            out << (shot.pixel(x, y) | 0xff000000u);
    return out;
}

} // namespace

class TestDisplayDefaults : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void chessboardU16ShowsACheckerboard();
    void signedFloatShowsGradedGrey();
    void exrGetsTheViewTransform();
    void uint8ShownAsStored();
    void constantImageGetsARange_data();
    void constantImageGetsARange();
    void sixteenBitColourFullRangeSetting();
    void viewerExposureIsPerDocument();

private:
    Document *open(const QString &path);
    QTemporaryDir m_dir;
    Viewer *m_viewer = nullptr;
    Canvas *m_canvas = nullptr;
};

void TestDisplayDefaults::initTestCase()
{
    qputenv("XDG_CONFIG_HOME", m_dir.path().toLocal8Bit()); // QSettings in the sandbox
    QVERIFY2(QFileInfo::exists(QLatin1String(Chessboard)), "python3-skimage is not installed (setup.sh)");
    m_viewer = new Viewer(this);
    m_canvas = new Canvas(m_viewer);
    m_canvas->resize(400, 300);
    m_canvas->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_canvas));
}

void TestDisplayDefaults::init()
{
    QSettings().remove(QLatin1String(FullRange16BitSettingKey));
    for (Document *d : m_viewer->documents())
        m_viewer->close(d);
    m_viewer->setDefaultExposure(0.0);
    m_viewer->setDefaultGamma(1.0);
}

Document *TestDisplayDefaults::open(const QString &path)
{
    QString error;
    Document *document = livepix::gui::openAndWait(*m_viewer, path, &error);
    if (!document)
        qWarning("%s", qPrintable(error));
    return document;
}

void TestDisplayDefaults::chessboardU16ShowsACheckerboard()
{
    Document *document = open(QLatin1String(Chessboard));
    QVERIFY(document);
    QCOMPARE(document->image().dtype(), DType::UInt16);
    const DisplaySettings &s = document->displaySettings();
    QCOMPARE(s.levels.size(), std::size_t(1));
    QCOMPARE(s.levels[0], (LevelRange{0, 255})); // the data range, not 0..65535
    const QList<QRgb> pixels = imagePixels(*m_canvas, {document->image().width(), document->image().height()});
    QVERIFY(pixels.size() > 1000);
    int black = 0, white = 0;
    for (QRgb p : pixels) {
        black += qGray(p) < 16;
        white += qGray(p) > 239;
    }
    qInfo("%d black, %d white of %d samples", black, white, int(pixels.size()));
    QVERIFY(black > pixels.size() / 3);
    QVERIFY(white > pixels.size() / 3);
}

void TestDisplayDefaults::signedFloatShowsGradedGrey()
{
    Image image = Image::create(200, 20, 1, DType::Float32);
    for (int y = 0; y < 20; ++y)
        for (int x = 0; x < 200; ++x)
            image.at<float>(x, y, 0) = -1000.0f + 2000.0f * float(x) / 199.0f;
    const QString path = m_dir.filePath(QStringLiteral("signed.tif"));
    saveImage(image, path.toStdString());
    Document *document = open(path);
    QVERIFY(document);
    QCOMPARE(document->image().dtype(), DType::Float32);
    QCOMPARE(document->displaySettings().levels[0], (LevelRange{-1000, 1000}));
    QCOMPARE(document->displaySettings().viewTransform, ViewTransform::None);
    // Left to right: black, mid grey, white, with every step in between grey.
    const QImage shot = m_canvas->grab().toImage();
    const double y = m_canvas->imageToWidget({0, 10}).y();
    const auto at = [&](double x) { return QColor(shot.pixel(m_canvas->imageToWidget({x, 0}).toPoint().x(), int(y))); };
    QVERIFY(at(1).value() < 10);
    QVERIFY(std::abs(at(100).value() - 128) < 10);
    QVERIFY(at(198).value() > 245);
    int distinct = 0, last = -1;
    for (int x = 0; x < 200; x += 4) {
        const QColor c = at(x + 0.5);
        QCOMPARE(c.red(), c.green());
        QCOMPARE(c.green(), c.blue());
        QVERIFY(c.red() >= last);
        distinct += c.red() != last;
        last = c.red();
    }
    QVERIFY(distinct > 40);
}

void TestDisplayDefaults::exrGetsTheViewTransform()
{
    Image image = Image::create(8, 8, 3, DType::Float32);
    for (int y = 0; y < 8; ++y)
        for (int x = 0; x < 8; ++x)
            for (int c = 0; c < 3; ++c)
                image.at<float>(x, y, c) = 0.18f;
    image.at<float>(0, 0, 0) = 40.0f; // an HDR highlight must not decide the levels
    const QString path = m_dir.filePath(QStringLiteral("grey.exr"));
    saveImage(image, path.toStdString());
    Document *document = open(path);
    QVERIFY(document);
    const DisplaySettings &s = document->displaySettings();
    QVERIFY(s.sceneLinear);
    QCOMPARE(s.viewTransform, ViewTransform::SRGB);
    QCOMPARE(s.exposure, 0.0);
    QCOMPARE(s.levels[0], (LevelRange{0, 1}));
    const QImage shot = m_canvas->grab().toImage();
    QCOMPARE(QColor(shot.pixel(m_canvas->imageToWidget({4.5, 4.5}).toPoint())), QColor(118, 118, 118));
}

void TestDisplayDefaults::uint8ShownAsStored()
{
    Document *document = open(QStringLiteral("/usr/lib/python3/dist-packages/skimage/data/astronaut.png"));
    QVERIFY(document);
    QCOMPARE(document->displaySettings().levels, std::vector<LevelRange>(3, LevelRange{0, 255}));
    const int before = m_canvas->pipeline().conversions();
    m_canvas->grab();
    QCOMPARE(m_canvas->pipeline().conversions(), before); // drawn straight from its memory, no display copy
}

void TestDisplayDefaults::constantImageGetsARange_data()
{
    QTest::addColumn<int>("dtype");
    QTest::addColumn<double>("value");
    QTest::newRow("uint16 0") << int(DType::UInt16) << 0.0;
    QTest::newRow("uint16 300") << int(DType::UInt16) << 300.0;
    QTest::newRow("float32 0") << int(DType::Float32) << 0.0;
    QTest::newRow("float32 -7") << int(DType::Float32) << -7.0;
}

void TestDisplayDefaults::constantImageGetsARange()
{
    QFETCH(int, dtype);
    QFETCH(double, value);
    Image image = Image::create(4, 4, 1, DType(dtype));
    for (int y = 0; y < 4; ++y)
        for (int x = 0; x < 4; ++x) {
            if (DType(dtype) == DType::UInt16)
                image.at<std::uint16_t>(x, y, 0) = std::uint16_t(value);
            else
                image.at<float>(x, y, 0) = float(value);
        }
    const DisplaySettings s = defaultDisplaySettings(image, {});
    QVERIFY(s.levels[0].lo < s.levels[0].hi);
    QVERIFY(s.levels[0].lo <= value && value <= s.levels[0].hi);
}

void TestDisplayDefaults::sixteenBitColourFullRangeSetting()
{
    Image image = Image::create(4, 4, 3, DType::UInt16);
    image.at<std::uint16_t>(1, 1, 0) = 1000;
    const QString path = m_dir.filePath(QStringLiteral("rgb16.png"));
    saveImage(image, path.toStdString());
    Document *fitted = open(path);
    QVERIFY(fitted);
    QCOMPARE(fitted->displaySettings().levels[0], (LevelRange{0, 1000}));
    QCOMPARE(fitted->displaySettings().levels[2], (LevelRange{0, 1000})); // linked across colour channels
    QSettings().setValue(QLatin1String(FullRange16BitSettingKey), true);
    Document *full = open(path);
    QVERIFY(full);
    QCOMPARE(full->displaySettings().levels[0], (LevelRange{0, 65535}));
    // Grey 16-bit images (depth maps) are fitted whatever the setting says.
    Image grey = Image::create(4, 4, 1, DType::UInt16);
    grey.at<std::uint16_t>(0, 0, 0) = 500;
    const QString greyPath = m_dir.filePath(QStringLiteral("depth16.png"));
    saveImage(grey, greyPath.toStdString());
    Document *depth = open(greyPath);
    QVERIFY(depth);
    QCOMPARE(depth->displaySettings().levels[0], (LevelRange{0, 500}));
}

void TestDisplayDefaults::viewerExposureIsPerDocument()
{
    m_viewer->setDefaultExposure(1.5);
    Document *a = m_viewer->show(Image::create(4, 4, 3, DType::Float32), QStringLiteral("a"));
    QCOMPARE(a->displaySettings().exposure, 1.5);
    m_viewer->setExposure(-2.0); // the current document only
    QCOMPARE(a->displaySettings().exposure, -2.0);
    Document *b = m_viewer->show(Image::create(4, 4, 3, DType::Float32), QStringLiteral("b"));
    QCOMPARE(b->displaySettings().exposure, 1.5);
    QCOMPARE(m_viewer->exposure(), 1.5);
    m_viewer->setCurrent(a);
    QCOMPARE(m_viewer->exposure(), -2.0);
    // The keys act on the current document too.
    m_canvas->setFocus();
    QTest::keyClick(m_canvas, Qt::Key_BracketRight);
    QCOMPARE(a->displaySettings().exposure, -1.5);
    QCOMPARE(b->displaySettings().exposure, 1.5);
    QTest::keyClick(m_canvas, Qt::Key_R);
    QCOMPARE(a->displaySettings().exposure, 0.0);
}

QTEST_MAIN(TestDisplayDefaults)
#include "tst_displaydefaults.moc"
