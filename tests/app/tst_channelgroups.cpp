// Channel groups (as tev groups them) and the Channel menu's choices.
#include <QtTest>

#include <livepix/image.h>

#include "display/channelgroups.h"

using namespace livepix;
using namespace livepix::gui;

class TestChannelGroups : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void groups_data();
    void groups();
    void choicesForFewChannels();
    void choicesForManyChannels();
};

void TestChannelGroups::groups_data()
{
    QTest::addColumn<QStringList>("names");
    QTest::addColumn<QStringList>("expected"); // "name:0,1,2" per group
    QTest::newRow("RGBA") << QStringList{"R", "G", "B", "A"} << QStringList{"RGBA:0,1,2,3"};
    QTest::newRow("layers") << QStringList{"diffuse.R", "diffuse.G", "diffuse.B", "depth.Z", "normal.X", "normal.Y",
                                           "normal.Z"}
                            << QStringList{"diffuse.RGB:0,1,2", "depth.Z:3", "normal.XYZ:4,5,6"};
    QTest::newRow("interleaved order") << QStringList{"R", "albedo.R", "G", "albedo.G", "B", "albedo.B"}
                                       << QStringList{"RGB:0,2,4", "albedo.RGB:1,3,5"};
    QTest::newRow("incomplete triplet stays single") << QStringList{"R", "G", "mask"}
                                                     << QStringList{"R:0", "G:1", "mask:2"};
    QTest::newRow("default names of 6") << QStringList{"R", "G", "B", "A", "4", "5"}
                                        << QStringList{"RGBA:0,1,2,3", "4:4", "5:5"};
}

void TestChannelGroups::groups()
{
    QFETCH(QStringList, names);
    QFETCH(QStringList, expected);
    std::vector<std::string> n;
    for (const QString &name : names)
        n.push_back(name.toStdString());
    QStringList got;
    for (const ChannelGroup &g : channelGroups(n)) {
        QStringList indices;
        for (int c : g.channels)
            indices << QString::number(c);
        got << g.name + QLatin1Char(':') + indices.join(QLatin1Char(','));
    }
    QCOMPARE(got, expected);
}

void TestChannelGroups::choicesForFewChannels()
{
    const Image rgba = Image::create(1, 1, 4, DType::UInt8);
    const std::vector<ChannelChoice> choices = channelChoices(rgba);
    QCOMPARE(int(choices.size()), 5);
    QCOMPARE(choices[0].channel, -1);
    QCOMPARE(choices[4].name, QStringLiteral("A"));
    DisplaySettings s;
    applyChannelChoice(s, choices[2]);
    QCOMPARE(s.channel, 1);
    QCOMPARE(currentChannelChoice(rgba, s), 2);
}

void TestChannelGroups::choicesForManyChannels()
{
    Image image = Image::create(1, 1, 7, DType::Float32);
    image.setChannelNames({"diffuse.R", "diffuse.G", "diffuse.B", "depth.Z", "normal.X", "normal.Y", "normal.Z"});
    const std::vector<ChannelChoice> choices = channelChoices(image);
    QCOMPARE(int(choices.size()), 2 + 7); // two groups, then every channel
    QCOMPARE(choices[1].name, QStringLiteral("normal.XYZ"));
    DisplaySettings s;
    applyChannelChoice(s, choices[1]);
    QCOMPARE(s.channelGroup, (std::vector<int>{4, 5, 6}));
    QCOMPARE(currentChannelChoice(image, s), 1);
    applyChannelChoice(s, choices[2 + 3]);
    QCOMPARE(s.channel, 3);
    QCOMPARE(currentChannelChoice(image, s), 5);
}

QTEST_MAIN(TestChannelGroups)
#include "tst_channelgroups.moc"
