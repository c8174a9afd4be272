// SaveJob (Viewer::saveAsync): saving off the GUI thread from a snapshot.
#include <QtTest>

#include <atomic>
#include <cstring>
#include <thread>

#include <livepix/contenthash.h>
#include <livepix/image.h>
#include <livepix/imageio.h>
#include <livepix/pixelbuffer.h>
#include <livepix/writetracker.h>

#include "viewer/document.h"
#include "viewer/savejob.h"
#include "viewer/viewer.h"

using namespace livepix;
using namespace livepix::gui;

namespace {

QByteArray fileBytes(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

struct SaveResult {
    bool ok = false;
    QString error;
};

SaveResult waitFor(SaveJob *job)
{
    QSignalSpy finished(job, &SaveJob::finished);
    if (!finished.wait(60000))
        return {false, QStringLiteral("timed out")};
    return {finished.first().at(0).toBool(), finished.first().at(1).toString()};
}

} // namespace

class TestSaveJob : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void savesAndMarksClean();
    void writesDuringTheSaveAreNotMarkedClean();
    void concurrentWriterNeverGetsAFalseCleanMark();
    void failedSaveKeepsDocumentAndFile_data();
    void failedSaveKeepsDocumentAndFile();
    void progressIsReported();
    void cancelLeavesTheFileUntouched();
    void savesRunInTheOrderAsked();
    void closedDocumentStillGetsSaved();
    void savesPinTheirMomentWithoutACopy();
    void copiesWhenNothingCanBePinned();
    void waitForJobsBlocksUntilWritten();

private:
    QTemporaryDir m_dir;
};

void TestSaveJob::initTestCase() { QVERIFY(m_dir.isValid()); }

void TestSaveJob::savesAndMarksClean()
{
    Viewer viewer;
    Document *document = viewer.show(Image::create(16, 8, 3, DType::UInt8), QStringLiteral("new"));
    document->image().at<std::uint8_t>(5, 6, 1) = 77;
    document->setModified(true);
    QSignalSpy started(&viewer, &Viewer::saveStarted);
    QSignalSpy ended(&viewer, &Viewer::saveFinished);
    const QString path = m_dir.filePath(QStringLiteral("saved.tif"));
    SaveJob *job = viewer.saveAsync(document, path);
    QVERIFY(job);
    QVERIFY(viewer.isSaving());
    QVERIFY(viewer.hasRunningJobs());
    QCOMPARE(started.count(), 1);
    QVERIFY(document->isModified()); // nothing changes before the file is written
    QSignalSpy idle(&viewer, &Viewer::jobsFinished);
    const SaveResult r = waitFor(job);
    QVERIFY2(r.ok, qPrintable(r.error));
    QCOMPARE(ended.count(), 1);
    QCOMPARE(idle.count(), 1);
    QVERIFY(!viewer.hasRunningJobs());
    QVERIFY(!document->isModified());
    QCOMPARE(document->filePath(), QFileInfo(path).absoluteFilePath());
    QCOMPARE(document->name(), QStringLiteral("saved.tif"));
    const Image back = loadImage(path.toStdString());
    QCOMPARE(int(back.at<std::uint8_t>(5, 6, 1)), 77);
    QCOMPARE(document->cleanHash(), contentHash(back));
}

void TestSaveJob::writesDuringTheSaveAreNotMarkedClean()
{
    // A script writes right after Save was chosen: the file holds the pixels
    // of that moment, the clean mark describes the file, and the document is
    // modified again because its live pixels moved on.
    Viewer viewer;
    Document *document = viewer.show(Image::create(64, 64, 4, DType::UInt8), QStringLiteral("x"));
    document->image().at<std::uint8_t>(1, 1, 0) = 10;
    const QString path = m_dir.filePath(QStringLiteral("moment.png"));
    SaveJob *job = viewer.saveAsync(document, path);
    document->image().at<std::uint8_t>(1, 1, 0) = 200; // after the snapshot
    const SaveResult r = waitFor(job);
    QVERIFY2(r.ok, qPrintable(r.error));
    const Image back = loadImage(path.toStdString());
    QCOMPARE(int(back.at<std::uint8_t>(1, 1, 0)), 10);
    QCOMPARE(document->cleanHash(), contentHash(back));
    QTRY_VERIFY(document->isModified());
}

void TestSaveJob::concurrentWriterNeverGetsAFalseCleanMark()
{
    // The regression: save used to hash the pixels after writing them, so a
    // writer running meanwhile got a clean mark for pixels never saved. Now
    // whatever the writer does, the clean hash is the hash of the file.
    Viewer viewer;
    Document *document = viewer.show(Image::create(512, 512, 4, DType::UInt8), QStringLiteral("busy"));
    const Image live = document->image();
    std::atomic<bool> stop{false};
    std::thread writer([live, &stop] {
        std::uint8_t value = 0;
        while (!stop.load()) {
            ++value;
            for (int y = 0; y < live.height(); y += 7)
                live.row(y)[0] = value;
        }
    });
    const QString path = m_dir.filePath(QStringLiteral("busy.tif"));
    // Compared after the writer stopped (a failed QCOMPARE returns at once).
    QList<SaveResult> results;
    QList<QPair<std::uint64_t, std::uint64_t>> hashes; // clean mark, file
    for (int i = 0; i < 3; ++i) {
        results << waitFor(viewer.saveAsync(document, path));
        hashes << qMakePair(document->cleanHash(), results.last().ok ? contentHash(loadImage(path.toStdString())) : 0);
    }
    stop = true;
    writer.join();
    for (int i = 0; i < 3; ++i) {
        QVERIFY2(results[i].ok, qPrintable(results[i].error));
        QCOMPARE(hashes[i].first, hashes[i].second);
    }
}

void TestSaveJob::failedSaveKeepsDocumentAndFile_data()
{
    QTest::addColumn<QString>("target");
    QTest::addColumn<QString>("reason");
    QTest::newRow("missing folder") << QStringLiteral("no/such/folder/out.png") << QStringLiteral("does not exist");
    QTest::newRow("unknown format") << QStringLiteral("out.notaformat") << QStringLiteral("notaformat");
}

void TestSaveJob::failedSaveKeepsDocumentAndFile()
{
    QFETCH(QString, target);
    QFETCH(QString, reason);
    const QString path = m_dir.filePath(target);
    Viewer viewer;
    Document *document = viewer.show(Image::create(4, 4, 3, DType::UInt8), QStringLiteral("keep"));
    document->setModified(true);
    const SaveResult r = waitFor(viewer.saveAsync(document, path));
    QVERIFY(!r.ok);
    QVERIFY2(r.error.startsWith(path + QStringLiteral(": ")) && r.error.contains(reason), qPrintable(r.error));
    QVERIFY(document->isModified());
    QVERIFY(document->filePath().isEmpty());
    QCOMPARE(document->name(), QStringLiteral("keep"));
    QVERIFY(!QFileInfo::exists(path));
}

void TestSaveJob::progressIsReported()
{
    // Large enough for OpenImageIO to write it in more than one chunk.
    Viewer viewer;
    Document *document = viewer.show(Image::create(8192, 8200, 1, DType::UInt8), QStringLiteral("big"));
    QSignalSpy progress(&viewer, &Viewer::saveProgress);
    SaveJob *job = viewer.saveAsync(document, m_dir.filePath(QStringLiteral("big.tif")), {{"compression", "none"}});
    QSignalSpy jobProgress(job, &SaveJob::progressChanged);
    const SaveResult r = waitFor(job);
    QVERIFY2(r.ok, qPrintable(r.error));
    QVERIFY(progress.count() >= 1);
    QCOMPARE(progress.count(), jobProgress.count());
    double last = -1.0;
    for (const auto &args : std::as_const(progress)) {
        const double value = args.at(1).toDouble();
        QVERIFY(value >= last && value <= 1.0);
        last = value;
    }
    QCOMPARE(last, 1.0);
}

void TestSaveJob::cancelLeavesTheFileUntouched()
{
    const QString path = m_dir.filePath(QStringLiteral("existing.tif"));
    saveImage(Image::create(8, 8, 1, DType::UInt8), path.toStdString());
    const QByteArray before = fileBytes(path);
    Viewer viewer;
    Document *document = viewer.show(Image::create(8192, 8200, 1, DType::UInt8), QStringLiteral("big"));
    document->setModified(true);
    SaveJob *job = viewer.saveAsync(document, path, {{"compression", "none"}});
    job->cancel(); // as the status bar's Cancel
    const SaveResult r = waitFor(job);
    QVERIFY(!r.ok);
    QVERIFY2(r.error == path + QStringLiteral(": cancelled"), qPrintable(r.error));
    QCOMPARE(fileBytes(path), before);
    QVERIFY(document->isModified());
    // No temporary file left beside it.
    QCOMPARE(QDir(m_dir.path()).entryList({QStringLiteral(".existing.tif*")}, QDir::Hidden | QDir::Files).size(), 0);
}

void TestSaveJob::savesRunInTheOrderAsked()
{
    // Two saves of one file: the later one's pixels win, and the clean mark
    // is the later one's.
    Viewer viewer;
    Document *document = viewer.show(Image::create(2048, 1024, 4, DType::UInt8), QStringLiteral("twice"));
    const QString path = m_dir.filePath(QStringLiteral("twice.png"));
    document->image().at<std::uint8_t>(0, 0, 0) = 1;
    SaveJob *first = viewer.saveAsync(document, path);
    document->image().at<std::uint8_t>(0, 0, 0) = 2;
    SaveJob *second = viewer.saveAsync(document, path);
    // Each pins its own moment.
    QVERIFY(!first->snapshotCopied());
    QVERIFY(!second->snapshotCopied());
    QList<int> order;
    connect(first, &SaveJob::finished, this, [&] { order << 1; });
    connect(second, &SaveJob::finished, this, [&] { order << 2; });
    QTRY_COMPARE(order.size(), 2);
    QCOMPARE(order, (QList<int>{1, 2}));
    const Image back = loadImage(path.toStdString());
    QCOMPARE(int(back.at<std::uint8_t>(0, 0, 0)), 2);
    QCOMPARE(document->cleanHash(), contentHash(back));
    QVERIFY(!document->isModified());
}

void TestSaveJob::closedDocumentStillGetsSaved()
{
    Viewer viewer;
    Document *document = viewer.show(Image::create(32, 32, 3, DType::UInt8), QStringLiteral("gone"));
    document->image().at<std::uint8_t>(4, 4, 2) = 99;
    const QString path = m_dir.filePath(QStringLiteral("gone.png"));
    SaveJob *job = viewer.saveAsync(document, path);
    QVERIFY(viewer.close(document));
    QSignalSpy finished(job, &SaveJob::finished);
    QVERIFY(finished.wait(20000));
    QVERIFY(finished.first().at(0).toBool());
    QCOMPARE(int(loadImage(path.toStdString()).at<std::uint8_t>(4, 4, 2)), 99);
}

void TestSaveJob::waitForJobsBlocksUntilWritten()
{
    // The shutdown hook: no event loop runs, yet the file is complete.
    Viewer viewer;
    Document *document = viewer.show(Image::create(1024, 1024, 4, DType::UInt8), QStringLiteral("quit"));
    document->image().at<std::uint8_t>(9, 9, 3) = 5;
    const QString path = m_dir.filePath(QStringLiteral("quit.png"));
    viewer.saveAsync(document, path);
    QVERIFY(viewer.waitForJobs(60000));
    QCOMPARE(int(loadImage(path.toStdString()).at<std::uint8_t>(9, 9, 3)), 5);
    // The GUI side (clean mark, jobsFinished) follows in the event loop.
    QVERIFY(viewer.hasRunningJobs());
    QSignalSpy idle(&viewer, &Viewer::jobsFinished);
    QVERIFY(idle.wait(20000));
    QCOMPARE(document->cleanHash(), contentHash(loadImage(path.toStdString())));
}

void TestSaveJob::savesPinTheirMomentWithoutACopy()
{
    // A script rewrites every pixel right after Save: the save reads the
    // write tracker's pin, and the file holds the moment Save was chosen.
    Viewer viewer;
    Document *document = viewer.show(Image::create(2048, 1536, 4, DType::UInt8), QStringLiteral("pinned"));
    Image live = document->image(); // another handle on the document's image (descriptive state shared)
    for (int y = 0; y < live.height(); ++y)
        std::memset(live.row(y), y % 251, std::size_t(live.width()) * 4);
    const Image moment = live.copy();
    live.setMetadataValue("Artist", "before Save");
    const QString path = m_dir.filePath(QStringLiteral("pinned.tif"));
    SaveJob *job = viewer.saveAsync(document, path);
    QVERIFY(!job->snapshotCopied());
    live.setMetadataValue("Artist", "after Save"); // descriptive state is of the moment too
    std::thread writer([live] {
        for (int y = live.height() - 1; y >= 0; --y)
            std::memset(live.row(y), 0xff, std::size_t(live.width()) * 4);
    });
    const SaveResult r = waitFor(job);
    writer.join();
    QVERIFY2(r.ok, qPrintable(r.error));
    const Image back = loadImage(path.toStdString());
    QCOMPARE(contentHash(back), contentHash(moment));
    QCOMPARE(document->cleanHash(), contentHash(moment));
    QCOMPARE(back.metadata().get("Artist").value_or("none"), std::string("before Save"));
    QTRY_VERIFY(document->isModified()); // the live pixels moved on
}

void TestSaveJob::copiesWhenNothingCanBePinned()
{
    // Four pins already live (the tracker's limit): the save falls back to
    // a full copy, and still writes its own moment.
    Viewer viewer;
    Document *document = viewer.show(Image::create(512, 512, 3, DType::UInt8), QStringLiteral("copied"));
    WriteTracker *tracker = document->image().buffer()->writeTracker();
    QVERIFY(tracker);
    QList<std::shared_ptr<WriteSnapshot>> pins;
    while (auto pin = tracker->pin())
        pins << pin;
    QCOMPARE(pins.size(), 4);
    const Image live = document->image();
    live.at<std::uint8_t>(7, 7, 0) = 42;
    const QString path = m_dir.filePath(QStringLiteral("copied.png"));
    SaveJob *job = viewer.saveAsync(document, path);
    QVERIFY(job->snapshotCopied());
    live.at<std::uint8_t>(7, 7, 0) = 43;
    const SaveResult r = waitFor(job);
    QVERIFY2(r.ok, qPrintable(r.error));
    QCOMPARE(int(loadImage(path.toStdString()).at<std::uint8_t>(7, 7, 0)), 42);
}

QTEST_MAIN(TestSaveJob)
#include "tst_savejob.moc"
