// Fuzz target: loading an image from bytes (loadImageFromMemory, the same
// decoder path as loadImage). Input: an optional name hint, then the bytes:
// "png\n<file bytes>" reads the bytes with the PNG reader; without a newline
// in the first 9 bytes every byte is image data and no reader is hinted.
// A clear ImageError is the expected outcome for bad bytes; anything else
// (a crash, a sanitizer report, another exception) is a finding.
#include <livepix/imageerror.h>
#include <livepix/imageio.h>

#include <OpenImageIO/imageio.h>
#include <OpenImageIO/strutil.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

// Only the hinted reader runs: OpenImageIO's own search through every other
// reader is not livepix code and would cost most of each run's time.
extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    OIIO::attribute("try_all_readers", 0);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    std::string hint;
    constexpr std::size_t maxHint = 8;
    if (const void *newline = std::memchr(data, '\n', size < maxHint + 1 ? size : maxHint + 1)) {
        const std::size_t length = static_cast<const std::uint8_t *>(newline) - data;
        hint.assign(reinterpret_cast<const char *>(data), length);
        data += length + 1;
        size -= length + 1;
    }
    // OpenImageIO 2.4.7's IFF reader frees a buffer it did not allocate
    // (IffInput::readimg, then ~IffInput) on damaged tiles: a crash inside
    // OpenImageIO, input kept in fuzz/oiio-crashes/. Skipped so the other
    // readers get fuzzed past it.
    if (OIIO::Strutil::iends_with(hint, "iff"))
        return 0;
    try {
        livepix::ImageFileInfo info;
        const livepix::Image image =
            livepix::loadImageFromMemory(data, size, hint, [](float) { return true; }, &info);
        // Everything a caller reads next must be consistent with the pixels.
        if (image.isNull() || image.width() <= 0 || image.height() <= 0 ||
            static_cast<int>(image.channelNames().size()) != image.channels() || info.subimages < 1)
            __builtin_trap();
        const std::uint8_t *last = image.pixel(image.width() - 1, image.height() - 1);
        volatile std::uint8_t touch = last[image.xStride() - 1]; // ASan: the buffer holds every pixel
        (void)touch;
    } catch (const livepix::ImageError &) {
    }
    return 0;
}
