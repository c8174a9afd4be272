// MainWindow: title, menus for other parts, tabs, saving.
#include <QtTest>

#include <QCryptographicHash>
#include <QLabel>
#include <QMenu>
#include <QMessageBox>
#include <QMimeData>
#include <QPushButton>
#include <QStatusBar>
#include <QTabBar>

#include <livepix/image.h>
#include <livepix/imageio.h>

#include "attach/tevdocuments.h"
#include "attach/tevprotocol.h"
#include "tevpackets.h"
#include "viewer/canvas.h"
#include "viewer/document.h"
#include "viewer/loadjob.h"
#include "viewer/mainwindow.h"
#include "viewer/savejob.h"
#include "viewer/viewer.h"

using namespace livepix;
using namespace livepix::gui;

namespace {

QByteArray fileHash(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QCryptographicHash::hash(file.readAll(), QCryptographicHash::Sha256);
}

Document *openAndWait(Viewer *viewer, const QString &path)
{
    LoadJob *job = viewer->openAsync(path);
    QSignalSpy finished(job, &LoadJob::finished);
    return finished.wait(20000) ? finished.first().first().value<Document *>() : nullptr;
}

/// Waits for a save job; returns its (ok, error).
QPair<bool, QString> waitForSave(SaveJob *job)
{
    if (!job)
        return {false, QStringLiteral("no job")};
    QSignalSpy finished(job, &SaveJob::finished);
    if (!finished.wait(20000))
        return {false, QStringLiteral("timed out")};
    return {finished.first().at(0).toBool(), finished.first().at(1).toString()};
}

/// The error box a failed open or save left open (closed by this call).
QString takeErrorBox(QWidget *window)
{
    const auto boxes = window->findChildren<QMessageBox *>();
    for (QMessageBox *box : boxes) {
        if (!box->isVisible())
            continue;
        const QString text = box->text();
        box->close();
        return text;
    }
    return {};
}

} // namespace

class TestMainWindow : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void titleShowsNameAndModifiedMark();
    void menusForOtherParts();
    void tabsFollowDocuments();
    void saveToWritesAndRenames();
    void failedSaveKeepsDocumentAndOriginal_data();
    void failedSaveKeepsDocumentAndOriginal();
    void recentFiles();
    void dropOpensFiles();
    void ctrlTabCyclesDocuments();
    void closingModifiedDocumentAsks_data();
    void closingModifiedDocumentAsks();
    void closeWaitsForRunningSave();
    void tevCloseAndReloadOfAnEditedImageAskLikeFileClose();

private:
    QString copyOfOriginal(const QString &name);
    void answerNextQuestion(int answer, bool *asked, const QString &mentioning);

    QTemporaryDir m_dir;
    QString m_original;
    Viewer *m_viewer = nullptr;
    MainWindow *m_window = nullptr;
};

void TestMainWindow::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true); // keep QSettings away from the user's
    QCoreApplication::setOrganizationName(QStringLiteral("livepix-tests"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_mainwindow"));
    QSettings().clear();
    QVERIFY(m_dir.isValid());
    Image image = Image::create(20, 10, 3, DType::UInt8);
    image.at<std::uint8_t>(1, 1, 2) = 250;
    m_original = m_dir.filePath(QStringLiteral("original.png"));
    saveImage(image, m_original.toStdString());
}

void TestMainWindow::init()
{
    m_viewer = new Viewer;
    m_window = new MainWindow(m_viewer);
    m_window->show();
}

void TestMainWindow::cleanup()
{
    delete m_window;
    delete m_viewer;
}

void TestMainWindow::titleShowsNameAndModifiedMark()
{
    QCOMPARE(m_window->windowTitle(), QStringLiteral("livepix"));
    Document *document = openAndWait(m_viewer, m_original);
    QVERIFY(document);
    QCOMPARE(m_window->windowTitle(), QStringLiteral("original.png[*] — livepix"));
    QVERIFY(!m_window->isWindowModified());
    document->setModified(true);
    QVERIFY(m_window->isWindowModified());
    document->setName(QStringLiteral("renamed.png"));
    QCOMPARE(m_window->windowTitle(), QStringLiteral("renamed.png[*] — livepix"));
}

void TestMainWindow::menusForOtherParts()
{
    for (const char *name : {"File", "Edit", "View", "Filters", "Plugins", "Help"})
        QVERIFY2(m_window->menu(QLatin1String(name)), name);
    QCOMPARE(m_window->menu(QStringLiteral("filters")), m_window->filtersMenu());
    QCOMPARE(m_window->menu(QStringLiteral("Plugins")), m_window->pluginsMenu());
    QCOMPARE(m_window->menu(QStringLiteral("Edit")), m_window->editMenu());
    QCOMPARE(m_window->menu(QStringLiteral("Nope")), nullptr);
    QVERIFY(m_window->canvas());
    QVERIFY(!m_window->windowIcon().isNull()); // the icon resource is linked in
}

void TestMainWindow::tabsFollowDocuments()
{
    auto *tabs = m_window->findChild<QTabBar *>();
    QVERIFY(tabs);
    Document *a = m_viewer->show(Image::create(4, 4, 3, DType::UInt8), QStringLiteral("a"));
    Document *b = m_viewer->show(Image::create(4, 4, 3, DType::UInt8), QStringLiteral("b"));
    QCOMPARE(tabs->count(), 2);
    QCOMPARE(tabs->currentIndex(), 1);
    tabs->setCurrentIndex(0); // the user clicks the first tab
    QCOMPARE(m_viewer->current(), a);
    a->setModified(true);
    QCOMPARE(tabs->tabText(0), QStringLiteral("a *"));
    QVERIFY(m_viewer->close(b));
    QCOMPARE(tabs->count(), 1);
}

void TestMainWindow::saveToWritesAndRenames()
{
    Document *document = openAndWait(m_viewer, m_original);
    QVERIFY(document);
    document->setModified(true);
    const QString target = m_dir.filePath(QStringLiteral("copy.tif"));
    SaveJob *job = m_window->saveTo(document, target);
    QVERIFY(job);
    // The status bar announces the save like a load (shown if it is slow).
    const auto labels = m_window->statusBar()->findChildren<QLabel *>();
    QVERIFY(std::any_of(labels.begin(), labels.end(),
                        [](QLabel *l) { return l->text() == QStringLiteral("Saving copy.tif…"); }));
    const auto [ok, error] = waitForSave(job);
    QVERIFY2(ok, qPrintable(error));
    QVERIFY(!document->isModified());
    QCOMPARE(document->filePath(), QFileInfo(target).absoluteFilePath());
    QCOMPARE(document->name(), QStringLiteral("copy.tif"));
    QCOMPARE(m_window->recentFiles().first(), QFileInfo(target).absoluteFilePath());
    const Image back = loadImage(target.toStdString());
    QCOMPARE(int(back.at<std::uint8_t>(1, 1, 2)), 250);
}

void TestMainWindow::failedSaveKeepsDocumentAndOriginal_data()
{
    QTest::addColumn<QString>("target");
    QTest::newRow("missing folder") << QStringLiteral("no/such/folder/out.png");
    QTest::newRow("unknown format") << QStringLiteral("out.notaformat");
    QTest::newRow("over the original, unknown format") << QStringLiteral("original.png.notaformat");
}

void TestMainWindow::failedSaveKeepsDocumentAndOriginal()
{
    QFETCH(QString, target);
    const QString path = m_dir.filePath(target);
    const QByteArray before = fileHash(m_original);
    QVERIFY(!before.isEmpty());
    Document *document = openAndWait(m_viewer, m_original);
    QVERIFY(document);
    document->image().at<std::uint8_t>(0, 0, 0) = 7; // an unsaved edit
    document->setModified(true);

    const auto [ok, error] = waitForSave(m_window->saveTo(document, path));
    QVERIFY(!ok);
    QVERIFY2(error.contains(QFileInfo(path).fileName()), qPrintable(error));
    // The user is told, in a box naming the file.
    const QString shown = takeErrorBox(m_window);
    QVERIFY2(shown.contains(QFileInfo(path).fileName()), qPrintable(shown));
    // Nothing about the document changed, and the original file is intact.
    QVERIFY(document->isModified());
    QCOMPARE(document->filePath(), QFileInfo(m_original).absoluteFilePath());
    QCOMPARE(document->name(), QStringLiteral("original.png"));
    QCOMPARE(int(document->image().at<std::uint8_t>(0, 0, 0)), 7);
    QCOMPARE(m_viewer->documents().size(), 1);
    QCOMPARE(fileHash(m_original), before);
    QVERIFY(!QFileInfo::exists(path));
}

void TestMainWindow::recentFiles()
{
    QSettings().clear();
    m_window->addRecentFile(QStringLiteral("/a.png"));
    m_window->addRecentFile(QStringLiteral("/b.png"));
    m_window->addRecentFile(QStringLiteral("/a.png"));
    QCOMPARE(m_window->recentFiles(), (QStringList{"/a.png", "/b.png"}));
    for (int i = 0; i < 20; ++i)
        m_window->addRecentFile(QStringLiteral("/f%1.png").arg(i));
    QCOMPARE(m_window->recentFiles().size(), 10);
    QCOMPARE(m_window->recentFiles().first(), QStringLiteral("/f19.png"));
}

void TestMainWindow::dropOpensFiles()
{
    QMimeData mime;
    mime.setUrls({QUrl::fromLocalFile(m_original)});
    QDragEnterEvent enter(QPoint(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(m_window, &enter);
    QVERIFY(enter.isAccepted());
    QDropEvent drop(QPointF(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(m_window, &drop);
    QTRY_COMPARE(m_viewer->documents().size(), 1);
    QCOMPARE(m_viewer->current()->name(), QStringLiteral("original.png"));
}

void TestMainWindow::ctrlTabCyclesDocuments()
{
    Document *a = m_viewer->show(Image::create(4, 4, 3, DType::UInt8), QStringLiteral("a"));
    Document *b = m_viewer->show(Image::create(4, 4, 3, DType::UInt8), QStringLiteral("b"));
    Document *c = m_viewer->show(Image::create(4, 4, 3, DType::UInt8), QStringLiteral("c"));
    m_window->activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(m_window));
    QCOMPARE(m_viewer->current(), c);
    QTest::keyClick(m_window->canvas(), Qt::Key_Tab, Qt::ControlModifier);
    QCOMPARE(m_viewer->current(), a); // wraps around
    QTest::keyClick(m_window->canvas(), Qt::Key_Tab, Qt::ControlModifier);
    QCOMPARE(m_viewer->current(), b);
    QTest::keyClick(m_window->canvas(), Qt::Key_PageUp, Qt::ControlModifier);
    QCOMPARE(m_viewer->current(), a);
}

QString TestMainWindow::copyOfOriginal(const QString &name)
{
    const QString path = m_dir.filePath(name);
    QFile::remove(path);
    return QFile::copy(m_original, path) ? path : QString();
}

void TestMainWindow::answerNextQuestion(int answer, bool *asked, const QString &mentioning)
{
    // Answer the question box once it is up.
    QTimer::singleShot(0, this, [=] {
        auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget());
        if (!box)
            return;
        *asked = box->text().contains(mentioning);
        box->button(QMessageBox::StandardButton(answer))->click();
    });
}

void TestMainWindow::closingModifiedDocumentAsks_data()
{
    QTest::addColumn<int>("answer");
    QTest::addColumn<bool>("closed");
    QTest::newRow("discard") << int(QMessageBox::Discard) << true;
    QTest::newRow("cancel") << int(QMessageBox::Cancel) << false;
    QTest::newRow("save") << int(QMessageBox::Save) << true;
}

void TestMainWindow::closingModifiedDocumentAsks()
{
    QFETCH(int, answer);
    QFETCH(bool, closed);
    const QString path = copyOfOriginal(QStringLiteral("edited.png"));
    Document *document = openAndWait(m_viewer, path);
    QVERIFY(document);
    document->image().at<std::uint8_t>(2, 2, 0) = 33;
    document->setModified(true);
    bool asked = false;
    answerNextQuestion(answer, &asked, QStringLiteral("edited"));
    QCOMPARE(m_window->closeDocument(document), closed);
    QVERIFY(asked);
    if (answer == QMessageBox::Save) {
        // It closes once the background save succeeded, with the edit saved.
        QVERIFY(m_viewer->isSaving());
        QTRY_COMPARE(m_viewer->documents().size(), 0);
        QCOMPARE(int(loadImage(path.toStdString()).at<std::uint8_t>(2, 2, 0)), 33);
        return;
    }
    QCOMPARE(m_viewer->documents().size(), closed ? 0 : 1);

    // An unmodified document closes without a question.
    if (!closed) {
        document->setModified(false);
        QVERIFY(m_window->closeDocument(document));
    }
}

// Application hands tev's CloseImage and ReloadImage of an image with edits
// made in livepix to MainWindow::closeDocument: the File > Close question.
void TestMainWindow::tevCloseAndReloadOfAnEditedImageAskLikeFileClose()
{
    TevDocuments tev(m_viewer);
    tev.setAskToClose([this](Document *document) { return m_window->closeDocument(document); });
    const auto apply = [&tev](const QByteArray &bytes) {
        const tev::ParseResult parsed =
            tev::parsePacket(reinterpret_cast<const unsigned char *>(bytes.constData()), std::size_t(bytes.size()));
        QVERIFY2(parsed.ok, parsed.error.c_str());
        QVERIFY(tev.apply(parsed.packet, QStringLiteral("test")).isEmpty());
    };
    // The question comes up a moment after the packet (queued): answer it
    // once it is there.
    const auto answerWhenAsked = [this](QMessageBox::StandardButton answer, QString *question) {
        auto *poll = new QTimer(this);
        connect(poll, &QTimer::timeout, poll, [poll, answer, question] {
            if (auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget())) {
                *question = box->text();
                poll->deleteLater();
                box->button(answer)->click();
            }
        });
        poll->start(10);
    };

    apply(tevtest::createImage("render", 4, 2, {"R", "G", "B"}));
    Document *render = tev.find(QStringLiteral("render"));
    QVERIFY(render);
    render->image().at<float>(1, 1, 0) = 5.0f; // an edit made in livepix (as from NumPy)
    QTRY_VERIFY_WITH_TIMEOUT(render->isModified(), 5000);
    QString question;
    answerWhenAsked(QMessageBox::Cancel, &question);
    apply(tevtest::closeImage("render"));
    QTRY_VERIFY(question.contains(QLatin1String("render")));
    QCOMPARE(tev.find(QStringLiteral("render")), render);
    QCOMPARE(render->image().at<float>(1, 1, 0), 5.0f);
    question.clear();
    answerWhenAsked(QMessageBox::Discard, &question);
    apply(tevtest::closeImage("render"));
    QTRY_VERIFY(question.contains(QLatin1String("render")));
    QTRY_VERIFY(!tev.find(QStringLiteral("render")));

    // ReloadImage of an opened file with edits: Cancel keeps them, Discard
    // reloads the file.
    const QString path = copyOfOriginal(QStringLiteral("reloaded.png"));
    Document *file = openAndWait(m_viewer, path);
    QVERIFY(file);
    const std::uint8_t original = file->image().at<std::uint8_t>(2, 2, 0);
    file->image().at<std::uint8_t>(2, 2, 0) = std::uint8_t(original ^ 0xff);
    QTRY_VERIFY_WITH_TIMEOUT(file->isModified(), 5000);
    question.clear();
    answerWhenAsked(QMessageBox::Cancel, &question);
    apply(tevtest::reloadImage(path.toStdString()));
    QTRY_VERIFY(question.contains(QLatin1String("reloaded")));
    QTest::qWait(100);
    QCOMPARE(m_viewer->documents().size(), 1);
    QCOMPARE(int(file->image().at<std::uint8_t>(2, 2, 0)), int(original ^ 0xff));
    question.clear();
    answerWhenAsked(QMessageBox::Discard, &question);
    apply(tevtest::reloadImage(path.toStdString()));
    QPointer<Document> edited = file; // a new document may reuse its address
    QTRY_VERIFY(question.contains(QLatin1String("reloaded")));
    QTRY_VERIFY(edited.isNull());
    QTRY_COMPARE(m_viewer->documents().size(), 1);
    Document *reloaded = m_viewer->documents().constFirst();
    QCOMPARE(int(reloaded->image().at<std::uint8_t>(2, 2, 0)), int(original));
    QVERIFY(!reloaded->isModified());
}

void TestMainWindow::closeWaitsForRunningSave()
{
    const QString path = copyOfOriginal(QStringLiteral("quit.png"));
    Document *document = openAndWait(m_viewer, path);
    QVERIFY(document);
    document->image().at<std::uint8_t>(3, 3, 1) = 44;
    document->setModified(true);
    // Quit: the question, answered Save; the window stays until the file is
    // written, then closes by itself.
    bool asked = false;
    answerNextQuestion(int(QMessageBox::Save), &asked, QStringLiteral("quit.png"));
    QVERIFY(!m_window->close());
    QVERIFY(asked);
    QVERIFY(m_window->isVisible());
    QVERIFY(m_viewer->isSaving());
    QTRY_VERIFY(!m_window->isVisible());
    QVERIFY(!m_viewer->hasRunningJobs());
    QCOMPARE(int(loadImage(path.toStdString()).at<std::uint8_t>(3, 3, 1)), 44);

    // Quit while a save (Ctrl+S) runs: closes after it, no question.
    m_window->show();
    Document *again = openAndWait(m_viewer, path);
    QVERIFY(again);
    again->image().at<std::uint8_t>(3, 3, 1) = 45;
    QVERIFY(m_window->save(again));
    QVERIFY(!m_window->close());
    QTRY_VERIFY(!m_window->isVisible());
    QVERIFY(!again->isModified());
    QCOMPARE(int(loadImage(path.toStdString()).at<std::uint8_t>(3, 3, 1)), 45);
}

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
