// Fuzz target: tev's IPC packets (livepix::tev::peekFrame and parsePacket,
// what `livepix --tev` runs on every byte a client sends). The input is a
// stream, cut into packets the way TevServer does; the values a parsed
// UpdateImage promises are read (both ends of every channel), so ASan sees
// any index outside the packet.
// A malformed packet must end the stream with an error, never a crash.
#include "attach/tevprotocol.h"

#include <cstddef>
#include <cstdint>
#include <variant>

using namespace livepix::tev;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    std::size_t pos = 0;
    volatile float sink = 0.0f;
    while (pos < size) {
        const Frame frame = peekFrame(data + pos, size - pos);
        if (frame.state != Frame::State::Complete)
            break;
        const ParseResult parsed = parsePacket(data + pos, frame.length);
        if (!parsed.ok) {
            if (parsed.error.empty())
                __builtin_trap(); // a refusal must say why
            break;
        }
        if (const auto *u = std::get_if<UpdateImage>(&parsed.packet.body)) {
            // Indices are linear in the pixel, so the first and last pixel
            // bound them all; a few thousand more keep each run fast (a stride
            // of 0 lets a tiny packet describe a tile of 2^31 pixels).
            const std::size_t pixels = u->pixelCount();
            for (std::size_t c = 0; c < u->channelNames.size(); ++c) {
                for (std::size_t p = 0; p < pixels && p < 4096; ++p)
                    sink = sink + u->value(c, p);
                if (pixels > 0)
                    sink = sink + u->value(c, pixels - 1);
            }
        }
        pos += frame.length;
    }
    return 0;
}
