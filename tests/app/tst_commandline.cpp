// CommandLine::parse: `livepix [FILE ...] [options]`.
#include <QtTest>

#include "attach/tevaddress.h"
#include "viewer/commandline.h"

using namespace livepix::gui;

class TestCommandLine : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void parse_data();
    void parse();
    void helpMentionsEveryOption();
    void execAndScriptKeepTheirOrder();
    void editOpensAScriptWithoutRunningIt_data();
    void editOpensAScriptWithoutRunningIt();
    void nameNamesTheInstance();
    void tevTakesAnAddressOnlyWhenItLooksLikeOne_data();
    void tevTakesAnAddressOnlyWhenItLooksLikeOne();
};

void TestCommandLine::nameNamesTheInstance()
{
    const CommandLine named = CommandLine::parse({"livepix", "--name", "lab", "a.png"});
    QVERIFY(named.ok);
    QCOMPARE(named.name, QStringLiteral("lab"));
    QCOMPARE(named.files, QStringList{"a.png"});
    QVERIFY(CommandLine::parse({"livepix", "a.png"}).name.isEmpty());
    QVERIFY(!CommandLine::parse({"livepix", "--name"}).ok);
}

void TestCommandLine::parse_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<bool>("ok");
    QTest::addColumn<QStringList>("files");
    QTest::addColumn<QStringList>("exec");
    QTest::addColumn<QString>("script");
    QTest::addColumn<QString>("screenshot");
    QTest::addColumn<bool>("listPlugins");
    QTest::addColumn<QString>("errorMentions");

    QTest::newRow("nothing") << QStringList{} << true << QStringList{} << QStringList{} << QString() << QString()
                             << false << QString();
    QTest::newRow("files") << QStringList{"a.png", "b c.exr"} << true << QStringList{"a.png", "b c.exr"}
                           << QStringList{} << QString() << QString() << false << QString();
    QTest::newRow("exec repeated, in order")
        << QStringList{"--exec", "x = 1", "img.png", "--exec", "print(x)"} << true << QStringList{"img.png"}
        << QStringList{"x = 1", "print(x)"} << QString() << QString() << false << QString();
    QTest::newRow("script and screenshot")
        << QStringList{"--script", "s.py", "--screenshot", "out.png", "in.tif"} << true << QStringList{"in.tif"}
        << QStringList{} << QStringLiteral("s.py") << QStringLiteral("out.png") << false << QString();
    QTest::newRow("equals form") << QStringList{"--screenshot=o.png"} << true << QStringList{} << QStringList{}
                                 << QString() << QStringLiteral("o.png") << false << QString();
    QTest::newRow("list plugins") << QStringList{"--list-plugins"} << true << QStringList{} << QStringList{}
                                  << QString() << QString() << true << QString();
    QTest::newRow("unknown option") << QStringList{"--frobnicate", "a.png"} << false << QStringList{}
                                    << QStringList{} << QString() << QString() << false
                                    << QStringLiteral("frobnicate");
    QTest::newRow("missing value") << QStringList{"--exec"} << false << QStringList{} << QStringList{} << QString()
                                   << QString() << false << QStringLiteral("exec");
    QTest::newRow("file after --") << QStringList{"--", "--weird-name.png"} << true
                                   << QStringList{"--weird-name.png"} << QStringList{} << QString() << QString()
                                   << false << QString();
}

void TestCommandLine::parse()
{
    QFETCH(QStringList, args);
    QFETCH(bool, ok);
    QFETCH(QStringList, files);
    QFETCH(QStringList, exec);
    QFETCH(QString, script);
    QFETCH(QString, screenshot);
    QFETCH(bool, listPlugins);
    QFETCH(QString, errorMentions);
    args.prepend(QStringLiteral("livepix"));
    const CommandLine cl = CommandLine::parse(args);
    QCOMPARE(cl.ok, ok);
    if (!ok) {
        QVERIFY2(cl.error.contains(errorMentions), qPrintable(cl.error));
        return;
    }
    QCOMPARE(cl.files, files);
    QCOMPARE(cl.exec, exec);
    QCOMPARE(cl.script, script);
    QCOMPARE(cl.screenshot, screenshot);
    QCOMPARE(cl.isBatch(), !screenshot.isEmpty());
    QCOMPARE(cl.listPlugins, listPlugins);
}

void TestCommandLine::execAndScriptKeepTheirOrder()
{
    const CommandLine cl = CommandLine::parse({"livepix", "--exec", "a = 1", "--script", "s.py", "img.png",
                                               "--exec=b = 2", "--script=t.py"});
    QVERIFY(cl.ok);
    QCOMPARE(cl.code.size(), 4);
    const QStringList texts{cl.code[0].text, cl.code[1].text, cl.code[2].text, cl.code[3].text};
    QCOMPARE(texts, QStringList({"a = 1", "s.py", "b = 2", "t.py"}));
    QCOMPARE(cl.code[0].isFile, false);
    QCOMPARE(cl.code[1].isFile, true);
    QCOMPARE(cl.code[2].isFile, false);
    QCOMPARE(cl.code[3].isFile, true);
    QCOMPARE(cl.files, QStringList({"img.png"}));
}

void TestCommandLine::editOpensAScriptWithoutRunningIt_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("edit");
    QTest::addColumn<QStringList>("files");
    QTest::addColumn<int>("codeSteps");
    QTest::newRow("alone") << QStringList{"--edit", "s.py"} << "s.py" << QStringList{} << 0;
    QTest::newRow("equals form, with an image") << QStringList{"img.png", "--edit=/tmp/t.py"} << "/tmp/t.py"
                                                << QStringList{"img.png"} << 0;
    QTest::newRow("beside --script, which still runs")
        << QStringList{"--script", "run.py", "--edit", "edit.py"} << "edit.py" << QStringList{} << 1;
    QTest::newRow("absent") << QStringList{"a.png"} << QString() << QStringList{"a.png"} << 0;
}

void TestCommandLine::editOpensAScriptWithoutRunningIt()
{
    QFETCH(QStringList, args);
    QFETCH(QString, edit);
    QFETCH(QStringList, files);
    QFETCH(int, codeSteps);
    args.prepend(QStringLiteral("livepix"));
    const CommandLine cl = CommandLine::parse(args);
    QVERIFY2(cl.ok, qPrintable(cl.error));
    QCOMPARE(cl.edit, edit);
    QCOMPARE(cl.files, files);
    QCOMPARE(int(cl.code.size()), codeSteps);
    for (const CommandLine::CodeStep &step : cl.code)
        QVERIFY(step.text != edit); // the edited file is not run
    QVERIFY(!CommandLine::parse({"livepix", "--edit"}).ok);
}

void TestCommandLine::helpMentionsEveryOption()
{
    const CommandLine cl = CommandLine::parse({QStringLiteral("livepix"), QStringLiteral("--help")});
    QVERIFY(cl.ok);
    QVERIFY(cl.showHelp);
    for (const char *option : {"--exec", "--script", "--edit", "--screenshot", "--name", "--list-plugins", "--tev", "--version", "--help"})
        QVERIFY2(cl.helpText.contains(QLatin1String(option)), option);
    QVERIFY(CommandLine::parse({QStringLiteral("livepix"), QStringLiteral("--version")}).showVersion);
}

void TestCommandLine::tevTakesAnAddressOnlyWhenItLooksLikeOne_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<bool>("ok");
    QTest::addColumn<bool>("tev");
    QTest::addColumn<QString>("listensOn"); // TevAddress::toString(), or the error's gist
    QTest::addColumn<QStringList>("files");
    QTest::newRow("absent") << QStringList{"a.png"} << true << false << "" << QStringList{"a.png"};
    QTest::newRow("alone: tev's default") << QStringList{"--tev"} << true << true << "127.0.0.1:14158" << QStringList{};
    QTest::newRow("HOST:PORT") << QStringList{"--tev", "127.0.0.1:9000"} << true << true << "127.0.0.1:9000"
                               << QStringList{};
    QTest::newRow("=HOST:PORT") << QStringList{"--tev=0.0.0.0:9000", "a.png"} << true << true << "0.0.0.0:9000"
                                << QStringList{"a.png"};
    QTest::newRow(":PORT") << QStringList{"--tev", ":9001"} << true << true << "127.0.0.1:9001" << QStringList{};
    QTest::newRow("PORT") << QStringList{"--tev", "9002"} << true << true << "127.0.0.1:9002" << QStringList{};
    QTest::newRow("IPv6") << QStringList{"--tev=[::1]:9003"} << true << true << "[::1]:9003" << QStringList{};
    QTest::newRow("unix:NAME") << QStringList{"--tev", "unix:render"} << true << true << "unix:render" << QStringList{};
    QTest::newRow("a file after --tev stays a file")
        << QStringList{"--tev", "photo.png"} << true << true << "127.0.0.1:14158" << QStringList{"photo.png"};
    QTest::newRow("a path with a colon stays a file")
        << QStringList{"--tev", "dir/a:1.png"} << true << true << "127.0.0.1:14158" << QStringList{"dir/a:1.png"};
    QTest::newRow("after the files") << QStringList{"x.exr", "--tev"} << true << true << "127.0.0.1:14158"
                                     << QStringList{"x.exr"};
    QTest::newRow("not an address") << QStringList{"--tev=photo.png"} << false << true << "expected HOST:PORT"
                                    << QStringList{};
    QTest::newRow("port out of range") << QStringList{"--tev", "localhost:70000"} << false << true << "port 70000"
                                       << QStringList{};
    QTest::newRow("empty unix name") << QStringList{"--tev=unix:"} << false << true << "socket name" << QStringList{};
}

void TestCommandLine::tevTakesAnAddressOnlyWhenItLooksLikeOne()
{
    QFETCH(QStringList, args);
    QFETCH(bool, ok);
    QFETCH(bool, tev);
    QFETCH(QString, listensOn);
    QFETCH(QStringList, files);
    args.prepend(QStringLiteral("livepix"));
    const CommandLine cl = CommandLine::parse(args);
    QCOMPARE(cl.ok, ok);
    QCOMPARE(cl.tev, tev);
    if (!ok) {
        QVERIFY2(cl.error.contains(listensOn), qPrintable(cl.error));
        return;
    }
    QCOMPARE(cl.files, files);
    if (tev)
        QCOMPARE(TevAddress::parse(cl.tevAddress)->toString(), listensOn);
}

QTEST_MAIN(TestCommandLine)
#include "tst_commandline.moc"
