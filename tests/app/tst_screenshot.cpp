// The `livepix` binary as a batch tool: --screenshot, errors, exit codes.
#include <QtTest>

#include "livepixrun.h"

#include <livepix/colormap.h>
#include <livepix/image.h>
#include <livepix/imageio.h>

using namespace livepix;

class TestScreenshot : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void screenshotShowsTheImage();
    void screenshotOfTheSample();
    void missingFileFailsNamingIt();
    void unknownOptionFails();
    void versionAndListPlugins();
    void filesLoadBeforeExecBlocksWhichRunInOrder();
    void screenshotOfUint16ChessboardShowsSquares();
    void screenshotWithLevelsAndColormap();

private:
    LivepixRun run(const QStringList &args) { return runLivepix(m_binary, args, m_dir.path()); }

    QTemporaryDir m_dir;
    QString m_binary;
    QString m_input;
};

void TestScreenshot::initTestCase()
{
    m_binary = builtProgram(QStringLiteral("livepix"));
    QVERIFY2(!m_binary.isEmpty(), "LIVEPIX_BUILD_DIR is not set (run through ctest)");
    QVERIFY2(QFileInfo(m_binary).isExecutable(), qPrintable(m_binary));
    QVERIFY(m_dir.isValid());
    // 64x48 opaque orange with a blue 8x8 square in the top-left corner.
    Image image = Image::create(64, 48, 3, DType::UInt8);
    for (int y = 0; y < 48; ++y)
        for (int x = 0; x < 64; ++x) {
            const bool blue = x < 8 && y < 8;
            image.at<std::uint8_t>(x, y, 0) = blue ? 0 : 255;
            image.at<std::uint8_t>(x, y, 1) = blue ? 0 : 128;
            image.at<std::uint8_t>(x, y, 2) = blue ? 255 : 0;
        }
    m_input = m_dir.filePath(QStringLiteral("orange.png"));
    saveImage(image, m_input.toStdString());
}

void TestScreenshot::screenshotShowsTheImage()
{
    const QString out = m_dir.filePath(QStringLiteral("shot.png"));
    const LivepixRun r = run({m_input, QStringLiteral("--screenshot"), out});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    // The grab waits for the paint event to end instead of painting inside it.
    QVERIFY2(!r.err.contains(QStringLiteral("Recursive repaint")), qPrintable(r.err));
    QImage shot(out);
    QVERIFY(!shot.isNull());
    QVERIFY(shot.width() > 200 && shot.height() > 150);
    // Fitted and centred: the image's pixel centres show its colours (the
    // centres, since a pixel grid is drawn at this magnification).
    const double scale = std::min(shot.width() / 64.0, shot.height() / 48.0);
    const QPointF origin((shot.width() - 64 * scale) / 2.0, (shot.height() - 48 * scale) / 2.0);
    auto at = [&](double x, double y) { return shot.pixelColor((origin + QPointF(x, y) * scale).toPoint()); };
    QCOMPARE(at(32.5, 24.5), QColor(255, 128, 0));
    QCOMPARE(at(60.5, 40.5), QColor(255, 128, 0));
    QCOMPARE(at(4.5, 4.5), QColor(0, 0, 255));
    // Outside the image: the canvas background.
    if (origin.x() > 2)
        QCOMPARE(shot.pixelColor(1, shot.height() / 2), QColor(0x2b, 0x2b, 0x2b));
}

void TestScreenshot::screenshotOfTheSample()
{
    const QString out = m_dir.filePath(QStringLiteral("sample.png"));
    const LivepixRun r = run({QStringLiteral("--screenshot"), out});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    const QImage shot(out);
    QVERIFY(!shot.isNull());
    // The sample is colourful: many distinct colours on screen.
    QSet<QRgb> colours;
    for (int y = 0; y < shot.height(); y += 7)
        for (int x = 0; x < shot.width(); x += 7)
            colours.insert(shot.pixel(x, y));
    QVERIFY2(colours.size() > 500, qPrintable(QString::number(colours.size())));
}

void TestScreenshot::missingFileFailsNamingIt()
{
    const QString missing = m_dir.filePath(QStringLiteral("nope-not-here.png"));
    const QString out = m_dir.filePath(QStringLiteral("never.png"));
    const LivepixRun r = run({m_input, missing, QStringLiteral("--screenshot"), out});
    QVERIFY2(r.exitCode > 0, qPrintable(r.err)); // a clean failure, not a crash
    QVERIFY2(r.err.contains(missing), qPrintable(r.err));
    QVERIFY(!QFileInfo::exists(out));
}

void TestScreenshot::unknownOptionFails()
{
    const LivepixRun r = run({QStringLiteral("--no-such-option")});
    QVERIFY2(r.exitCode > 0, qPrintable(r.err)); // a clean failure, not a crash
    QVERIFY2(r.err.contains(QStringLiteral("no-such-option")), qPrintable(r.err));
}

void TestScreenshot::versionAndListPlugins()
{
    LivepixRun r = run({QStringLiteral("--version")});
    QCOMPARE(r.exitCode, 0);
    QVERIFY2(r.out.startsWith(QStringLiteral("livepix ")), qPrintable(r.out));
    r = run({QStringLiteral("--list-plugins")});
    QCOMPARE(r.exitCode, 0);
    QVERIFY(!r.out.isEmpty());
}

void TestScreenshot::filesLoadBeforeExecBlocksWhichRunInOrder()
{
#ifndef LIVEPIX_HAVE_CONSOLE
    QSKIP("this build has no Python console");
#else
    const QString second = m_dir.filePath(QStringLiteral("second.png"));
    saveImage(Image::create(32, 16, 3, DType::UInt8), second.toStdString());
    const QString out = m_dir.filePath(QStringLiteral("ordered.png"));
    const LivepixRun r = run({m_input, second, QStringLiteral("--exec"),
                              QStringLiteral("print('exec1', len(viewer.images), [i.width for i in viewer.images])"),
                              QStringLiteral("--exec"), QStringLiteral("print('exec2', viewer.image.width)"),
                              QStringLiteral("--screenshot"), out});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    // Both files were loaded when the first block ran; the first file named
    // is current; the blocks ran in the order given.
    const int first = r.out.indexOf(QStringLiteral("exec1 2 [64, 32]"));
    const int then = r.out.indexOf(QStringLiteral("exec2 64"));
    QVERIFY2(first >= 0 && then > first, qPrintable(r.out));
    QVERIFY(!QImage(out).isNull());
#endif
}

void TestScreenshot::screenshotOfUint16ChessboardShowsSquares()
{
    // uint16 holding 0..255: opens with levels fitted to the data, not black.
    const QString out = m_dir.filePath(QStringLiteral("chess.png"));
    const LivepixRun r =
        run({QStringLiteral("/usr/lib/python3/dist-packages/skimage/data/chessboard_GRAY_U16.tif"),
             QStringLiteral("--screenshot"), out});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    const QImage shot(out);
    int black = 0, white = 0;
    for (int y = 0; y < shot.height(); y += 5)
        for (int x = 0; x < shot.width(); x += 5) {
            const QRgb p = shot.pixel(x, y);
            black += qGray(p) < 16;
            white += qGray(p) > 239;
        }
    QVERIFY2(black > 500 && white > 500, qPrintable(QStringLiteral("%1 black, %2 white").arg(black).arg(white)));
}

void TestScreenshot::screenshotWithLevelsAndColormap()
{
    // Levels and colormap set from --exec show in the screenshot; the colour
    // bar beside the canvas does not (the screenshot is the image view only).
    Image ramp = Image::create(256, 64, 1, DType::Float32);
    for (int y = 0; y < 64; ++y)
        for (int x = 0; x < 256; ++x)
            ramp.at<float>(x, y, 0) = float(x);
    const QString input = m_dir.filePath(QStringLiteral("ramp.tif"));
    saveImage(ramp, input.toStdString());
    const QString plain = m_dir.filePath(QStringLiteral("ramp-plain.png"));
    QVERIFY(run({input, QStringLiteral("--screenshot"), plain}).exitCode == 0);
    const QString out = m_dir.filePath(QStringLiteral("ramp-viridis.png"));
    const LivepixRun r = run({input, QStringLiteral("--exec"),
                              QStringLiteral("viewer.levels = (64, 192)\nviewer.colormap = 'viridis'"),
                              QStringLiteral("--screenshot"), out});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    const QImage shot(out);
    // The legend takes room beside the canvas: the view (all a screenshot
    // holds) is narrower by its width, at the same height.
    QCOMPARE(shot.height(), QImage(plain).height());
    QVERIFY(shot.width() < QImage(plain).width());
    const Colormap *viridis = findColormap("viridis");
    const auto colour = [viridis](int i) { return QColor(viridis->rgb[i][0], viridis->rgb[i][1], viridis->rgb[i][2]); };
    const double scale = std::min(shot.width() / 256.0, shot.height() / 64.0);
    const QPointF origin((shot.width() - 256 * scale) / 2.0, (shot.height() - 64 * scale) / 2.0);
    const auto at = [&](double x) { return shot.pixelColor((origin + QPointF(x, 32) * scale).toPoint()); };
    QCOMPARE(at(20.5), colour(0));    // below the black point
    QCOMPARE(at(230.5), colour(255)); // above the white point
    QCOMPARE(at(128.5), colour(int(std::lround(255.0 * (128 - 64) / 128.0))));
}

QTEST_MAIN(TestScreenshot)
#include "tst_screenshot.moc"
