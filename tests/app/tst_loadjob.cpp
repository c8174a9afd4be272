// LoadJob (Viewer::openAsync): opening in the background, re-entrant opens.
#include <QtTest>

#include <future>
#include <thread>

#include <livepix/image.h>
#include <livepix/imageio.h>

#include "viewer/document.h"
#include "viewer/loadjob.h"
#include "viewer/viewer.h"

using namespace livepix;
using namespace livepix::gui;

class TestLoadJob : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void reentrantOpensFinishInRequestOrder();
    void jobsFinishInRequestOrder();
    void cancelOneOfTwo();
    void cancelLoadCancelsAll();
    void resultCanBeAwaitedFromAnotherThread();
    void destroyedViewerBreaksTheResult();

private:
    QTemporaryDir m_dir;
    QString m_big;
    QString m_small;
};

void TestLoadJob::initTestCase()
{
    QVERIFY(m_dir.isValid());
    // Big enough that its load spans many event-loop passes.
    Image big = Image::create(4096, 2048, 4, DType::UInt8);
    big.at<std::uint8_t>(100, 100, 0) = 1;
    m_big = m_dir.filePath(QStringLiteral("big.tif"));
    saveImage(big, m_big.toStdString(), {{"compression", "none"}});
    Image small = Image::create(8, 4, 3, DType::UInt8);
    m_small = m_dir.filePath(QStringLiteral("small.png"));
    saveImage(small, m_small.toStdString());
}

void TestLoadJob::reentrantOpensFinishInRequestOrder()
{
    Viewer viewer;
    QPointer<Document> existing = viewer.show(Image::create(4, 4, 1, DType::UInt8), QStringLiteral("existing"));
    QStringList order;
    QList<QPointer<Document>> made;
    auto record = [&](LoadJob *job, const QString &name) {
        connect(job, &LoadJob::finished, this, [&, name](Document *document, const QString &error) {
            QVERIFY2(document, qPrintable(error));
            order << name;
            made << document;
        });
    };
    // Start an open; while it loads, another open, a close of the current
    // document and a second open of the same file.
    LoadJob *a = viewer.openAsync(m_big);
    record(a, QStringLiteral("a"));
    LoadJob *b = viewer.openAsync(m_small);
    record(b, QStringLiteral("b"));
    QVERIFY(viewer.close(viewer.current()));
    LoadJob *c = viewer.openAsync(m_big);
    record(c, QStringLiteral("c"));
    // And from inside a finished() slot: close that document, open again.
    LoadJob *d = nullptr;
    connect(a, &LoadJob::finished, this, [&](Document *document) {
        QVERIFY(viewer.close(document));
        d = viewer.openAsync(m_small);
        record(d, QStringLiteral("d"));
    });
    QVERIFY(viewer.isLoading());
    QVERIFY(viewer.documents().isEmpty()); // nothing finished yet
    QTRY_COMPARE_WITH_TIMEOUT(order.size(), 4, 30000);
    QCOMPARE(order, (QStringList{"a", "b", "c", "d"}));
    QVERIFY(!viewer.isLoading());
    QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
    QVERIFY(!existing);
    QVERIFY(!made[0]); // closed in its own finished() slot, then deleted
    QCOMPARE(viewer.documents(), (QList<Document *>{made[1], made[2], made[3]}));
    QCOMPARE(viewer.current(), made[3].data());
    QCOMPARE(made[2]->image().width(), 4096);
    QCOMPARE(int(made[2]->image().at<std::uint8_t>(100, 100, 0)), 1);
    QCOMPARE(made[1]->filePath(), made[3]->filePath());
}

void TestLoadJob::jobsFinishInRequestOrder()
{
    // The small file's load ends first, yet the big one's document comes first.
    Viewer viewer;
    QStringList order;
    for (const QString &path : {m_big, m_small, m_big, m_small})
        connect(viewer.openAsync(path), &LoadJob::finished, this,
                [&order, path](Document *) { order << QFileInfo(path).fileName(); });
    QTRY_COMPARE_WITH_TIMEOUT(order.size(), 4, 30000);
    QCOMPARE(order, (QStringList{"big.tif", "small.png", "big.tif", "small.png"}));
    QCOMPARE(viewer.documents().size(), 4);
    QCOMPARE(viewer.documents().first()->name(), QStringLiteral("big.tif"));
}

void TestLoadJob::cancelOneOfTwo()
{
    Viewer viewer;
    LoadJob *cancelled = viewer.openAsync(m_big);
    LoadJob *kept = viewer.openAsync(m_small);
    QSignalSpy first(cancelled, &LoadJob::finished);
    QSignalSpy second(kept, &LoadJob::finished);
    cancelled->cancel();
    QVERIFY(second.wait(30000));
    QCOMPARE(first.count(), 1); // finished before, in request order
    QCOMPARE(first.first().first().value<Document *>(), nullptr);
    QCOMPARE(first.first().at(1).toString(), m_big + QStringLiteral(": cancelled"));
    QVERIFY(second.first().first().value<Document *>());
    QCOMPARE(viewer.documents().size(), 1);
}

void TestLoadJob::cancelLoadCancelsAll()
{
    Viewer viewer;
    QSignalSpy loadFinished(&viewer, &Viewer::loadFinished);
    QSignalSpy idle(&viewer, &Viewer::jobsFinished);
    QStringList errors;
    for (const QString &path : {m_big, m_small})
        connect(viewer.openAsync(path), &LoadJob::finished, this,
                [&errors](Document *, const QString &error) { errors << error; });
    viewer.cancelLoad();
    QVERIFY(idle.wait(30000));
    QCOMPARE(errors, (QStringList{m_big + QStringLiteral(": cancelled"), m_small + QStringLiteral(": cancelled")}));
    QCOMPARE(loadFinished.count(), 2);
    QVERIFY(viewer.documents().isEmpty());
    QVERIFY(!viewer.isLoading());
}

void TestLoadJob::resultCanBeAwaitedFromAnotherThread()
{
    // As the console's viewer.open() does on the Python thread.
    Viewer viewer;
    std::shared_future<OpenedImage> result = viewer.openAsync(m_big)->result();
    auto waited = std::async(std::launch::async, [result] { return result.get(); });
    QTRY_VERIFY_WITH_TIMEOUT(waited.wait_for(std::chrono::seconds(0)) == std::future_status::ready, 30000);
    const OpenedImage opened = waited.get();
    QVERIFY2(!opened.image.isNull(), qPrintable(opened.error));
    QCOMPARE(opened.image.data(), viewer.current()->image().data()); // the document's own pixels
}

void TestLoadJob::destroyedViewerBreaksTheResult()
{
    auto *viewer = new Viewer;
    std::shared_future<OpenedImage> result = viewer->openAsync(m_big)->result();
    delete viewer; // cancels and waits for its loads; no document is made
    QCOMPARE(result.wait_for(std::chrono::seconds(0)), std::future_status::ready);
    QVERIFY_THROWS_EXCEPTION(std::future_error, result.get());
}

QTEST_MAIN(TestLoadJob)
#include "tst_loadjob.moc"
