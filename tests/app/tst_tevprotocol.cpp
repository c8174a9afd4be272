// tev::parsePacket and tev::peekFrame: every packet type and version of tev's
// IPC protocol, and what must be refused. Packets are built byte by byte
// from the published layout (tests/support/tevpackets.h), not with the
// app's code.
#include <QtTest>

#include <random>
#include <string>
#include <vector>

#include "attach/tevprotocol.h"
#include "tevpackets.h"

using namespace livepix::tev;
using tevtest::Bytes;

namespace {

ParseResult parse(const std::vector<unsigned char> &p) { return parsePacket(p.data(), p.size()); }

/// A 2x2 tile of channels R, G (V3: interleaved RGRG... with offset 0/1, stride 2).
std::vector<unsigned char> updateV3(std::int64_t offsetG = 1, std::int64_t stride = 2, int floats = 8)
{
    Bytes b(6);
    b.boolean(true).str("img").i32(2).str("R").str("G").i32(3).i32(4).i32(2).i32(2);
    b.i64(0).i64(offsetG).i64(stride).i64(stride);
    for (int i = 0; i < floats; ++i)
        b.f32(float(i) + 0.5f);
    return b.done();
}

std::vector<std::vector<unsigned char>> everyValidPacket()
{
    std::vector<std::vector<unsigned char>> all;
    all.push_back(Bytes(0).boolean(true).str("a.exr:R").done());
    all.push_back(Bytes(7).boolean(false).str("a.exr").str("R").done());
    all.push_back(Bytes(1).boolean(true).str("a").done());
    all.push_back(Bytes(2).str("a").done());
    all.push_back(Bytes(4).boolean(true).str("a").i32(3).i32(2).i32(2).str("R").str("G").done());
    Bytes v1(3);
    v1.boolean(false).str("a").str("R").i32(0).i32(0).i32(2).i32(1).f32(1).f32(2);
    all.push_back(v1.done());
    Bytes v2(5);
    v2.boolean(false).str("a").i32(2).str("R").str("G").i32(0).i32(0).i32(1).i32(1).f32(1).f32(2);
    all.push_back(v2.done());
    all.push_back(updateV3());
    all.push_back(Bytes(8).boolean(false).str("a").boolean(true).i32(0).done());
    return all;
}

} // namespace

class TestTevProtocol : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void openImageV1SplitsTheChannelSelector_data();
    void openImageV1SplitsTheChannelSelector();
    void openImageV2();
    void reloadAndClose();
    void createImage();
    void updateImageV1IsOnePlanarChannel();
    void updateImageV2IsPlanar();
    void updateImageV3OffsetsAndStrides();
    void updateImageV3NegativeStrideInside();
    void emptyTileNeedsNoData();
    void vectorGraphicsIsAccepted();
    void boolIsTrueOnlyForOne();
    void trailingBytesAreIgnoredLikeTev();
    void peekFrame_data();
    void peekFrame();
    void refused_data();
    void refused();
    void everyTruncationIsRefused();
    void randomBytesNeverCrash();
};

void TestTevProtocol::openImageV1SplitsTheChannelSelector_data()
{
    QTest::addColumn<QString>("packed");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("selector");
    QTest::newRow("no colon") << "/tmp/a.exr" << "/tmp/a.exr" << "";
    QTest::newRow("selector") << "/tmp/a.exr:diffuse" << "/tmp/a.exr" << "diffuse";
    QTest::newRow("last colon") << "x:y.exr:R" << "x:y.exr" << "R";
    QTest::newRow("windows drive") << "C:/a.exr" << "C:/a.exr" << "";
    QTest::newRow("windows backslash") << "C:\\a.exr" << "C:\\a.exr" << "";
}

void TestTevProtocol::openImageV1SplitsTheChannelSelector()
{
    QFETCH(QString, packed);
    QFETCH(QString, path);
    QFETCH(QString, selector);
    const ParseResult r = parse(Bytes(0).boolean(true).str(packed.toStdString()).done());
    QVERIFY2(r.ok, r.error.c_str());
    QCOMPARE(r.packet.type, PacketType::OpenImage);
    const auto &o = std::get<OpenImage>(r.packet.body);
    QVERIFY(o.grabFocus);
    QCOMPARE(QString::fromStdString(o.path), path);
    QCOMPARE(QString::fromStdString(o.channelSelector), selector);
}

void TestTevProtocol::openImageV2()
{
    const ParseResult r = parse(Bytes(7).boolean(false).str("a:b.exr").str("R,G").done());
    QVERIFY2(r.ok, r.error.c_str());
    QCOMPARE(r.packet.type, PacketType::OpenImageV2);
    const auto &o = std::get<OpenImage>(r.packet.body);
    QVERIFY(!o.grabFocus);
    QCOMPARE(o.path, std::string("a:b.exr")); // V2 never splits
    QCOMPARE(o.channelSelector, std::string("R,G"));
}

void TestTevProtocol::reloadAndClose()
{
    ParseResult r = parse(Bytes(1).boolean(true).str("shot").done());
    QVERIFY2(r.ok, r.error.c_str());
    QCOMPARE(std::get<ReloadImage>(r.packet.body).name, std::string("shot"));
    QVERIFY(std::get<ReloadImage>(r.packet.body).grabFocus);
    r = parse(Bytes(2).str("shot").done());
    QVERIFY2(r.ok, r.error.c_str());
    QCOMPARE(r.packet.type, PacketType::CloseImage);
    QCOMPARE(std::get<CloseImage>(r.packet.body).name, std::string("shot"));
}

void TestTevProtocol::createImage()
{
    const ParseResult r =
        parse(Bytes(4).boolean(true).str("render").i32(640).i32(480).i32(4).str("R").str("G").str("B").str("A").done());
    QVERIFY2(r.ok, r.error.c_str());
    const auto &c = std::get<CreateImage>(r.packet.body);
    QCOMPARE(c.name, std::string("render"));
    QCOMPARE(c.width, 640);
    QCOMPARE(c.height, 480);
    QCOMPARE(c.channelNames, (std::vector<std::string>{"R", "G", "B", "A"}));
}

void TestTevProtocol::updateImageV1IsOnePlanarChannel()
{
    Bytes b(3);
    b.boolean(false).str("img").str("Y").i32(5).i32(6).i32(3).i32(1).f32(1).f32(2).f32(3);
    const auto bytes = b.done(); // the parsed data points into these
    const ParseResult r = parse(bytes);
    QVERIFY2(r.ok, r.error.c_str());
    const auto &u = std::get<UpdateImage>(r.packet.body);
    QCOMPARE(u.channelNames, std::vector<std::string>{"Y"});
    QCOMPARE(u.x, 5);
    QCOMPARE(u.y, 6);
    QCOMPARE(u.value(0, 0), 1.0f);
    QCOMPARE(u.value(0, 2), 3.0f);
}

void TestTevProtocol::updateImageV2IsPlanar()
{
    Bytes b(5);
    b.boolean(false).str("img").i32(2).str("R").str("G").i32(0).i32(0).i32(2).i32(1);
    b.f32(1).f32(2).f32(10).f32(20); // R plane, then G plane
    const auto bytes = b.done();
    const ParseResult r = parse(bytes);
    QVERIFY2(r.ok, r.error.c_str());
    const auto &u = std::get<UpdateImage>(r.packet.body);
    QCOMPARE(u.value(0, 1), 2.0f);
    QCOMPARE(u.value(1, 0), 10.0f);
    QCOMPARE(u.value(1, 1), 20.0f);
}

void TestTevProtocol::updateImageV3OffsetsAndStrides()
{
    const auto bytes = updateV3();
    const ParseResult r = parse(bytes);
    QVERIFY2(r.ok, r.error.c_str());
    const auto &u = std::get<UpdateImage>(r.packet.body);
    QCOMPARE(u.x, 3);
    QCOMPARE(u.y, 4);
    QCOMPARE(u.pixelCount(), std::size_t(4));
    QCOMPARE(u.offsets, (std::vector<std::int64_t>{0, 1}));
    QCOMPARE(u.strides, (std::vector<std::int64_t>{2, 2}));
    for (std::size_t p = 0; p < 4; ++p) {
        QCOMPARE(u.value(0, p), float(2 * p) + 0.5f);
        QCOMPARE(u.value(1, p), float(2 * p + 1) + 0.5f);
    }
}

void TestTevProtocol::updateImageV3NegativeStrideInside()
{
    // Pixels read backwards from float 6 (R) and 7 (G): indices 6,4,2,0 / 7,5,3,1.
    Bytes b(6);
    b.boolean(false).str("img").i32(2).str("R").str("G").i32(0).i32(0).i32(4).i32(1);
    b.i64(6).i64(7).i64(-2).i64(-2);
    for (int i = 0; i < 8; ++i)
        b.f32(float(i));
    const auto bytes = b.done();
    const ParseResult r = parse(bytes);
    QVERIFY2(r.ok, r.error.c_str());
    const auto &u = std::get<UpdateImage>(r.packet.body);
    QCOMPARE(u.value(0, 0), 6.0f);
    QCOMPARE(u.value(0, 3), 0.0f);
    QCOMPARE(u.value(1, 3), 1.0f);
}

void TestTevProtocol::emptyTileNeedsNoData()
{
    Bytes b(6);
    b.boolean(false).str("img").i32(1).str("R").i32(0).i32(0).i32(0).i32(7).i64(0).i64(1);
    const ParseResult r = parse(b.done());
    QVERIFY2(r.ok, r.error.c_str());
    QCOMPARE(std::get<UpdateImage>(r.packet.body).pixelCount(), std::size_t(0));
}

void TestTevProtocol::vectorGraphicsIsAccepted()
{
    Bytes b(8);
    b.boolean(true).str("img").boolean(false).i32(1).u8(0).f32(1).f32(2); // a command livepix ignores
    const ParseResult r = parse(b.done());
    QVERIFY2(r.ok, r.error.c_str());
    QCOMPARE(r.packet.type, PacketType::VectorGraphics);
    QCOMPARE(std::get<VectorGraphics>(r.packet.body).name, std::string("img"));
}

void TestTevProtocol::boolIsTrueOnlyForOne()
{
    // tev reads `byte == 1`.
    QVERIFY(std::get<ReloadImage>(parse(Bytes(1).u8(1).str("a").done()).packet.body).grabFocus);
    QVERIFY(!std::get<ReloadImage>(parse(Bytes(1).u8(2).str("a").done()).packet.body).grabFocus);
}

void TestTevProtocol::trailingBytesAreIgnoredLikeTev()
{
    const ParseResult r = parse(Bytes(2).str("a").u8(0xff).u8(0xee).done());
    QVERIFY2(r.ok, r.error.c_str());
    QCOMPARE(std::get<CloseImage>(r.packet.body).name, std::string("a"));
}

void TestTevProtocol::peekFrame_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<int>("state");
    QTest::addColumn<quint64>("length");
    using S = Frame::State;
    QTest::newRow("nothing") << QByteArray() << int(S::NeedMore) << quint64(0);
    QTest::newRow("3 bytes") << QByteArray("\x09\0\0", 3) << int(S::NeedMore) << quint64(0);
    QTest::newRow("header of 9, 6 there") << QByteArray("\x09\0\0\0\x02x", 6) << int(S::NeedMore) << quint64(9);
    QTest::newRow("complete") << QByteArray("\x07\0\0\0\x02x\0", 7) << int(S::Complete) << quint64(7);
    QTest::newRow("length 0") << QByteArray("\0\0\0\0", 4) << int(S::Bad) << quint64(0);
    QTest::newRow("length 4: no type") << QByteArray("\x04\0\0\0", 4) << int(S::Bad) << quint64(4);
    QTest::newRow("256 MiB + 1") << QByteArray("\x01\0\0\x10", 4) << int(S::Bad) << quint64(MaxPacketBytes + 1);
    QTest::newRow("4 GiB - 1") << QByteArray("\xff\xff\xff\xff", 4) << int(S::Bad) << quint64(0xffffffffu);
    QTest::newRow("256 MiB: allowed, incomplete")
        << QByteArray("\0\0\0\x10", 4) << int(S::NeedMore) << quint64(MaxPacketBytes);
}

void TestTevProtocol::peekFrame()
{
    QFETCH(QByteArray, bytes);
    QFETCH(int, state);
    QFETCH(quint64, length);
    const Frame f = livepix::tev::peekFrame(reinterpret_cast<const unsigned char *>(bytes.constData()),
                                            std::size_t(bytes.size()));
    QCOMPARE(int(f.state), state);
    QCOMPARE(quint64(f.length), length);
    QCOMPARE(f.error.empty(), f.state != Frame::State::Bad);
}

void TestTevProtocol::refused_data()
{
    QTest::addColumn<QByteArray>("packet");
    QTest::addColumn<QString>("errorMentions");
    auto row = [](const char *name, const std::vector<unsigned char> &p, const char *mentions) {
        QTest::newRow(name) << QByteArray(reinterpret_cast<const char *>(p.data()), qsizetype(p.size()))
                            << QString::fromLatin1(mentions);
    };
    row("unknown type 9", Bytes(9).str("a").done(), "unknown packet type 9");
    row("unknown type 255", Bytes(255).done(), "unknown packet type 255");
    row("length field too large", Bytes(2).str("a").done(20), "does not match");
    row("length field too small", Bytes(2).str("abc").done(7), "does not match");
    row("string without NUL", Bytes(2).u8('a').u8('b').done(), "NUL");
    row("create: zero width", Bytes(4).boolean(0).str("a").i32(0).i32(2).i32(1).str("R").done(), "not positive");
    row("create: negative height", Bytes(4).boolean(0).str("a").i32(2).i32(-2).i32(1).str("R").done(), "not positive");
    row("create: zero channels", Bytes(4).boolean(0).str("a").i32(2).i32(2).i32(0).done(), "channel count 0");
    row("create: 2^31-1 channels", Bytes(4).boolean(0).str("a").i32(2).i32(2).i32(0x7fffffff).done(), "channel count");
    row("create: 1024 names, 1 sent", Bytes(4).boolean(0).str("a").i32(2).i32(2).i32(1024).str("R").done(), "names");
    row("create: names missing", Bytes(4).boolean(0).str("a").i32(2).i32(2).i32(2).str("R").done(), "NUL");
    {
        // 2^31-1 squared x 1024 channels x 4 bytes does not fit in 64 bits.
        Bytes b(4);
        b.boolean(0).str("a").i32(0x7fffffff).i32(0x7fffffff).i32(1024);
        for (int i = 0; i < 1024; ++i)
            b.str("c");
        row("create: byte count overflows", b.done(), "overflows");
    }
    row("v3: offset past the data", updateV3(7), "reads floats");
    row("v3: stride past the data", updateV3(1, 3), "reads floats");
    row("v3: one float short", updateV3(1, 2, 7), "reads floats");
    row("v3: negative offset", updateV3(-1), "reads floats");
    {
        Bytes b(6); // stride 2^62: (pixels - 1) x stride overflows
        b.boolean(0).str("a").i32(1).str("R").i32(0).i32(0).i32(4).i32(1).i64(0).i64(std::int64_t(1) << 62).f32(0);
        row("v3: stride overflows", b.done(), "overflows");
    }
    {
        Bytes b(6); // offset INT64_MAX plus anything overflows
        b.boolean(0).str("a").i32(1).str("R").i32(0).i32(0).i32(2).i32(1).i64(INT64_MAX).i64(1).f32(0);
        row("v3: offset overflows", b.done(), "overflows");
    }
    {
        Bytes b(5); // 65536 x 65536 tile, 2 channels, 4 floats sent
        b.boolean(0).str("a").i32(2).str("R").str("G").i32(0).i32(0).i32(65536).i32(65536).f32(0).f32(0);
        row("v2: tile larger than the data", b.done(), "reads floats");
    }
    row("v2: zero channels", Bytes(5).boolean(0).str("a").i32(0).done(), "channel count 0");
    row("v2: negative width", Bytes(5).boolean(0).str("a").i32(1).str("R").i32(0).i32(0).i32(-1).i32(1).done(), "negative");
    row("v3: offsets missing", Bytes(6).boolean(0).str("a").i32(2).str("R").str("G").i32(0).i32(0).i32(1).i32(1).i64(0).done(), "early");
    row("v1: data missing", Bytes(3).boolean(0).str("a").str("R").i32(0).i32(0).i32(1).i32(1).done(), "reads floats");
}

void TestTevProtocol::refused()
{
    QFETCH(QByteArray, packet);
    QFETCH(QString, errorMentions);
    const ParseResult r =
        parsePacket(reinterpret_cast<const unsigned char *>(packet.constData()), std::size_t(packet.size()));
    QVERIFY(!r.ok);
    QVERIFY2(QString::fromStdString(r.error).contains(errorMentions), r.error.c_str());
}

void TestTevProtocol::everyTruncationIsRefused()
{
    for (const auto &packet : everyValidPacket()) {
        QVERIFY2(parse(packet).ok, parse(packet).error.c_str());
        for (std::size_t cut = 0; cut < packet.size(); ++cut) {
            // The stream ends early: never complete.
            QVERIFY(livepix::tev::peekFrame(packet.data(), cut).state != Frame::State::Complete);
            if (cut < MinPacketBytes)
                continue;
            // A packet whose length says it ends early: its last field is cut.
            std::vector<unsigned char> shorter(packet.begin(), packet.begin() + std::ptrdiff_t(cut));
            for (int i = 0; i < 4; ++i)
                shorter[std::size_t(i)] = static_cast<unsigned char>(cut >> (8 * i));
            const ParseResult r = parse(shorter);
            QVERIFY2(!r.ok, qPrintable(QStringLiteral("type %1 cut at %2 parsed").arg(int(packet[4])).arg(cut)));
        }
    }
}

void TestTevProtocol::randomBytesNeverCrash()
{
    // Random bodies behind valid length prefixes and types, so the field
    // readers run; ASan (the sanitizer build) checks that no read strays.
    std::mt19937 rng(1234);
    int parsed = 0;
    for (int i = 0; i < 20000; ++i) {
        const std::size_t size = MinPacketBytes + rng() % 120;
        std::vector<unsigned char> p(size);
        for (auto &byte : p)
            byte = static_cast<unsigned char>(rng() % 4 == 0 ? 0 : rng());
        for (int k = 0; k < 4; ++k)
            p[std::size_t(k)] = static_cast<unsigned char>(size >> (8 * k));
        p[4] = static_cast<unsigned char>(rng() % 10);
        const ParseResult r = parse(p);
        QVERIFY(r.ok || !r.error.empty());
        parsed += r.ok;
    }
    QVERIFY(parsed > 0); // some random packets are valid (e.g. CloseImage)
}

QTEST_APPLESS_MAIN(TestTevProtocol)
#include "tst_tevprotocol.moc"
