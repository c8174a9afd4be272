// How core opens liblivepix_io and OpenImageIO's libraries: with
// RTLD_DEEPBIND, so their symbol lookups search their own libraries before
// the program's (issue 9: the first frame came about 50 ms sooner), except
// when an interposer (LD_PRELOAD) or a sanitizer needs the loader's usual
// order. The loader itself reports each object's lookup scopes
// (LD_DEBUG=scopes), so the tests read that report from a child process:
// this very binary, which in the child only loads and saves images.
#include <QtTest>

#include "testsupport.h"

#include <livepix/imageerror.h>
#include <livepix/imageio.h>

#include <cstdio>
#include <cstdlib>

using namespace livepix;

namespace {

constexpr const char *ChildVariable = "LIVEPIX_TEST_LOOKUP_CHILD";

/// The child: loads the I/O library, then proves it still works across the
/// library boundary with deep binding: an ImageError thrown inside
/// liblivepix_io is caught here by type, and a PNG saves and loads back the
/// same. Exit 0, or 1 with the reason on stderr.
int childLoadsAndSaves(const QString &folder)
{
    preloadImageIO();
    const std::string missing = QDir(folder).filePath(QStringLiteral("missing.png")).toStdString();
    try {
        loadImage(missing);
        std::fputs("loading a missing file did not throw\n", stderr);
        return 1;
    } catch (const ImageError &error) {
        if (error.path() != missing) {
            std::fprintf(stderr, "ImageError names %s, not the missing file\n", error.path().c_str());
            return 1;
        }
    }
    const Image image = testsupport::makeTestImage(33, 17, 4, DType::UInt8);
    const std::string path = QDir(folder).filePath(QStringLiteral("round.png")).toStdString();
    saveImage(image, path);
    const QString difference = testsupport::pixelDifference(image, loadImage(path));
    if (!difference.isEmpty()) {
        std::fprintf(stderr, "PNG round trip: %s\n", qPrintable(difference));
        return 1;
    }
    return 0;
}

/// One object's lookup scopes, as the loader printed them.
struct Scopes {
    QString object;
    QStringList first; // scope 0, in search order
};

/// Runs the child with LD_DEBUG=scopes and `extra` in its environment;
/// returns the scopes of every object it loaded after start-up (dlopen),
/// or fails the test.
QList<Scopes> childScopes(const QProcessEnvironment &extra, QString *error)
{
    QTemporaryDir dir;
    QProcess child;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QString::fromLatin1(ChildVariable), dir.path());
    environment.insert(QStringLiteral("LD_DEBUG"), QStringLiteral("scopes"));
    environment.insert(QStringLiteral("LD_DEBUG_OUTPUT"), dir.filePath(QStringLiteral("scopes")));
    for (const QString &key : extra.keys())
        environment.insert(key, extra.value(key));
    child.setProcessEnvironment(environment);
    child.start(QCoreApplication::applicationFilePath(), {});
    if (!child.waitForFinished(120000) || child.exitStatus() != QProcess::NormalExit || child.exitCode() != 0) {
        *error = QStringLiteral("child failed: ") + QString::fromLocal8Bit(child.readAllStandardError());
        return {};
    }
    // LD_DEBUG_OUTPUT is a prefix: the loader appends ".<pid>".
    const QStringList reports = QDir(dir.path()).entryList({QStringLiteral("scopes.*")}, QDir::Files);
    QFile report(dir.filePath(reports.value(0, QStringLiteral("scopes.<pid>"))));
    if (!report.open(QIODevice::ReadOnly)) {
        *error = report.fileName() + QStringLiteral(": no loader report");
        return {};
    }
    // "   123:\tobject=/path/lib.so [0]" then "   123:\t scope 0: /a /b ...".
    QList<Scopes> scopes;
    for (const QByteArray &raw : report.readAll().split('\n')) {
        const QString line = QString::fromLocal8Bit(raw.mid(raw.indexOf(':') + 1)).trimmed();
        if (line.startsWith(QStringLiteral("object=")))
            scopes.append({line.mid(7).section(QLatin1Char(' '), 0, 0), {}});
        else if (line.startsWith(QStringLiteral("scope 0:")) && !scopes.isEmpty() && scopes.last().first.isEmpty())
            scopes.last().first = line.mid(8).split(QLatin1Char(' '), Qt::SkipEmptyParts);
    }
    // The report starts with the objects the program started with; the
    // program's own scope 0 lists them all (the global scope). Keep the rest.
    if (scopes.isEmpty() || scopes.first().first.isEmpty()) {
        *error = report.fileName() + QStringLiteral(": no initial scope in the loader report");
        return {};
    }
    const QStringList initial = scopes.first().first;
    scopes.removeIf([&](const Scopes &s) { return initial.contains(s.object); });
    return scopes;
}

/// The scopes printed for `file` (matched by its name's start), or none.
Scopes scopesOf(const QList<Scopes> &all, const QString &name)
{
    for (const Scopes &scopes : all)
        if (QFileInfo(scopes.object).fileName().startsWith(name))
            return scopes;
    return {};
}

bool sanitized()
{
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
    return true;
#else
    return false;
#endif
}

} // namespace

class TestImageIoLookup : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void ioLibrariesSearchTheirOwnLibrariesFirst();
    void anInterposerKeepsTheLoadersOrder();
};

void TestImageIoLookup::ioLibrariesSearchTheirOwnLibrariesFirst()
{
    QString error;
    const QList<Scopes> all = childScopes({}, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    const QString program = QCoreApplication::applicationFilePath();
    // Every library of the build's preload list, and liblivepix_io itself.
    QFile listFile(QStringLiteral(LIVEPIX_TEST_PRELOAD_LIST));
    QVERIFY(listFile.open(QIODevice::ReadOnly));
    const QStringList list = QString::fromLocal8Bit(listFile.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    int dlopened = 0, deep = 0;
    for (const Scopes &scopes : all) {
        const QString name = QFileInfo(scopes.object).fileName();
        if (scopes.first.isEmpty() || !(list.contains(name) || name.startsWith(QStringLiteral("liblivepix_io."))))
            continue;
        ++dlopened;
        deep += scopes.first.first() != program;
    }
    // OpenImageIO's stack: a couple of hundred libraries on Debian 12.
    QVERIFY2(dlopened > 50, qPrintable(QString::number(dlopened)));
    const Scopes io = scopesOf(all, QStringLiteral("liblivepix_io.so"));
    const Scopes oiio = scopesOf(all, QStringLiteral("libOpenImageIO.so"));
    QVERIFY(!io.first.isEmpty());
    QVERIFY(!oiio.first.isEmpty());
    if (sanitized()) {
        // The sanitizer's runtime refuses RTLD_DEEPBIND: the usual order,
        // the program's scope first (but for the few libraries linked with
        // -Bsymbolic, such as FFmpeg's, which always search themselves first).
        QVERIFY(deep < dlopened / 2);
        QCOMPARE(io.first.first(), program);
        return;
    }
    QCOMPARE(deep, dlopened);
    QVERIFY2(io.first.first().endsWith(QStringLiteral("/") + QFileInfo(io.object).fileName()),
             qPrintable(io.first.join(QLatin1Char(' '))));
    QVERIFY(!oiio.first.contains(program));
}

void TestImageIoLookup::anInterposerKeepsTheLoadersOrder()
{
    if (sanitized())
        QSKIP("a sanitizer's runtime must come first; LD_PRELOAD of another library aborts the child");
    // Any preloaded library counts: here a harmless one.
    QProcessEnvironment extra;
    extra.insert(QStringLiteral("LD_PRELOAD"), QStringLiteral(LIVEPIX_TEST_TINY_LIBRARY));
    QString error;
    const QList<Scopes> all = childScopes(extra, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    const QString program = QCoreApplication::applicationFilePath();
    const Scopes io = scopesOf(all, QStringLiteral("liblivepix_io.so"));
    QVERIFY(!io.first.isEmpty());
    // The global scope (the program, the preloaded library, then the rest)
    // is searched first, so the preloaded library can interpose.
    QCOMPARE(io.first.value(0), program);
    QCOMPARE(io.first.value(1), QStringLiteral(LIVEPIX_TEST_TINY_LIBRARY));
}

int main(int argc, char **argv)
{
    if (const char *folder = std::getenv(ChildVariable))
        return childLoadsAndSaves(QString::fromLocal8Bit(folder));
    QCoreApplication app(argc, argv);
    TestImageIoLookup test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_imageiolookup.moc"
