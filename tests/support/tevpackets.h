#pragma once
// Test-side writer of tev IPC packets, built field by field from tev's
// published layout (include/tev/Ipc.h), deliberately independent of the
// app's parser: [uint32 length incl. itself][uint8 type][payload], little-
// endian, strings NUL-terminated, bools one byte.
#include <QByteArray>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace tevtest {

class Bytes {
public:
    explicit Bytes(std::uint8_t type) { m_b = {0, 0, 0, 0, type}; }
    Bytes &u8(std::uint8_t v)
    {
        m_b.push_back(v);
        return *this;
    }
    Bytes &boolean(bool v) { return u8(v ? 1 : 0); }
    Bytes &str(const std::string &s)
    {
        m_b.insert(m_b.end(), s.begin(), s.end());
        return u8(0);
    }
    Bytes &i32(std::int32_t v) { return little(std::uint64_t(std::uint32_t(v)), 4); }
    Bytes &i64(std::int64_t v) { return little(std::uint64_t(v), 8); }
    Bytes &f32(float v)
    {
        std::uint32_t bits;
        std::memcpy(&bits, &v, 4);
        return little(bits, 4);
    }
    /// The packet, its length prefix set to its size (or to `length`).
    std::vector<unsigned char> done(std::int64_t length = -1) const
    {
        std::vector<unsigned char> out = m_b;
        const auto n = std::uint32_t(length < 0 ? out.size() : std::uint64_t(length));
        for (int i = 0; i < 4; ++i)
            out[std::size_t(i)] = static_cast<unsigned char>(n >> (8 * i));
        return out;
    }
    QByteArray bytes(std::int64_t length = -1) const
    {
        const auto p = done(length);
        return QByteArray(reinterpret_cast<const char *>(p.data()), qsizetype(p.size()));
    }

private:
    Bytes &little(std::uint64_t v, int n)
    {
        for (int i = 0; i < n; ++i)
            m_b.push_back(static_cast<unsigned char>(v >> (8 * i)));
        return *this;
    }
    std::vector<unsigned char> m_b;
};

inline QByteArray createImage(const std::string &name, int width, int height, const std::vector<std::string> &channels,
                              bool grabFocus = true)
{
    Bytes b(4);
    b.boolean(grabFocus).str(name).i32(width).i32(height).i32(std::int32_t(channels.size()));
    for (const auto &c : channels)
        b.str(c);
    return b.bytes();
}

/// UpdateImageV3 of a w x h tile at (x, y), interleaved: channel c of pixel p
/// is value(c, p), stored at c + p * channels.
template <typename Value>
QByteArray updateV3(const std::string &name, const std::vector<std::string> &channels, int x, int y, int w, int h,
                    Value value)
{
    Bytes b(6);
    const auto n = std::int32_t(channels.size());
    b.boolean(false).str(name).i32(n);
    for (const auto &c : channels)
        b.str(c);
    b.i32(x).i32(y).i32(w).i32(h);
    for (std::int32_t c = 0; c < n; ++c)
        b.i64(c);
    for (std::int32_t c = 0; c < n; ++c)
        b.i64(n);
    for (int p = 0; p < w * h; ++p)
        for (std::int32_t c = 0; c < n; ++c)
            b.f32(value(c, p));
    return b.bytes();
}

inline QByteArray closeImage(const std::string &name) { return Bytes(2).str(name).bytes(); }
inline QByteArray reloadImage(const std::string &name, bool grabFocus = true)
{
    return Bytes(1).boolean(grabFocus).str(name).bytes();
}

} // namespace tevtest
