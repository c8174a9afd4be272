// RecoveryDialog, and the offer at startup: Restore / Discard / Later.
#include <QtTest>

#include <algorithm>

#include <QApplication>
#include <QPushButton>
#include <QTemporaryDir>
#include <QTreeWidget>

#include <livepix/contenthash.h>
#include <livepix/imageio.h>

#include "recovery/recovery.h"
#include "recovery/recoverydialog.h"
#include "recovery/recoverystore.h"
#include "testsupport.h"
#include "viewer/application.h"
#include "viewer/document.h"
#include "viewer/mainwindow.h"
#include "viewer/viewer.h"

using namespace livepix;
using namespace livepix::gui;
using testsupport::makeTestImage;
using testsupport::pixelDifference;

Q_DECLARE_METATYPE(livepix::gui::RecoveryDialog::Answer)

class TestRecoveryDialog : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init();
    void listsNameSizeTime();
    void buttonsAnswer_data();
    void buttonsAnswer();
    void startupOffersCrashedImages_data();
    void startupOffersCrashedImages();
    void nothingToRecoverShowsNothing();

private:
    /// Leaves a checkpoint as a crashed instance would: written, lock freed,
    /// folder left behind.
    void leaveCheckpoint(const Image &image, const QString &originalPath);
    QString root() const { return m_dir->filePath(QStringLiteral("state/livepix/recovery")); }

    std::unique_ptr<QTemporaryDir> m_dir;
};

void TestRecoveryDialog::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    qputenv("XDG_STATE_HOME", m_dir->filePath(QStringLiteral("state")).toLocal8Bit());
    qputenv("XDG_CONFIG_HOME", m_dir->filePath(QStringLiteral("config")).toLocal8Bit());
    qputenv("LIVEPIX_AUTOSAVE_INTERVAL", "0");
    QCOMPARE(RecoveryStore::defaultRoot(), root());
}

void TestRecoveryDialog::leaveCheckpoint(const Image &image, const QString &originalPath)
{
    RecoveryStore crashed(root());
    QString error;
    QVERIFY2(crashed.ensureInstance(&error), qPrintable(error));
    crashed.writeCheckpoint(QStringLiteral("d1"), image, contentHash(image), originalPath,
                            QFileInfo(originalPath).fileName());
}

void TestRecoveryDialog::listsNameSizeTime()
{
    leaveCheckpoint(makeTestImage(30, 20, 4, DType::UInt8), QStringLiteral("/photos/cat.png"));
    leaveCheckpoint(makeTestImage(7, 5, 1, DType::Float32), QStringLiteral("/photos/depth.exr"));
    const QList<RecoveryEntry> entries = RecoveryStore::listRecoverable(root());
    QCOMPARE(entries.size(), 2);
    RecoveryDialog dialog(entries);
    QTreeWidget *list = dialog.list();
    QCOMPARE(list->topLevelItemCount(), 2);
    QStringList names;
    for (int i = 0; i < 2; ++i) {
        const QTreeWidgetItem *item = list->topLevelItem(i);
        names << item->text(0);
        QCOMPARE(item->text(1), entries.at(i).sizeText());
        QCOMPARE(item->text(2), entries.at(i).timeText());
        QCOMPARE(item->text(3), entries.at(i).originalPath);
    }
    names.sort();
    QCOMPARE(names, (QStringList{QStringLiteral("cat.png"), QStringLiteral("depth.exr")}));
}

void TestRecoveryDialog::buttonsAnswer_data()
{
    QTest::addColumn<QString>("button");
    QTest::addColumn<RecoveryDialog::Answer>("answer");
    QTest::addColumn<int>("result");
    QTest::newRow("restore") << "restore" << RecoveryDialog::Answer::Restore << int(QDialog::Accepted);
    QTest::newRow("discard") << "discard" << RecoveryDialog::Answer::Discard << int(QDialog::Rejected);
    QTest::newRow("later") << "later" << RecoveryDialog::Answer::Later << int(QDialog::Rejected);
    QTest::newRow("closed") << "" << RecoveryDialog::Answer::Later << int(QDialog::Rejected);
}

void TestRecoveryDialog::buttonsAnswer()
{
    QFETCH(QString, button);
    QFETCH(RecoveryDialog::Answer, answer);
    QFETCH(int, result);
    RecoveryDialog dialog({});
    dialog.open();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    QSignalSpy finished(&dialog, &QDialog::finished);
    if (button == QLatin1String("restore"))
        QTest::mouseClick(dialog.restoreButton(), Qt::LeftButton);
    else if (button == QLatin1String("discard"))
        QTest::mouseClick(dialog.discardButton(), Qt::LeftButton);
    else if (button == QLatin1String("later"))
        QTest::mouseClick(dialog.laterButton(), Qt::LeftButton);
    else
        dialog.close();
    QCOMPARE(finished.size(), 1);
    QCOMPARE(dialog.answer(), answer);
    QCOMPARE(finished.first().first().toInt(), result);
}

void TestRecoveryDialog::startupOffersCrashedImages_data()
{
    QTest::addColumn<RecoveryDialog::Answer>("answer");
    QTest::newRow("restore") << RecoveryDialog::Answer::Restore;
    QTest::newRow("discard") << RecoveryDialog::Answer::Discard;
    QTest::newRow("later") << RecoveryDialog::Answer::Later;
}

void TestRecoveryDialog::startupOffersCrashedImages()
{
    QFETCH(RecoveryDialog::Answer, answer);
    const Image lost = makeTestImage(33, 17, 3, DType::UInt16, 42);
    const QString original = m_dir->filePath(QStringLiteral("lost.tif"));
    leaveCheckpoint(lost, original);
    const QString other = m_dir->filePath(QStringLiteral("other.png"));
    saveImage(makeTestImage(10, 10, 3, DType::UInt8), other.toStdString());

    Application app({QStringLiteral("livepix"), other});
    bool answered = false;
    QList<Document *> documents;
    bool listedWhileOpen = true;
    // Auto-answer the dialog once it shows, look at the result, quit.
    QTimer poll;
    QElapsedTimer clock;
    clock.start();
    connect(&poll, &QTimer::timeout, &app, [&] {
        if (clock.elapsed() > 20000) {
            QCoreApplication::exit(3);
            return;
        }
        if (!answered) {
            auto *dialog = app.mainWindow()->findChild<RecoveryDialog *>();
            if (!dialog || !dialog->isVisible())
                return;
            QCOMPARE(dialog->list()->topLevelItemCount(), 1);
            QPushButton *button = answer == RecoveryDialog::Answer::Restore   ? dialog->restoreButton()
                                  : answer == RecoveryDialog::Answer::Discard ? dialog->discardButton()
                                                                              : dialog->laterButton();
            button->click();
            answered = true;
            return;
        }
        // The file named on the command line loads in the background (the
        // dialog does not wait for it): look once it is open.
        const QList<Document *> open = app.viewer()->documents();
        if (std::none_of(open.begin(), open.end(),
                         [](Document *d) { return d->name() == QStringLiteral("other.png"); }))
            return;
        documents = open;
        listedWhileOpen = !RecoveryStore::listRecoverable(root()).isEmpty();
        QCoreApplication::exit(0);
    });
    poll.start(20);
    // Reads the documents before run() returns: Application owns them.
    QString restoredName, restoredPath, difference;
    bool restoredModified = false;
    connect(qApp, &QCoreApplication::aboutToQuit, &app, [&] {
        for (Document *document : std::as_const(documents)) {
            if (document->name() != QStringLiteral("lost.tif"))
                continue;
            restoredName = document->name();
            restoredPath = document->filePath();
            restoredModified = document->isModified();
            difference = pixelDifference(document->image(), lost);
        }
    });
    QCOMPARE(app.run(), 0);
    QVERIFY(answered);

    switch (answer) {
    case RecoveryDialog::Answer::Restore:
        QCOMPARE(documents.size(), 2);
        QCOMPARE(restoredName, QStringLiteral("lost.tif"));
        QCOMPARE(restoredPath, original); // Save writes where it came from
        QVERIFY(restoredModified);
        QCOMPARE(difference, QString());
        // Adopted: held by the living instance, offered to nobody else.
        QVERIFY(!listedWhileOpen);
        break;
    case RecoveryDialog::Answer::Discard:
        QCOMPARE(documents.size(), 1);
        QVERIFY(!listedWhileOpen);
        QVERIFY(QDir(root()).entryList(QDir::Dirs | QDir::NoDotAndDotDot).isEmpty());
        break;
    case RecoveryDialog::Answer::Later:
        QCOMPARE(documents.size(), 1);
        QVERIFY(listedWhileOpen);
        QCOMPARE(RecoveryStore::listRecoverable(root()).size(), 1); // asked again next time
        break;
    }
}

void TestRecoveryDialog::nothingToRecoverShowsNothing()
{
    const QString other = m_dir->filePath(QStringLiteral("other.png"));
    saveImage(makeTestImage(10, 10, 3, DType::UInt8), other.toStdString());
    Application app({QStringLiteral("livepix"), other});
    bool dialogShown = false;
    QTimer::singleShot(300, &app, [&] {
        dialogShown = app.mainWindow()->findChild<RecoveryDialog *>() != nullptr;
        QCoreApplication::exit(0);
    });
    QCOMPARE(app.run(), 0);
    QVERIFY(!dialogShown);
}

QTEST_MAIN(TestRecoveryDialog)
#include "tst_recoverydialog.moc"
