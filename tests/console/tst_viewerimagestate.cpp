// What a console script sets on `viewer.image` (metadata, channel names)
// belongs to the document's image and is what File > Save writes: every
// `viewer.image` is a new Python object holding another handle to the same
// image, and handles share the image's descriptive state.
#include <QtTest>

#include <livepix/image.h>
#include <livepix/imageio.h>

#include "console/pythonruntime.h"
#include "openandwait.h"
#include "viewer/document.h"
#include "viewer/mainwindow.h"
#include "viewer/viewer.h"

using namespace livepix;
using namespace livepix::gui;

namespace {

// The file's metadata entry `name`, or "" while the file cannot be read.
QString savedValue(const QString &path, const char *name)
{
    try {
        return QString::fromStdString(loadImage(path.toStdString()).metadata().get(name).value_or(""));
    } catch (const std::exception &) {
        return QString();
    }
}

QStringList savedChannelNames(const QString &path)
{
    QStringList names;
    try {
        for (const std::string &name : loadImage(path.toStdString()).channelNames())
            names << QString::fromStdString(name);
    } catch (const std::exception &) {
    }
    return names;
}

} // namespace

class TestViewerImageState : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void init();
    void consoleEditsAreSaved_data();
    void consoleEditsAreSaved();
    void secondHandleEditsAreSaved();
    void viewsFromTheConsoleLeaveTheDocumentAlone();

private:
    void run(const QString &code);

    QTemporaryDir m_dir;
    Viewer *m_viewer = nullptr;
    MainWindow *m_window = nullptr;
    PythonRuntime *m_runtime = nullptr;
};

void TestViewerImageState::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QStandardPaths::setTestModeEnabled(true);
    qputenv("XDG_CONFIG_HOME", m_dir.filePath(QStringLiteral("config")).toLocal8Bit());
    m_viewer = new Viewer;
    m_window = new MainWindow(m_viewer);
    m_runtime = new PythonRuntime(m_viewer);
    m_runtime->start();
    QTRY_VERIFY_WITH_TIMEOUT(m_runtime->isReady(), 30000);
}

void TestViewerImageState::cleanupTestCase()
{
    delete m_runtime;
    delete m_window;
    delete m_viewer;
}

void TestViewerImageState::init()
{
    for (Document *d : m_viewer->documents())
        m_viewer->close(d);
}

void TestViewerImageState::run(const QString &code)
{
    QString error;
    QVERIFY2(m_runtime->runAndWait(code, false, &error), qPrintable(error));
}

void TestViewerImageState::consoleEditsAreSaved_data()
{
    QTest::addColumn<QString>("extension");
    QTest::addColumn<DType>("type");
    QTest::newRow("TIFF") << QStringLiteral("tif") << DType::UInt16;
    QTest::newRow("EXR") << QStringLiteral("exr") << DType::Float16;
}

void TestViewerImageState::consoleEditsAreSaved()
{
    QFETCH(QString, extension);
    QFETCH(DType, type);
    const QString path = m_dir.filePath(QStringLiteral("edited.") + extension);
    saveImage(Image::create(8, 6, 4, type), path.toStdString());
    Document *document = livepix::gui::openAndWait(*m_viewer, path);
    QVERIFY(document);

    // Each line reads viewer.image anew: a new Python object every time.
    run(QStringLiteral("viewer.image.metadata['Artist'] = 'set from the console'\n"
                       "viewer.image.metadata['ImageDescription'] = 'second handle'\n"
                       "viewer.image.channel_names = ['R', 'G', 'B', 'A']\n"
                       "assert viewer.image.metadata['Artist'] == 'set from the console'"));
    QCOMPARE(document->image().metadata().get("Artist").value_or(""), std::string("set from the console"));

    QVERIFY(m_window->save(document)); // File > Save
    QTRY_COMPARE(savedValue(path, "Artist"), QStringLiteral("set from the console"));
    QCOMPARE(savedValue(path, "ImageDescription"), QStringLiteral("second handle"));
}

void TestViewerImageState::secondHandleEditsAreSaved()
{
    // What viewerbinding hands to Python is a copy of the document's handle.
    const QString path = m_dir.filePath(QStringLiteral("handle.exr"));
    saveImage(Image::create(5, 4, 4, DType::Float16), path.toStdString());
    Document *document = livepix::gui::openAndWait(*m_viewer, path);
    QVERIFY(document);
    Image handle = document->image();
    handle.setMetadataValue("Artist", "through a second handle");
    handle.setChannelNames({"R", "G", "B", "coverage"});

    QVERIFY(m_window->save(document));
    QTRY_COMPARE(savedValue(path, "Artist"), QStringLiteral("through a second handle"));
    QVERIFY2(savedChannelNames(path).contains(QStringLiteral("coverage")), qPrintable(savedChannelNames(path).join(',')));
}

void TestViewerImageState::viewsFromTheConsoleLeaveTheDocumentAlone()
{
    const QString path = m_dir.filePath(QStringLiteral("parent.tif"));
    Image original = Image::create(8, 8, 3, DType::UInt8);
    original.setMetadataValue("Artist", "the file's");
    saveImage(original, path.toStdString());
    Document *document = livepix::gui::openAndWait(*m_viewer, path);
    QVERIFY(document);
    run(QStringLiteral("crop = viewer.image.view(1, 1, 4, 4)\n"
                       "crop.metadata['Artist'] = 'the crop'\n"
                       "crop.channel_names = ['x', 'y', 'z']\n"
                       "assert viewer.image.metadata['Artist'] == \"the file's\""));
    QCOMPARE(document->image().metadata().get("Artist").value_or(""), std::string("the file's"));
    QCOMPARE(document->image().channelNames(), (std::vector<std::string>{"R", "G", "B"}));
}

QTEST_MAIN(TestViewerImageState)
#include "tst_viewerimagestate.moc"
