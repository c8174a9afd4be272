#include "attach/tevprotocol.h"

#include <livepix/checkedsize.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace livepix::tev {

namespace {

/// A malformed packet (caught in parsePacket, never escapes it).
struct Malformed : std::runtime_error {
    using std::runtime_error::runtime_error;
};

std::uint32_t readU32(const unsigned char *p)
{
    return std::uint32_t(p[0]) | std::uint32_t(p[1]) << 8 | std::uint32_t(p[2]) << 16 | std::uint32_t(p[3]) << 24;
}

/// tev's IStream: reads fields in order, each checked against the end.
class Reader {
public:
    Reader(const unsigned char *data, std::size_t size) : m_data(data), m_size(size) {}

    std::size_t remaining() const { return m_size - m_pos; }
    const unsigned char *here() const { return m_data + m_pos; }

    bool readBool(const char *what)
    {
        need(1, what);
        return m_data[m_pos++] == 1; // tev: `var = mData[mIdx] == 1`
    }
    std::string readString(const char *what)
    {
        const auto *begin = m_data + m_pos;
        const auto *end = static_cast<const unsigned char *>(std::memchr(begin, 0, remaining()));
        if (!end)
            throw Malformed(std::string(what) + ": string without its NUL terminator");
        m_pos += std::size_t(end - begin) + 1;
        return std::string(reinterpret_cast<const char *>(begin), std::size_t(end - begin));
    }
    std::int32_t readI32(const char *what)
    {
        need(4, what);
        const std::uint32_t v = readU32(m_data + m_pos);
        m_pos += 4;
        return static_cast<std::int32_t>(v);
    }
    std::int64_t readI64(const char *what)
    {
        need(8, what);
        const std::uint64_t v = std::uint64_t(readU32(m_data + m_pos)) | std::uint64_t(readU32(m_data + m_pos + 4)) << 32;
        m_pos += 8;
        return static_cast<std::int64_t>(v);
    }
    /// `count` strings; each takes at least one byte, so an absurd count
    /// fails before anything is reserved.
    std::vector<std::string> readStrings(std::int32_t count, const char *what)
    {
        if (count < 0 || std::size_t(count) > remaining())
            throw Malformed(std::string(what) + ": " + std::to_string(count) + " names do not fit in the packet");
        std::vector<std::string> out;
        out.reserve(std::size_t(count));
        for (std::int32_t i = 0; i < count; ++i)
            out.push_back(readString(what));
        return out;
    }
    std::vector<std::int64_t> readI64s(std::int32_t count, const char *what)
    {
        need(checkedMul(std::size_t(count), std::size_t(8), what), what);
        std::vector<std::int64_t> out(static_cast<std::size_t>(count));
        for (auto &v : out)
            v = readI64(what);
        return out;
    }

private:
    void need(std::size_t bytes, const char *what) const
    {
        if (bytes > remaining())
            throw Malformed(std::string(what) + ": packet ends " + std::to_string(bytes - remaining()) +
                            " bytes early");
    }

    const unsigned char *m_data;
    std::size_t m_size;
    std::size_t m_pos = 0;
};

std::int32_t readChannelCount(Reader &in, const char *what)
{
    const std::int32_t n = in.readI32(what);
    if (n < 1 || n > MaxChannels)
        throw Malformed(std::string(what) + ": channel count " + std::to_string(n) + " is not in 1.." +
                        std::to_string(MaxChannels));
    return n;
}

OpenImage parseOpenImage(Reader &in, PacketType type)
{
    OpenImage out;
    out.grabFocus = in.readBool("OpenImage grabFocus");
    const std::string path = in.readString("OpenImage path");
    if (type == PacketType::OpenImageV2) {
        out.path = path;
        out.channelSelector = in.readString("OpenImage channelSelector");
        return out;
    }
    // V1 packs "path:channels"; tev splits at the last ':' unless it is a
    // Windows drive ("C:/..." or "C:\...").
    const std::size_t colon = path.find_last_of(':');
    const bool drive = colon == 1 && path.size() >= 3 && (path[2] == '\\' || path[2] == '/');
    if (colon == std::string::npos || drive) {
        out.path = path;
    } else {
        out.path = path.substr(0, colon);
        out.channelSelector = path.substr(colon + 1);
    }
    return out;
}

CreateImage parseCreateImage(Reader &in)
{
    CreateImage out;
    out.grabFocus = in.readBool("CreateImage grabFocus");
    out.name = in.readString("CreateImage name");
    out.width = in.readI32("CreateImage width");
    out.height = in.readI32("CreateImage height");
    if (out.width < 1 || out.height < 1)
        throw Malformed("CreateImage: size " + std::to_string(out.width) + "x" + std::to_string(out.height) +
                        " is not positive");
    const std::int32_t channels = readChannelCount(in, "CreateImage nChannels");
    out.channelNames = in.readStrings(channels, "CreateImage channel names");
    // The float32 image it asks for must have a representable byte count.
    checkedMul(checkedMul(std::size_t(out.width), std::size_t(out.height), "CreateImage pixel count"),
               checkedMul(std::size_t(channels), sizeof(float), "CreateImage pixel bytes"), "CreateImage byte count");
    return out;
}

/// The floats channel `c` reads span [lowest, highest] (strides may be
/// negative); both must lie in [0, dataFloats).
void checkChannelSpan(const UpdateImage &u, std::size_t c)
{
    const auto pixels = checkedSigned(u.pixelCount(), "UpdateImage pixel count");
    const std::ptrdiff_t last = checkedMul(std::ptrdiff_t(pixels - 1), std::ptrdiff_t(u.strides[c]),
                                           "UpdateImage last pixel's index");
    const std::ptrdiff_t lowest = checkedAdd(std::ptrdiff_t(u.offsets[c]), std::min<std::ptrdiff_t>(0, last),
                                             "UpdateImage lowest index");
    const std::ptrdiff_t highest = checkedAdd(std::ptrdiff_t(u.offsets[c]), std::max<std::ptrdiff_t>(0, last),
                                              "UpdateImage highest index");
    if (lowest < 0 || std::size_t(highest) >= u.dataFloats)
        throw Malformed("UpdateImage: channel '" + u.channelNames[c] + "' reads floats " + std::to_string(lowest) +
                        ".." + std::to_string(highest) + " but the packet holds " + std::to_string(u.dataFloats));
}

UpdateImage parseUpdateImage(Reader &in, PacketType type)
{
    UpdateImage out;
    out.grabFocus = in.readBool("UpdateImage grabFocus");
    out.name = in.readString("UpdateImage name");
    const std::int32_t channels =
        type == PacketType::UpdateImage ? 1 : readChannelCount(in, "UpdateImage nChannels");
    out.channelNames = in.readStrings(channels, "UpdateImage channel names");
    out.x = in.readI32("UpdateImage x");
    out.y = in.readI32("UpdateImage y");
    out.width = in.readI32("UpdateImage width");
    out.height = in.readI32("UpdateImage height");
    if (out.width < 0 || out.height < 0)
        throw Malformed("UpdateImage: tile size " + std::to_string(out.width) + "x" + std::to_string(out.height) +
                        " is negative");
    const std::size_t pixels = out.pixelCount();
    if (type == PacketType::UpdateImageV3) {
        out.offsets = in.readI64s(channels, "UpdateImage offsets");
        out.strides = in.readI64s(channels, "UpdateImage strides");
    } else {
        out.offsets.resize(std::size_t(channels));
        out.strides.assign(std::size_t(channels), 1);
        for (std::size_t c = 0; c < out.offsets.size(); ++c)
            out.offsets[c] = checkedSigned(checkedMul(pixels, c, "UpdateImage planar offset"), "UpdateImage offset");
    }
    out.data = in.here();
    out.dataFloats = in.remaining() / sizeof(float);
    if (pixels > 0) {
        for (std::size_t c = 0; c < out.offsets.size(); ++c)
            checkChannelSpan(out, c);
    }
    return out;
}

PacketBody parseBody(Reader &in, PacketType type)
{
    switch (type) {
    case PacketType::OpenImage:
    case PacketType::OpenImageV2: return parseOpenImage(in, type);
    case PacketType::ReloadImage: {
        ReloadImage out;
        out.grabFocus = in.readBool("ReloadImage grabFocus");
        out.name = in.readString("ReloadImage name");
        return out;
    }
    case PacketType::CloseImage: return CloseImage{in.readString("CloseImage name")};
    case PacketType::CreateImage: return parseCreateImage(in);
    case PacketType::UpdateImage:
    case PacketType::UpdateImageV2:
    case PacketType::UpdateImageV3: return parseUpdateImage(in, type);
    case PacketType::VectorGraphics: {
        VectorGraphics out;
        out.grabFocus = in.readBool("VectorGraphics grabFocus");
        out.name = in.readString("VectorGraphics name");
        in.readBool("VectorGraphics append");
        if (in.readI32("VectorGraphics nCommands") < 0)
            throw Malformed("VectorGraphics: negative command count");
        return out; // the commands are not drawn, so not read
    }
    }
    throw Malformed("unknown packet type");
}

} // namespace

Frame peekFrame(const unsigned char *data, std::size_t size)
{
    Frame frame;
    if (size < LengthBytes)
        return frame;
    frame.length = readU32(data);
    if (frame.length < MinPacketBytes) {
        frame.state = Frame::State::Bad;
        frame.error = "packet length " + std::to_string(frame.length) + " is below the minimum of " +
                      std::to_string(MinPacketBytes);
    } else if (frame.length > MaxPacketBytes) {
        frame.state = Frame::State::Bad;
        frame.error = "packet length " + std::to_string(frame.length) + " is over the limit of " +
                      std::to_string(MaxPacketBytes) + " bytes";
    } else if (size >= frame.length) {
        frame.state = Frame::State::Complete;
    }
    return frame;
}

ParseResult parsePacket(const unsigned char *data, std::size_t size)
{
    ParseResult result;
    const Frame frame = peekFrame(data, size);
    if (frame.state == Frame::State::Bad) {
        result.error = frame.error;
        return result;
    }
    if (size < MinPacketBytes || frame.length != size) {
        result.error = "packet length " + std::to_string(frame.length) + " does not match the " +
                       std::to_string(size) + " bytes given";
        return result;
    }
    const std::uint8_t type = data[LengthBytes];
    if (type > std::uint8_t(PacketType::VectorGraphics)) {
        result.error = "unknown packet type " + std::to_string(type);
        return result;
    }
    result.packet.type = PacketType(type);
    Reader in(data + MinPacketBytes, size - MinPacketBytes);
    try {
        result.packet.body = parseBody(in, result.packet.type);
        result.ok = true;
    } catch (const std::exception &e) { // Malformed, or checkedsize's overflow
        result.error = std::string(packetTypeName(result.packet.type)) + ": " + e.what();
    }
    return result;
}

const char *packetTypeName(PacketType type)
{
    switch (type) {
    case PacketType::OpenImage: return "OpenImage";
    case PacketType::ReloadImage: return "ReloadImage";
    case PacketType::CloseImage: return "CloseImage";
    case PacketType::UpdateImage: return "UpdateImage";
    case PacketType::CreateImage: return "CreateImage";
    case PacketType::UpdateImageV2: return "UpdateImageV2";
    case PacketType::UpdateImageV3: return "UpdateImageV3";
    case PacketType::OpenImageV2: return "OpenImageV2";
    case PacketType::VectorGraphics: return "VectorGraphics";
    }
    return "unknown";
}

} // namespace livepix::tev
