// FolderBrowser and PrefetchCache: next / previous image in a folder, in
// natural order, replacing the current document (unless it has unsaved
// changes), with the neighbours loaded ahead within a budget.
#include <QtTest>

#include <livepix/image.h>
#include <livepix/imageio.h>

#include <cstring>
#include <random>

#include "viewer/boxreduction.h"
#include "viewer/canvas.h"
#include "viewer/document.h"
#include "viewer/folderbrowser.h"
#include "viewer/loadjob.h"
#include "viewer/prefetchcache.h"
#include "viewer/viewer.h"

using namespace livepix;
using namespace livepix::gui;

class TestFolderBrowser : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void listsReadableImagesInNaturalOrder();
    void neighboursStopAtTheEnds();
    void stepReplacesTheCleanDocument();
    void modifiedDocumentStaysOpen();
    void endsSayWhereTheyAre();
    void prefetchedStepOpensFromMemory();
    void changedFileIsReadAgain();
    void budgetLimitsWhatIsKept();
    void prefetchedStepDrawsTheLevelMadeAhead();

private:
    QString path(const QString &name) const { return m_dir.filePath(name); }
    /// Opens `name` and waits until it is the current document.
    Document *open(Viewer &viewer, const QString &name);
    void write(const QString &name, int value, int width = 16, int height = 8);

    QTemporaryDir m_dir;
    QTemporaryDir m_config;
};

void TestFolderBrowser::initTestCase()
{
    qputenv("XDG_CONFIG_HOME", m_config.path().toLocal8Bit());
    QCoreApplication::setOrganizationName(QStringLiteral("livepix-tests"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_folderbrowser"));
    for (const auto &[name, value] : {std::pair{"img10.png", 10}, {"img2.png", 2}, {"IMG1.png", 1}, {"img3.tif", 3}})
        write(QString::fromLatin1(name), value);
    QFile notes(path(QStringLiteral("notes.txt")));
    QVERIFY(notes.open(QIODevice::WriteOnly));
    notes.write("not an image");
}

void TestFolderBrowser::init() { QSettings().remove(QStringLiteral("browse/prefetchMiB")); }

void TestFolderBrowser::write(const QString &name, int value, int width, int height)
{
    Image image = Image::create(width, height, 3, DType::UInt8);
    for (int y = 0; y < height; ++y)
        for (int x = 0; x < width; ++x)
            image.at<std::uint8_t>(x, y, 0) = std::uint8_t(value);
    saveImage(image, path(name).toStdString());
}

Document *TestFolderBrowser::open(Viewer &viewer, const QString &name)
{
    LoadJob *job = viewer.openAsync(path(name));
    QSignalSpy done(job, &LoadJob::finished);
    if (!done.wait(10000))
        return nullptr;
    return viewer.current();
}

void TestFolderBrowser::listsReadableImagesInNaturalOrder()
{
    QCOMPARE(FolderBrowser::imagesIn(m_dir.path()),
             QStringList({"IMG1.png", "img2.png", "img3.tif", "img10.png"}));
    // Leading zeros and longer runs of digits.
    QVERIFY(QFile::copy(path("img2.png"), path("img007.png")));
    QCOMPARE(FolderBrowser::imagesIn(m_dir.path()),
             QStringList({"IMG1.png", "img2.png", "img3.tif", "img007.png", "img10.png"}));
    QFile::remove(path("img007.png"));
    // Extensions in any case; not hidden files, folders or other files.
    QVERIFY(QFile::copy(path("img2.png"), path("img4.PNG")));
    QVERIFY(QFile::copy(path("img2.png"), path(".img5.png")));
    QVERIFY(QDir(m_dir.path()).mkdir(QStringLiteral("img6.png")));
    QVERIFY(QFile::copy(path("img2.png"), path("img7.png.txt")));
    QVERIFY(QFile::copy(path("img2.png"), path("png")));
    QCOMPARE(FolderBrowser::imagesIn(m_dir.path()),
             QStringList({"IMG1.png", "img2.png", "img3.tif", "img4.PNG", "img10.png"}));
    for (const char *name : {"img4.PNG", ".img5.png", "img7.png.txt", "png"})
        QVERIFY(QFile::remove(path(QString::fromLatin1(name))));
    QVERIFY(QDir(m_dir.path()).rmdir(QStringLiteral("img6.png")));
}

void TestFolderBrowser::neighboursStopAtTheEnds()
{
    QCOMPARE(FolderBrowser::neighbour(path("img2.png"), 1), path("img3.tif"));
    QCOMPARE(FolderBrowser::neighbour(path("img2.png"), -1), path("IMG1.png"));
    QCOMPARE(FolderBrowser::neighbour(path("img10.png"), 1), QString());
    QCOMPARE(FolderBrowser::neighbour(path("IMG1.png"), -1), QString());
    // A file that is gone: the step starts where it stood.
    QCOMPARE(FolderBrowser::neighbour(path("img5.png"), 1), path("img10.png"));
    QCOMPARE(FolderBrowser::neighbour(path("img5.png"), -1), path("img3.tif"));
}

void TestFolderBrowser::stepReplacesTheCleanDocument()
{
    Viewer viewer;
    FolderBrowser browser(&viewer);
    QVERIFY(open(viewer, QStringLiteral("img2.png")));
    QVERIFY(browser.step(1));
    QTRY_COMPARE(viewer.current()->filePath(), path("img3.tif"));
    QCOMPARE(viewer.documents().size(), 1); // replaced, not added
    QCOMPARE(int(viewer.current()->image().at<std::uint8_t>(0, 0, 0)), 3);
    QVERIFY(browser.step(-1));
    QTRY_COMPARE(viewer.current()->filePath(), path("img2.png"));
    QVERIFY(browser.step(-1));
    QTRY_COMPARE(viewer.current()->filePath(), path("IMG1.png"));
    QTRY_COMPARE(viewer.documents().size(), 1);
}

void TestFolderBrowser::modifiedDocumentStaysOpen()
{
    Viewer viewer;
    FolderBrowser browser(&viewer);
    Document *edited = open(viewer, QStringLiteral("img2.png"));
    QVERIFY(edited);
    edited->image().at<std::uint8_t>(0, 0, 1) = 77;
    edited->setModified(true);
    QVERIFY(browser.step(1));
    QTRY_COMPARE(viewer.current()->filePath(), path("img3.tif"));
    QCOMPARE(viewer.documents().size(), 2);
    QVERIFY(viewer.documents().contains(edited));
    QCOMPARE(int(edited->image().at<std::uint8_t>(0, 0, 1)), 77);
}

void TestFolderBrowser::endsSayWhereTheyAre()
{
    Viewer viewer;
    FolderBrowser browser(&viewer);
    QSignalSpy messages(&browser, &FolderBrowser::message);
    QVERIFY(!browser.step(1)); // no document
    QVERIFY(open(viewer, QStringLiteral("img10.png")));
    QVERIFY(!browser.step(1));
    QCOMPARE(messages.size(), 2);
    QVERIFY2(messages.last().at(0).toString().startsWith(QStringLiteral("Last image in ")),
             qPrintable(messages.last().at(0).toString()));
    QCOMPARE(viewer.current()->filePath(), path("img10.png"));
}

void TestFolderBrowser::prefetchedStepOpensFromMemory()
{
    Viewer viewer;
    FolderBrowser browser(&viewer);
    browser.setPrefetch(true);
    QVERIFY(open(viewer, QStringLiteral("img2.png")));
    PrefetchCache *cache = viewer.prefetchCache();
    QTRY_VERIFY(cache->isReady(path("img3.tif")) && cache->isReady(path("IMG1.png")));
    QVERIFY(browser.step(1));
    QTRY_COMPARE(viewer.current()->filePath(), path("img3.tif"));
    QCOMPARE(cache->hits(), 1);
    QCOMPARE(int(viewer.current()->image().at<std::uint8_t>(0, 0, 0)), 3);
    QVERIFY(!viewer.current()->isModified()); // clean: its hash came with it
    // Now the neighbours of img3: img2 and img10; IMG1 was dropped.
    QTRY_VERIFY(cache->isReady(path("img2.png")) && cache->isReady(path("img10.png")));
    QVERIFY(!cache->paths().contains(path("IMG1.png")));
}

void TestFolderBrowser::changedFileIsReadAgain()
{
    write(QStringLiteral("img10.png"), 10);
    Viewer viewer;
    FolderBrowser browser(&viewer);
    browser.setPrefetch(true);
    QVERIFY(open(viewer, QStringLiteral("img3.tif")));
    QTRY_VERIFY(viewer.prefetchCache()->isReady(path("img10.png")));
    QTest::qWait(1100); // a new modification time
    write(QStringLiteral("img10.png"), 42, 20);
    QVERIFY(browser.step(1));
    QTRY_COMPARE(viewer.current()->filePath(), path("img10.png"));
    QCOMPARE(viewer.prefetchCache()->hits(), 0);
    QCOMPARE(int(viewer.current()->image().at<std::uint8_t>(0, 0, 0)), 42);
    write(QStringLiteral("img10.png"), 10);
}

void TestFolderBrowser::budgetLimitsWhatIsKept()
{
    // Settings out of range: clamped, never a wrapped-around budget.
    QSettings().setValue(QStringLiteral("browse/prefetchMiB"), -5);
    QCOMPARE(PrefetchCache::budgetBytes(), std::size_t(0));
    QSettings().setValue(QStringLiteral("browse/prefetchMiB"), QStringLiteral("9223372036854775807"));
    QCOMPARE(PrefetchCache::budgetBytes(), std::size_t(1) << 50);
    // A 0 MiB budget: nothing is kept, steps still work (plain loads).
    QSettings().setValue(QStringLiteral("browse/prefetchMiB"), 0);
    Viewer viewer;
    FolderBrowser browser(&viewer);
    browser.setPrefetch(true);
    QVERIFY(open(viewer, QStringLiteral("img2.png")));
    QTest::qWait(300);
    QCOMPARE(viewer.prefetchCache()->paths(), QStringList());
    QCOMPARE(viewer.prefetchCache()->bytes(), std::size_t(0));
    QVERIFY(browser.step(1));
    QTRY_COMPARE(viewer.current()->filePath(), path("img3.tif"));
    // A budget of 1 MiB holds one 700x400 RGB image (840 KiB), not two.
    QSettings().setValue(QStringLiteral("browse/prefetchMiB"), 1);
    write(QStringLiteral("big1.png"), 1, 700, 400);
    write(QStringLiteral("big2.png"), 2, 700, 400);
    write(QStringLiteral("big3.png"), 3, 700, 400);
    Viewer second;
    FolderBrowser other(&second);
    other.setPrefetch(true);
    QVERIFY(open(second, QStringLiteral("big2.png")));
    QTRY_VERIFY(second.prefetchCache()->isReady(path("big3.png")));
    QTest::qWait(300);
    QVERIFY(second.prefetchCache()->bytes() <= std::size_t(1) << 20);
    QCOMPARE(second.prefetchCache()->paths(), QStringList({path("big3.png")}));
    for (const char *name : {"big1.png", "big2.png", "big3.png"})
        QFile::remove(path(QString::fromLatin1(name)));
}

namespace {
/// Empty when the box level the canvas drew is the one a reduction of the
/// shown image at the canvas's scale makes now, else how it differs.
QString levelDifference(const Canvas &canvas, const Image &image)
{
    const double scale = canvas.scale() * canvas.devicePixelRatioF();
    const int alpha = image.channels() - 1;
    BoxReduction fresh;
    std::vector<std::pair<int, int>> rewritten;
    const BoxReduction::BandRunner serial = [](int rows, std::int64_t, const std::function<void(int, int)> &work) {
        work(0, rows);
    };
    const Image &expected = fresh.update(image, scale, QRectF(0, 0, image.width(), image.height()), serial,
                                         rewritten, alpha);
    const BoxReduction &drawn = canvas.pipeline().boxReduction();
    if (!drawn.hasGrid(image, scale, QRectF(0, 0, image.width(), image.height()), alpha))
        return QStringLiteral("the canvas has no level of this image at scale %1").arg(scale);
    const Image &level = drawn.level();
    if (level.width() != expected.width() || level.height() != expected.height())
        return QStringLiteral("level %1x%2, expected %3x%4")
            .arg(level.width()).arg(level.height()).arg(expected.width()).arg(expected.height());
    const auto rowBytes = std::size_t(level.width()) * std::size_t(level.channels());
    for (int y = 0; y < level.height(); ++y)
        if (std::memcmp(level.row(y), expected.row(y), rowBytes) != 0)
            return QStringLiteral("level row %1 differs").arg(y);
    return {};
}
} // namespace

void TestFolderBrowser::prefetchedStepDrawsTheLevelMadeAhead()
{
    // Translucent noise larger than the canvas: each first smooth frame is an
    // alpha-weighted box level of every pixel.
    QTemporaryDir dir;
    std::mt19937 random(3);
    for (int i = 1; i <= 3; ++i) {
        Image image = Image::create(640, 400, 4, DType::UInt8);
        for (int y = 0; y < image.height(); ++y)
            for (int x = 0; x < image.width() * 4; ++x)
                image.row(y)[x] = std::uint8_t(random());
        saveImage(image, dir.filePath(QStringLiteral("big%1.png").arg(i)).toStdString());
    }
    const auto big = [&](int i) { return dir.filePath(QStringLiteral("big%1.png").arg(i)); };
    Viewer viewer;
    Canvas canvas(&viewer);
    canvas.resize(200, 150);
    canvas.show();
    QVERIFY(QTest::qWaitForWindowExposed(&canvas));
    FolderBrowser browser(&viewer);
    browser.setPrefetch(true);
    QSignalSpy opened(viewer.openAsync(big(1)), &LoadJob::finished);
    QVERIFY(opened.wait(10000));
    const PreparedLevels &prepared = canvas.preparedLevels();
    // big2 is prefetched, then its level made ahead (big1 has no previous).
    QTRY_VERIFY(viewer.prefetchCache()->isReady(big(2)));
    QTRY_COMPARE(prepared.levels(), 1);
    QCOMPARE(prepared.running(), 0);

    QVERIFY(browser.step(1));
    QTRY_COMPARE(viewer.current()->filePath(), big(2));
    canvas.repaint();
    QCOMPARE(prepared.adopted(), 1);
    QVERIFY(!canvas.isDraft());
    QString difference = levelDifference(canvas, viewer.current()->image());
    QVERIFY2(difference.isEmpty(), qPrintable(difference));

    // A level made for another window size is not used: big3's was made at
    // 200x150; the step after a resize reduces it afresh, and right.
    QTRY_VERIFY(viewer.prefetchCache()->isReady(big(3)));
    QTRY_VERIFY(prepared.levels() >= 1 && prepared.running() == 0);
    canvas.resize(180, 140);
    QVERIFY(browser.step(1));
    QTRY_COMPARE(viewer.current()->filePath(), big(3));
    canvas.repaint();
    QCOMPARE(prepared.adopted(), 1);
    difference = levelDifference(canvas, viewer.current()->image());
    QVERIFY2(difference.isEmpty(), qPrintable(difference));
}

QTEST_MAIN(TestFolderBrowser)
#include "tst_folderbrowser.moc"
