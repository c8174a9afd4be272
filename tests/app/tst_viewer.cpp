// Viewer: the model of open documents and view settings.
#include <QtTest>

#include <livepix/image.h>
#include <livepix/imageio.h>
#include <livepix/pixelbuffer.h>
#include <livepix/writetracker.h>

#include "viewer/backgroundwrites.h"
#include "viewer/document.h"
#include "viewer/liveedit.h"
#include "viewer/loadjob.h"
#include "viewer/viewer.h"

#include "openandwait.h"

using namespace livepix;
using namespace livepix::gui;

class TestViewer : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void openMakesCurrent();
    void openErrorsNameFileAndReason_data();
    void openErrorsNameFileAndReason();
    void cancelledLoadFails();
    void showAndClose();
    void closingDoesNotFreeSharedPixels();
    void pixelsMayHaveChangedBumpsRevisions();
    void unannouncedEditsMarkTheDocumentModified();
    void writesUnderALiveEditAreLeftToItsClock();
    void maybeChangedWithNothingWrittenDrawsNothing();
    void viewSettings();
    void documentSignals();

private:
    QTemporaryDir m_dir;
    QString m_png;
};

void TestViewer::initTestCase()
{
    QVERIFY(m_dir.isValid());
    Image image = Image::create(32, 16, 4, DType::UInt8);
    image.at<std::uint8_t>(3, 4, 0) = 99;
    m_png = m_dir.filePath(QStringLiteral("small.png"));
    saveImage(image, m_png.toStdString());
    QFile bad(m_dir.filePath(QStringLiteral("notanimage.png")));
    QVERIFY(bad.open(QIODevice::WriteOnly));
    bad.write("this is not a PNG file at all");
}

void TestViewer::openMakesCurrent()
{
    Viewer viewer;
    QSignalSpy documents(&viewer, &Viewer::documentsChanged);
    QSignalSpy current(&viewer, &Viewer::currentChanged);
    QSignalSpy started(&viewer, &Viewer::loadStarted);
    QSignalSpy finished(&viewer, &Viewer::loadFinished);
    viewer.setZoom(3.0);
    QString error;
    LoadJob *job = viewer.openAsync(m_png);
    QVERIFY(viewer.isLoading());
    QCOMPARE(started.count(), 1);
    QCOMPARE(documents.count(), 0); // the document comes when the load ends
    QSignalSpy jobFinished(job, &LoadJob::finished);
    QVERIFY(jobFinished.wait(20000));
    Document *document = jobFinished.first().first().value<Document *>();
    QVERIFY2(document, qPrintable(jobFinished.first().at(1).toString()));
    QCOMPARE(viewer.current(), document);
    QCOMPARE(viewer.documents().size(), 1);
    QCOMPARE(document->name(), QStringLiteral("small.png"));
    QCOMPARE(document->filePath(), QFileInfo(m_png).absoluteFilePath());
    QVERIFY(!document->isModified());
    QCOMPARE(document->image().width(), 32);
    QCOMPARE(int(document->image().at<std::uint8_t>(3, 4, 0)), 99);
    QVERIFY(viewer.fitToWindow()); // a new image starts fitted
    QCOMPARE(documents.count(), 1);
    QCOMPARE(current.count(), 1);
    QCOMPARE(current.first().first().value<Document *>(), document);
    QCOMPARE(started.count(), 1);
    QCOMPARE(finished.count(), 1);
    QVERIFY(!viewer.isLoading());
}

void TestViewer::openErrorsNameFileAndReason_data()
{
    QTest::addColumn<QString>("file");
    QTest::newRow("missing") << QStringLiteral("does-not-exist.png");
    QTest::newRow("not an image") << QStringLiteral("notanimage.png");
}

void TestViewer::openErrorsNameFileAndReason()
{
    QFETCH(QString, file);
    const QString path = m_dir.filePath(file);
    Viewer viewer;
    QSignalSpy documents(&viewer, &Viewer::documentsChanged);
    QString error;
    QCOMPARE(openAndWait(viewer, path, &error), nullptr);
    QVERIFY2(error.startsWith(path + QStringLiteral(": ")), qPrintable(error));
    QVERIFY(error.size() > path.size() + 3); // there is a reason after the path
    QVERIFY(viewer.documents().isEmpty());
    QCOMPARE(documents.count(), 0);
    QCOMPARE(viewer.current(), nullptr);
}

void TestViewer::cancelledLoadFails()
{
    Viewer viewer;
    // Cancel as soon as the load starts (as the status bar's Cancel would).
    connect(&viewer, &Viewer::loadStarted, &viewer, &Viewer::cancelLoad);
    QString error;
    QCOMPARE(openAndWait(viewer, m_png, &error), nullptr);
    QVERIFY2(error.startsWith(m_png) && error.contains(QStringLiteral("cancel")), qPrintable(error));
    QVERIFY(viewer.documents().isEmpty());
    QVERIFY(!viewer.isLoading());
}

void TestViewer::showAndClose()
{
    Viewer viewer;
    QSignalSpy current(&viewer, &Viewer::currentChanged);
    Document *a = viewer.show(Image::create(4, 4, 1, DType::Float32), QStringLiteral("a"));
    Document *b = viewer.show(Image::create(4, 4, 3, DType::UInt8), QStringLiteral("b"));
    QVERIFY(a && b);
    QCOMPARE(viewer.current(), b);
    QCOMPARE(viewer.documents(), (QList<Document *>{a, b}));
    QVERIFY(b->filePath().isEmpty());
    QCOMPARE(viewer.show(Image(), QStringLiteral("null")), nullptr);

    viewer.setCurrent(a);
    QCOMPARE(viewer.current(), a);
    QCOMPARE(current.count(), 3);

    QVERIFY(viewer.close(a));
    QCOMPARE(viewer.current(), b); // the neighbour becomes current
    QCOMPARE(current.last().first().value<Document *>(), b);
    QVERIFY(!viewer.close(a)); // already closed
    QVERIFY(viewer.close(b));
    QCOMPARE(viewer.current(), nullptr);
    QVERIFY(viewer.documents().isEmpty());
}

void TestViewer::closingDoesNotFreeSharedPixels()
{
    const std::int64_t before = PixelBuffer::liveCount();
    Image held;
    {
        Viewer viewer;
        Document *d = viewer.show(Image::create(8, 8, 4, DType::UInt8), QStringLiteral("x"));
        held = d->image(); // e.g. a NumPy array's reference
        QVERIFY(viewer.close(d));
    }
    QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
    QCOMPARE(PixelBuffer::liveCount(), before + 1);
    held.at<std::uint8_t>(7, 7, 3) = 1; // still valid memory
    held = Image();
    QCOMPARE(PixelBuffer::liveCount(), before);
}

void TestViewer::pixelsMayHaveChangedBumpsRevisions()
{
    Viewer viewer;
    Document *a = viewer.show(Image::create(2, 2, 1, DType::UInt8), QStringLiteral("a"));
    Document *b = viewer.show(Image::create(2, 2, 1, DType::UInt8), QStringLiteral("b"));
    const auto ra = a->image().revision();
    const auto rb = b->image().revision();
    QSignalSpy changed(&viewer, &Viewer::pixelsChanged);
    viewer.pixelsMayHaveChanged();
    QCOMPARE(changed.count(), 1);
    QVERIFY(a->image().revision() > ra);
    QVERIFY(b->image().revision() > rb);
}

void TestViewer::unannouncedEditsMarkTheDocumentModified()
{
    Viewer viewer;
    QString error;
    Document *opened = openAndWait(viewer, m_png, &error);
    QVERIFY2(opened, qPrintable(error));
    QVERIFY(!opened->isModified());
    QVERIFY(opened->cleanHash() != 0);
    Document *shown = viewer.show(Image::create(4, 4, 1, DType::UInt8), QStringLiteral("scratch"));
    QSignalSpy modified(opened, &Document::modifiedChanged);

    // "Maybe changed" with nothing written: still clean after the check ran.
    viewer.pixelsMayHaveChanged();
    QTest::qWait(BackgroundWrites::QuietMs + 300);
    QVERIFY(!opened->isModified());
    QCOMPARE(modified.count(), 0);

    // A write C++ never hears of (as through NumPy), then the usual call.
    opened->image().at<std::uint8_t>(0, 0, 1) = 42;
    shown->image().at<std::uint8_t>(0, 0, 0) = 1;
    viewer.pixelsMayHaveChanged();
    // The write tracker saw both writes; after half a second of quiet they
    // are a "Background writes" step of each document.
    QTRY_VERIFY(opened->isModified());
    QCOMPARE(modified.count(), 1);
    QTRY_VERIFY(shown->isModified());
    QCOMPARE(QString::fromStdString(opened->history()->entries().at(0).label), QString("Background writes"));

    // Saving makes it clean again.
    opened->markClean();
    QVERIFY(!opened->isModified());
    viewer.pixelsMayHaveChanged();
    QTest::qWait(BackgroundWrites::QuietMs + 300);
    QVERIFY(!opened->isModified());
}

// A write nobody announces repaints at once (the tracker's wake-up). Under a
// LiveEdit token the token's clock repaints instead: a frame of its own would
// start in the middle of the statement and delay the one that shows its end.
void TestViewer::writesUnderALiveEditAreLeftToItsClock()
{
    Viewer viewer;
    Document *document = viewer.show(Image::create(64, 64, 4, DType::UInt8), QStringLiteral("scratch"));
    QSignalSpy repaints(&viewer, &Viewer::pixelsChanged);
    document->image().at<std::uint8_t>(0, 0, 0) = 1;
    QTRY_VERIFY(repaints.count() > 0);

    LiveEditClock::of(&viewer)->setInterval(60 * 60 * 1000); // the token's clock stays quiet
    QTest::qWait(BackgroundWrites::QuietMs + 300);             // the first write's unit ends
    repaints.clear();
    WriteTracker *tracker = document->image().buffer()->writeTracker();
    QVERIFY(tracker);
    const std::uint64_t seen = tracker->writeCount();
    {
        LiveEdit edit(&viewer);
        document->image().at<std::uint8_t>(1, 1, 0) = 2;
        QCOMPARE(tracker->writeCount(), seen + 1); // the tracker saw it (the wake-up is sent)
        QTest::qWait(5 * BackgroundWrites::FrameMs); // the wake-up and several frames
        QCOMPARE(repaints.count(), 0);
    }
    QCOMPARE(repaints.count(), 1); // the token's release shows the write
}

// "Maybe changed" with nothing written since the last one keeps the revision
// and asks for no repaint: a console request's end, after its last statement
// was shown, used to draw the same frame again (and, coming right after it,
// a draft and then a smooth frame more). Any write since counts, also one
// whose unit of work ended before the call. Shared memory (another
// process's writes make no fault here) always counts.
void TestViewer::maybeChangedWithNothingWrittenDrawsNothing()
{
    Viewer viewer;
    LiveEditClock::of(&viewer)->setInterval(60 * 60 * 1000);
    LiveEdit edit(&viewer); // the tracker's wake-up leaves these writes to the token
    Document *document = viewer.show(Image::create(256, 256, 4, DType::UInt8), QStringLiteral("private"));
    Document *shared =
        viewer.show(Image::create(8, 8, 1, DType::UInt8, PixelMemory::Shared), QStringLiteral("shared"));
    WriteTracker *tracker = document->image().buffer()->writeTracker();
    QVERIFY(tracker);
    const auto revision = [&] { return document->image().revision(); };
    QSignalSpy repaints(&viewer, &Viewer::pixelsChanged);

    viewer.pixelsMayHaveChanged(); // the first call knows nothing yet
    QCOMPARE(repaints.count(), 1);
    auto seen = revision();
    const auto sharedSeen = shared->image().revision();
    viewer.pixelsMayHaveChanged(); // nothing written since
    QCOMPARE(revision(), seen);
    QVERIFY(shared->image().revision() > sharedSeen); // shared memory always counts
    QCOMPARE(repaints.count(), 2);
    viewer.close(shared);
    repaints.clear();

    viewer.pixelsMayHaveChanged();
    QCOMPARE(repaints.count(), 0);
    QCOMPARE(revision(), seen);

    // A statement writes and its end is shown; then its unit ends: that
    // changes no byte, so the request's end draws nothing.
    document->image().at<std::uint8_t>(1, 1, 0) = 7;
    viewer.pixelsMayHaveChanged();
    QCOMPARE(repaints.count(), 1);
    QVERIFY(revision() > seen);
    seen = revision();
    QVERIFY(!tracker->takeChanges().empty());
    viewer.pixelsMayHaveChanged();
    QCOMPARE(repaints.count(), 1);
    QCOMPARE(revision(), seen);

    // A write after the shown frame, into a chunk the frame's call had
    // re-protected, whose unit ends before the next call: not missed.
    document->image().at<std::uint8_t>(200, 200, 1) = 9;
    QVERIFY(!tracker->takeChanges().empty());
    viewer.pixelsMayHaveChanged();
    QCOMPARE(repaints.count(), 2);
    QVERIFY(revision() > seen);
    seen = revision();

    // A write into a chunk still open from before is seen too.
    document->image().at<std::uint8_t>(3, 3, 2) = 5;
    viewer.pixelsMayHaveChanged();
    document->image().at<std::uint8_t>(3, 3, 2) = 6;
    viewer.pixelsMayHaveChanged();
    QCOMPARE(repaints.count(), 4);
    QCOMPARE(document->image().at<std::uint8_t>(3, 3, 2), std::uint8_t(6));
}

void TestViewer::viewSettings()
{
    Viewer viewer;
    QSignalSpy spy(&viewer, &Viewer::viewSettingsChanged);
    QVERIFY(viewer.fitToWindow());
    viewer.setZoom(2.0);
    QCOMPARE(viewer.zoom(), 2.0);
    QVERIFY(!viewer.fitToWindow());
    viewer.setZoom(2.0); // unchanged: no signal
    viewer.setZoom(-1.0);
    QVERIFY(viewer.fitToWindow());
    viewer.setExposure(1.5);
    QCOMPARE(viewer.exposure(), 1.5);
    viewer.setGamma(2.2);
    QCOMPARE(viewer.gamma(), 2.2);
    viewer.setGamma(0.0); // clamped to a usable value
    QVERIFY(viewer.gamma() > 0.0);
    QCOMPARE(spy.count(), 5);
}

void TestViewer::documentSignals()
{
    Document document(Image::create(2, 2, 1, DType::UInt8), QStringLiteral("n"));
    QSignalSpy modified(&document, &Document::modifiedChanged);
    QSignalSpy named(&document, &Document::nameChanged);
    QSignalSpy replaced(&document, &Document::imageReplaced);
    document.setModified(true);
    document.setModified(true);
    QCOMPARE(modified.count(), 1);
    document.setName(QStringLiteral("m"));
    QCOMPARE(named.count(), 1);
    const Image other = Image::create(3, 3, 1, DType::UInt8);
    document.setImage(other);
    QCOMPARE(replaced.count(), 1);
    QCOMPARE(document.image().data(), other.data());
}

QTEST_MAIN(TestViewer)
#include "tst_viewer.moc"
