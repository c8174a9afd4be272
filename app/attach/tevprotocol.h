#pragma once
// TevProtocol: tev's IPC packets, parsed from bytes (no I/O, no Qt).
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <variant>
#include <vector>

namespace livepix::tev {

/// Packet types, numbered as in tev's include/tev/Ipc.h.
enum class PacketType : std::uint8_t {
    OpenImage = 0,
    ReloadImage = 1,
    CloseImage = 2,
    UpdateImage = 3,   ///< one channel, planar data
    CreateImage = 4,
    UpdateImageV2 = 5, ///< several channels, planar data
    UpdateImageV3 = 6, ///< several channels, per-channel offset and stride
    OpenImageV2 = 7,   ///< path and channel selector as two strings
    VectorGraphics = 8,
};

/// Every packet starts with its total length (these 4 bytes included),
/// little-endian, then one type byte.
constexpr std::size_t LengthBytes = 4;
constexpr std::size_t MinPacketBytes = LengthBytes + 1;
/// The largest packet accepted: 256 MiB. A whole 4K float32 RGBA image
/// (3840 x 2160 x 4 x 4 bytes = 126.6 MiB) fits in one UpdateImage with room
/// to spare; the bound caps what one connection can make the app buffer
/// before a packet is complete (tev itself takes up to 4 GiB).
constexpr std::size_t MaxPacketBytes = std::size_t(256) << 20;

struct OpenImage {
    bool grabFocus = false;
    std::string path;
    std::string channelSelector; ///< V1: split off the path at its last ':'
};

struct ReloadImage {
    bool grabFocus = false;
    std::string name;
};

struct CloseImage {
    std::string name;
};

struct CreateImage {
    bool grabFocus = false;
    std::string name;
    std::int32_t width = 0;  ///< >= 1
    std::int32_t height = 0; ///< >= 1
    std::vector<std::string> channelNames; ///< 1..MaxChannels names
};

/// A tile of float32 values for the named channels of image `name`. Value
/// `pixel` (= tileX + tileY * width) of channel `c` is float number
/// `offsets[c] + pixel * strides[c]` of `data` (V1 and V2: planar, i.e.
/// offset = c * width * height, stride 1). The parser checked that every such
/// index lies inside the bytes sent, so value() never reads outside them.
///
/// `data` points into the bytes given to parsePacket(): valid while they are.
struct UpdateImage {
    bool grabFocus = false;
    std::string name;
    std::vector<std::string> channelNames;
    std::vector<std::int64_t> offsets; ///< in floats, one per channel
    std::vector<std::int64_t> strides; ///< in floats, one per channel
    std::int32_t x = 0, y = 0;
    std::int32_t width = 0, height = 0; ///< >= 0; an empty tile carries no data
    const unsigned char *data = nullptr; ///< unaligned float32, little-endian
    std::size_t dataFloats = 0;          ///< floats available at `data`

    std::size_t pixelCount() const { return std::size_t(width) * std::size_t(height); }
    /// Float number `index` of the data (unaligned little-endian read;
    /// compilers make it one load).
    float floatAt(std::int64_t index) const
    {
        const unsigned char *p = data + index * std::int64_t(sizeof(float));
        const std::uint32_t bits =
            std::uint32_t(p[0]) | std::uint32_t(p[1]) << 8 | std::uint32_t(p[2]) << 16 | std::uint32_t(p[3]) << 24;
        float value;
        std::memcpy(&value, &bits, sizeof value);
        return value;
    }
    float value(std::size_t channel, std::size_t pixel) const
    {
        return floatAt(offsets[channel] + std::int64_t(pixel) * strides[channel]);
    }
};

/// Accepted and ignored (livepix draws no vector overlays): the header
/// (grabFocus, name, append, nCommands) is read, the commands are not.
struct VectorGraphics {
    bool grabFocus = false;
    std::string name;
};

using PacketBody = std::variant<OpenImage, ReloadImage, CloseImage, CreateImage, UpdateImage, VectorGraphics>;

struct Packet {
    PacketType type = PacketType::OpenImage;
    PacketBody body;
};

/// A parse's outcome: `packet` when ok, else `error` says what was wrong.
struct ParseResult {
    bool ok = false;
    Packet packet;
    std::string error;
};

/// Most channels a CreateImage or UpdateImage may name (livepix::Image's limit).
constexpr std::int32_t MaxChannels = 1024;

/// What the first bytes of a stream say about the next packet.
struct Frame {
    enum class State { NeedMore, Complete, Bad } state = State::NeedMore;
    std::size_t length = 0; ///< the packet's total length (when not NeedMore)
    std::string error;      ///< when Bad: why (too short, too long)
};

/// Reads the length prefix of the packet starting at `data` (`size` bytes
/// received so far): NeedMore until the whole packet is there, Bad as soon
/// as the length is impossible (below MinPacketBytes, above MaxPacketBytes),
/// so a stream is refused before it is buffered.
Frame peekFrame(const unsigned char *data, std::size_t size);

/// Parses one whole packet (`size` must be its length prefix's value).
/// Every count, size and index is checked against the bytes present with
/// overflow-checked arithmetic (livepix/checkedsize.h); a malformed packet
/// gives ok false and a message, never a read outside [data, data + size).
/// Layouts are exactly tev's (src/Ipc.cpp, IStream): bools are one byte, true
/// only when 1; strings end at a NUL; integers are little-endian; trailing
/// bytes after what a type reads are ignored, as tev does.
///
/// Threading: a pure function; call it from any thread.
ParseResult parsePacket(const unsigned char *data, std::size_t size);

/// "UpdateImageV3" etc., for messages.
const char *packetTypeName(PacketType type);

} // namespace livepix::tev
