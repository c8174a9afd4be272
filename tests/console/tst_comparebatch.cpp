// Compare from the command line: --exec starts a comparison and --screenshot
// saves the canvas as displayed (split wipe, difference with its default levels).
#include <QDir>
#include <QFile>
#include <QImage>
#include <QTemporaryDir>
#include <QTest>

#include "livepixrun.h"

class TestCompareBatch : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void splitScreenshot();
    void differenceScreenshot();
    void notOpenFailsTheRun();

private:
    LivepixRun run(const QStringList &arguments) { return runLivepix(m_program, arguments, m_dir.path()); }
    QString write(const QString &name, QColor colour);

    QString m_program;
    QTemporaryDir m_dir;
};

void TestCompareBatch::initTestCase()
{
    m_program = builtProgram(QStringLiteral("livepix"));
    QVERIFY2(QFile::exists(m_program), qPrintable(m_program));
}

QString TestCompareBatch::write(const QString &name, QColor colour)
{
    const QString path = m_dir.filePath(name);
    QImage image(200, 100, QImage::Format_RGB888);
    image.fill(colour);
    image.save(path);
    return path;
}

void TestCompareBatch::splitScreenshot()
{
    const QString a = write(QStringLiteral("red.png"), QColor(200, 0, 0));
    const QString b = write(QStringLiteral("green.png"), QColor(0, 200, 0));
    const QString shot = m_dir.filePath(QStringLiteral("split.png"));
    // The first file named is current: red.png is A (left), green.png B (right).
    const LivepixRun r = run({a, b, QStringLiteral("--exec"), QStringLiteral("viewer.compare(viewer.images[1], mode='split')"),
                              QStringLiteral("--screenshot"), shot});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    const QImage image(shot);
    QVERIFY(!image.isNull());
    const int y = image.height() / 2;
    QCOMPARE(QColor(image.pixel(image.width() / 4, y)), QColor(200, 0, 0));
    QCOMPARE(QColor(image.pixel(image.width() * 3 / 4, y)), QColor(0, 200, 0));
    QCOMPARE(QColor(image.pixel(image.width() / 2, y / 2)), QColor(Qt::white)); // the divider
}

void TestCompareBatch::differenceScreenshot()
{
    const QString a = write(QStringLiteral("dark.png"), QColor(100, 50, 0));
    const QString b = write(QStringLiteral("bright.png"), QColor(200, 50, 0));
    const QString shot = m_dir.filePath(QStringLiteral("difference.png"));
    const LivepixRun r = run({a, b, QStringLiteral("--exec"),
                              QStringLiteral("viewer.compare(viewer.images[1], mode='absolute')\n"
                                             "print(viewer.compare_metrics()['max_abs'])"),
                              QStringLiteral("--screenshot"), shot});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QVERIFY2(r.out.contains(QStringLiteral("100.0")), qPrintable(r.out));
    const QImage image(shot);
    // |A - B| = (100, 0, 0) under the default levels 0..100: pure red.
    QCOMPARE(QColor(image.pixel(image.width() / 2, image.height() / 2)), QColor(255, 0, 0));
}

void TestCompareBatch::notOpenFailsTheRun()
{
    const QString a = write(QStringLiteral("one.png"), Qt::gray);
    const LivepixRun r = run({a, QStringLiteral("--exec"), QStringLiteral("viewer.compare(livepix.Image(2, 2))"),
                              QStringLiteral("--screenshot"), m_dir.filePath(QStringLiteral("x.png"))});
    QVERIFY(r.exitCode > 0);
    QVERIFY2(r.err.contains(QStringLiteral("ValueError: this image is not open in the viewer")), qPrintable(r.err));
}

QTEST_MAIN(TestCompareBatch)
#include "tst_comparebatch.moc"
