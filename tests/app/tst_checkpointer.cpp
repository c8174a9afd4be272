// Checkpointer: unsaved documents are written in the background, only when
// their pixels changed, from a snapshot; saved or closed ones lose theirs.
#include <QtTest>

#include <QTemporaryDir>

#include <livepix/contenthash.h>
#include <livepix/imageio.h>

#include "attach/tevdocuments.h"
#include "attach/tevprotocol.h"
#include "recovery/checkpointer.h"
#include "recovery/recoverystore.h"
#include "tevpackets.h"
#include "testsupport.h"
#include "viewer/document.h"
#include "viewer/viewer.h"

using namespace livepix;
using namespace livepix::gui;
using testsupport::makeTestImage;
using testsupport::pixelDifference;

class TestCheckpointer : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void unsavedDocumentIsCheckpointed();
    void unchangedPixelsAreNotRewritten();
    void snapshotIsTakenWhenTheRoundStarts();
    void cleanDocumentIsNotCheckpointed();
    void savedDocumentLosesItsCheckpoint();
    void closedDocumentLosesItsCheckpoint();
    void closedWhileWritingLeavesNothing();
    void timerCheckpointsOnItsOwn();
    void cleanQuitRemovesTheInstanceFolder();
    void tevImageEditedHereSurvivesCloseImage();

private:
    /// Runs one round and waits for its writes.
    void round();

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<Viewer> m_viewer;
    std::shared_ptr<RecoveryStore> m_store;
    std::unique_ptr<Checkpointer> m_checkpointer;
};

void TestCheckpointer::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    qputenv("LIVEPIX_AUTOSAVE_INTERVAL", "0"); // rounds run when a test says so
    m_viewer = std::make_unique<Viewer>();
    m_store = std::make_shared<RecoveryStore>(m_dir->filePath(QStringLiteral("recovery")));
    m_checkpointer = std::make_unique<Checkpointer>(m_viewer.get(), m_store);
    QCOMPARE(m_checkpointer->interval(), 0);
}

void TestCheckpointer::cleanup()
{
    m_checkpointer.reset();
    m_store.reset();
    m_viewer.reset();
}

// tev's CloseImage of an image the user edited here, with nobody to ask
// (batch, offscreen): the image stays open and its checkpoint, edit
// included, stays in the recovery folder.
void TestCheckpointer::tevImageEditedHereSurvivesCloseImage()
{
    TevDocuments tev(m_viewer.get());
    const auto apply = [&tev](const QByteArray &bytes) {
        const tev::ParseResult parsed =
            tev::parsePacket(reinterpret_cast<const unsigned char *>(bytes.constData()), std::size_t(bytes.size()));
        QVERIFY2(parsed.ok, parsed.error.c_str());
        QVERIFY(tev.apply(parsed.packet, QStringLiteral("test")).isEmpty());
    };
    apply(tevtest::createImage("render", 8, 4, {"R", "G", "B"}));
    Document *document = tev.find(QStringLiteral("render"));
    QVERIFY(document);
    Image image = document->image();
    image.at<float>(3, 2, 1) = 0.25f; // the user's edit (as from NumPy)
    QTRY_VERIFY_WITH_TIMEOUT(document->isModified(), 5000);
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression("kept 'render' open: it has changes made in livepix"));
    apply(tevtest::closeImage("render"));
    QTest::qWait(100); // CloseImage is handled from the event loop
    QCOMPARE(tev.find(QStringLiteral("render")), document);
    QSignalSpy written(m_checkpointer.get(), &Checkpointer::checkpointWritten);
    round();
    QCOMPARE(written.size(), 1);
    const Image saved = loadImage(m_checkpointer->checkpointPath(document).toStdString());
    QCOMPARE(saved.at<float>(3, 2, 1), 0.25f);
    QCOMPARE(pixelDifference(saved, image), QString());
}

void TestCheckpointer::round()
{
    QSignalSpy finished(m_checkpointer.get(), &Checkpointer::roundFinished);
    QVERIFY(m_checkpointer->checkpointNow());
    if (finished.isEmpty())
        QVERIFY(finished.wait(20000));
}

void TestCheckpointer::unsavedDocumentIsCheckpointed()
{
    const Image image = makeTestImage(40, 30, 4, DType::UInt8);
    Document *document = m_viewer->show(image, QStringLiteral("made.png"));
    QSignalSpy written(m_checkpointer.get(), &Checkpointer::checkpointWritten);
    round();
    QCOMPARE(written.size(), 1);
    const QString path = written.first().first().toString();
    QCOMPARE(m_checkpointer->checkpointPath(document), path);
    QVERIFY(path.startsWith(m_store->instanceDir()));
    QCOMPARE(pixelDifference(loadImage(path.toStdString()), image), QString());
}

void TestCheckpointer::unchangedPixelsAreNotRewritten()
{
    Image image = makeTestImage(40, 30, 3, DType::Float32);
    Document *document = m_viewer->show(image, QStringLiteral("f.exr"));
    QSignalSpy written(m_checkpointer.get(), &Checkpointer::checkpointWritten);
    round();
    QCOMPARE(written.size(), 1);
    // No write declared: nothing even copied.
    round();
    QCOMPARE(written.size(), 1);
    // A write declared, but the pixels are the same: fingerprint equal, no encode.
    m_viewer->pixelsMayHaveChanged();
    round();
    QCOMPARE(written.size(), 1);
    // Real change.
    image.at<float>(5, 5, 1) = 1234.5f;
    m_viewer->pixelsMayHaveChanged();
    round();
    QCOMPARE(written.size(), 2);
    const QString path = m_checkpointer->checkpointPath(document);
    QCOMPARE(written.last().first().toString(), path);
    QCOMPARE(pixelDifference(loadImage(path.toStdString()), image), QString());
    QCOMPARE(QDir(m_store->instanceDir()).entryList(QDir::Files).size(), 2); // one image + one sidecar
}

void TestCheckpointer::snapshotIsTakenWhenTheRoundStarts()
{
    Image image = makeTestImage(64, 64, 1, DType::UInt16);
    const Image before = image.copy();
    Document *document = m_viewer->show(image, QStringLiteral("g.tif"));
    QSignalSpy finished(m_checkpointer.get(), &Checkpointer::roundFinished);
    QVERIFY(m_checkpointer->checkpointNow());
    QCOMPARE(m_checkpointer->lastRoundCopies(), 0); // the tracker's pin, not a copy
    // A script writes right after the round started: the checkpoint is the
    // moment of the round, not a mix.
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x)
            image.at<std::uint16_t>(x, y, 0) = 7;
    if (finished.isEmpty())
        QVERIFY(finished.wait(20000));
    const Image written = loadImage(m_checkpointer->checkpointPath(document).toStdString());
    QCOMPARE(pixelDifference(written, before), QString());
}

void TestCheckpointer::cleanDocumentIsNotCheckpointed()
{
    Document *document = m_viewer->show(makeTestImage(8, 8, 3, DType::UInt8), QStringLiteral("a.png"));
    document->setFilePath(QStringLiteral("/somewhere/a.png"));
    document->markClean(); // as after a load
    QSignalSpy written(m_checkpointer.get(), &Checkpointer::checkpointWritten);
    round();
    QCOMPARE(written.size(), 0);
    QVERIFY(m_store->instanceDir().isEmpty()); // no folder made at all
    document->setModified(true);
    round();
    QCOMPARE(written.size(), 1);
}

void TestCheckpointer::savedDocumentLosesItsCheckpoint()
{
    Document *document = m_viewer->show(makeTestImage(8, 8, 3, DType::UInt8), QStringLiteral("new.png"));
    round();
    const QString path = m_checkpointer->checkpointPath(document);
    QVERIFY(QFileInfo::exists(path));
    // What saving does (MainWindow::saveTo): the document was never
    // modified, so only markedClean tells.
    document->markClean();
    QVERIFY(!QFileInfo::exists(path));
    QCOMPARE(QDir(m_store->instanceDir()).entryList(QDir::Files), QStringList());
}

void TestCheckpointer::closedDocumentLosesItsCheckpoint()
{
    Document *keep = m_viewer->show(makeTestImage(8, 8, 3, DType::UInt8), QStringLiteral("keep.png"));
    Document *document = m_viewer->show(makeTestImage(8, 8, 3, DType::UInt8, 5), QStringLiteral("drop.png"));
    round();
    const QString path = m_checkpointer->checkpointPath(document);
    QVERIFY(QFileInfo::exists(path));
    QVERIFY(m_viewer->close(document)); // closed without saving: discarded
    QVERIFY(!QFileInfo::exists(path));
    QVERIFY(QFileInfo::exists(m_checkpointer->checkpointPath(keep)));
}

void TestCheckpointer::closedWhileWritingLeavesNothing()
{
    // Big enough that the write is still running when the close comes.
    Document *document = m_viewer->show(makeTestImage(1024, 1024, 4, DType::Float32), QStringLiteral("big.exr"));
    QSignalSpy finished(m_checkpointer.get(), &Checkpointer::roundFinished);
    QVERIFY(m_checkpointer->checkpointNow());
    const bool wasWriting = m_checkpointer->isWriting();
    QVERIFY(m_viewer->close(document));
    if (finished.isEmpty())
        QVERIFY(finished.wait(60000));
    if (!wasWriting)
        QSKIP("the write finished before the close; the race was not exercised");
    QCOMPARE(QDir(m_store->instanceDir()).entryList(QDir::Files), QStringList());
}

void TestCheckpointer::timerCheckpointsOnItsOwn()
{
    m_viewer->show(makeTestImage(8, 8, 1, DType::UInt8), QStringLiteral("t.png"));
    QSignalSpy written(m_checkpointer.get(), &Checkpointer::checkpointWritten);
    m_checkpointer->setInterval(1);
    QVERIFY(written.wait(10000));
}

void TestCheckpointer::cleanQuitRemovesTheInstanceFolder()
{
    m_viewer->show(makeTestImage(8, 8, 1, DType::UInt8), QStringLiteral("q.png"));
    round();
    const QString dir = m_store->instanceDir();
    QVERIFY(QFileInfo::exists(dir));
    m_checkpointer.reset();
    QVERIFY(!QFileInfo::exists(dir));
    QVERIFY(!QFileInfo::exists(dir + QStringLiteral(".lock")));
}

QTEST_MAIN(TestCheckpointer)
#include "tst_checkpointer.moc"
