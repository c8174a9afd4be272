// Every way the app opens a file refuses FIFOs, sockets and devices before
// reading a byte, naming the file and the reason: Viewer::open (what the
// Open dialog, the command line and viewer.open call), a drop on the main
// window, and the `livepix` binary in a --screenshot batch run.
//
// Without the check these hang (a FIFO with no writer blocks open() forever,
// /dev/zero never ends): the in-process tests run under a Watchdog and the
// binary under a short timeout, so a regression fails instead of hanging.
#include <QtTest>

#include <QMessageBox>
#include <QMimeData>

#include "livepixrun.h"
#include "specialfiles.h"
#include "watchdog.h"

#include "openandwait.h"
#include "viewer/document.h"
#include "viewer/mainwindow.h"
#include "viewer/viewer.h"

using namespace livepix::gui;

namespace {
constexpr int WatchdogSeconds = 20;
}

class TestSpecialFiles : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void viewerOpenRefuses_data();
    void viewerOpenRefuses();
    void dropRefuses_data();
    void dropRefuses();
    void commandLineRefuses_data();
    void commandLineRefuses();

private:
    void addRows();

    QTemporaryDir m_dir;
};

void TestSpecialFiles::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QStandardPaths::setTestModeEnabled(true); // keep QSettings (recent files) away from the user's
}

void TestSpecialFiles::addRows()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("kind");
    for (const SpecialFile &file : specialFiles(m_dir.path()))
        QTest::newRow(qPrintable(file.label)) << file.path << file.kind;
}

void TestSpecialFiles::viewerOpenRefuses_data() { addRows(); }

void TestSpecialFiles::viewerOpenRefuses()
{
    QFETCH(QString, path);
    QFETCH(QString, kind);
    Viewer viewer;
    QString error;
    {
        Watchdog watchdog(WatchdogSeconds, "Viewer::open(" + path.toStdString() + ")");
        QVERIFY(!livepix::gui::openAndWait(viewer, path, &error));
    }
    QCOMPARE(error, path + QStringLiteral(": not a regular file: ") + kind);
    QVERIFY(viewer.documents().isEmpty());
}

void TestSpecialFiles::dropRefuses_data() { addRows(); }

void TestSpecialFiles::dropRefuses()
{
    QFETCH(QString, path);
    QFETCH(QString, kind);
    Viewer viewer;
    MainWindow window(&viewer);
    window.show();
    // The window reports the failure in a message box: read it and close it.
    QString shown;
    QTimer answer;
    connect(&answer, &QTimer::timeout, this, [&] {
        if (auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget())) {
            shown = box->text();
            box->done(QMessageBox::Ok);
        }
    });
    answer.start(20);

    Watchdog watchdog(WatchdogSeconds, "dropping " + path.toStdString());
    QMimeData mime;
    mime.setUrls({QUrl::fromLocalFile(path)});
    QDragEnterEvent enter(QPoint(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(&window, &enter);
    QVERIFY(enter.isAccepted());
    QDropEvent drop(QPointF(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(&window, &drop);
    QTRY_COMPARE_WITH_TIMEOUT(shown, path + QStringLiteral(": not a regular file: ") + kind, 10000);
    QVERIFY(viewer.documents().isEmpty());
}

void TestSpecialFiles::commandLineRefuses_data()
{
    // Each row starts the program (and Python): the two that hang without
    // the check are enough here; the other kinds go through the same call.
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("kind");
    for (const SpecialFile &file : specialFiles(m_dir.path()))
        if (file.label == QLatin1String("FIFO") || file.label == QLatin1String("/dev/zero"))
            QTest::newRow(qPrintable(file.label)) << file.path << file.kind;
}

void TestSpecialFiles::commandLineRefuses()
{
    QFETCH(QString, path);
    QFETCH(QString, kind);
    const QString program = builtProgram(QStringLiteral("livepix"));
    QVERIFY2(QFileInfo(program).isExecutable(), qPrintable(program));
    const QString out = m_dir.filePath(QStringLiteral("out.png"));
    // The program starts Python and a window: allow for a slow (ASan) start,
    // but not for a load that never ends.
    const LivepixRun run = runLivepix(program, {path, QStringLiteral("--screenshot"), out}, m_dir.path(), 60000);
    QVERIFY2(run.exitCode > 0, qPrintable(QStringLiteral("exit code %1 (-1: crashed or still running after 60 s); "
                                                         "stderr: %2").arg(run.exitCode).arg(run.err)));
    QVERIFY2(run.err.contains(path + QStringLiteral(": not a regular file: ") + kind), qPrintable(run.err));
    QVERIFY(!QFileInfo::exists(out));
}

QTEST_MAIN(TestSpecialFiles)
#include "tst_specialfiles.moc"
