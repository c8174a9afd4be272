#include "livepix/imageio.h"

#include "livepix/imageerror.h"

#include <OpenImageIO/imageio.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <random>
#include <set>
#include <sys/stat.h>
#include <unistd.h>

namespace OIIO = OIIO_NAMESPACE;
namespace fs = std::filesystem;

namespace livepix {

namespace {

// Which kept dtype a file's component type becomes. Signed and wider types
// have no exact home, so they go to the float type that holds their range.
DType keptType(OIIO::TypeDesc format, std::string *sourceType)
{
    switch (format.basetype) {
    case OIIO::TypeDesc::UINT8: return DType::UInt8;
    case OIIO::TypeDesc::UINT16: return DType::UInt16;
    case OIIO::TypeDesc::HALF: return DType::Float16;
    case OIIO::TypeDesc::FLOAT: return DType::Float32;
    case OIIO::TypeDesc::INT8:
        *sourceType = "int8";
        return DType::Float16;
    case OIIO::TypeDesc::INT16:
        *sourceType = "int16";
        return DType::Float32;
    case OIIO::TypeDesc::UINT32:
        *sourceType = "uint32";
        return DType::Float32;
    case OIIO::TypeDesc::INT32:
        *sourceType = "int32";
        return DType::Float32;
    case OIIO::TypeDesc::DOUBLE:
        *sourceType = "float64";
        return DType::Float32;
    default:
        *sourceType = format.c_str();
        return DType::Float32;
    }
}

OIIO::TypeDesc oiioType(DType type)
{
    switch (type) {
    case DType::UInt8: return OIIO::TypeDesc::UINT8;
    case DType::UInt16: return OIIO::TypeDesc::UINT16;
    case DType::Float16: return OIIO::TypeDesc::HALF;
    case DType::Float32: return OIIO::TypeDesc::FLOAT;
    }
    return OIIO::TypeDesc::UINT8;
}

// OpenImageIO's messages often repeat the file name or end with a newline;
// keep the reason short and readable.
std::string cleanReason(std::string message, const std::string &path)
{
    while (!message.empty() && (message.back() == '\n' || message.back() == ' '))
        message.pop_back();
    const auto newline = message.find('\n');
    if (newline != std::string::npos)
        message = message.substr(0, newline);
    if (message.empty())
        message = "unknown error";
    (void)path;
    return message;
}

// Attributes OpenImageIO derives from the pixels or the layout; writing them
// back would be wrong (the pixels may have been edited) or meaningless.
bool isDerivedAttribute(const std::string &name)
{
    static const std::set<std::string> skip = {"oiio:UnassociatedAlpha", "oiio:BitsPerSample",
                                               "oiio:ColorSpace", "oiio:Gamma",
                                               "oiio:SHA-1", "tiff:RowsPerStrip",
                                               "PixelAspectRatio", "oiio:subimages",
                                               "tiff:PhotometricInterpretation", "tiff:PlanarConfiguration",
                                               "oiio:Movie", "oiio:LoopCount", "FramesPerSecond",
                                               "png:bKGD", "tiff:Compression", "planarconfig"};
    return skip.count(name) > 0 || name.rfind("livepix:", 0) == 0;
}

} // namespace

Image loadImage(const std::string &path, const ProgressCallback &progress, ImageFileInfo *info)
{
    std::error_code ec;
    if (!fs::exists(path, ec))
        throw ImageError(path, "no such file");
    if (fs::is_directory(path, ec))
        throw ImageError(path, "is a folder, not an image");
    if (::access(path.c_str(), R_OK) != 0)
        throw ImageError(path, std::string("cannot read: ") + std::strerror(errno));

    // Keep alpha straight: OpenImageIO premultiplies by default.
    OIIO::ImageSpec config;
    config.attribute("oiio:UnassociatedAlpha", 1);
    auto input = OIIO::ImageInput::open(path, &config);
    if (!input) {
        std::string reason = cleanReason(OIIO::geterror(), path);
        if (reason.find("not a file format") != std::string::npos ||
            reason.find("could not find a format reader") != std::string::npos ||
            reason.find("Could not open") != std::string::npos || reason.find("ould not find") != std::string::npos)
            reason = "not an image file livepix can read (" + reason + ")";
        throw ImageError(path, reason);
    }

    const OIIO::ImageSpec &spec = input->spec();
    if (spec.depth > 1)
        throw ImageError(path, "volume images (depth " + std::to_string(spec.depth) + ") are not supported");
    if (spec.width <= 0 || spec.height <= 0 || spec.nchannels <= 0)
        throw ImageError(path, "the file describes an empty image (" + std::to_string(spec.width) + "x" +
                                   std::to_string(spec.height) + ", " + std::to_string(spec.nchannels) +
                                   " channels)");
    if (spec.nchannels > Image::maxChannels)
        throw ImageError(path, "too many channels (" + std::to_string(spec.nchannels) + ")");

    // Channels may have different formats (EXR); take the widest for the image.
    OIIO::TypeDesc format = spec.format;
    for (const auto &f : spec.channelformats)
        if (f.size() > format.size() || (f.is_floating_point() && !format.is_floating_point()))
            format = f;
    std::string sourceType;
    const DType type = keptType(format, &sourceType);

    Image image;
    try {
        image = Image::create(spec.width, spec.height, spec.nchannels, type);
    } catch (const std::bad_alloc &) {
        throw ImageError(path, "not enough memory for a " + std::to_string(spec.width) + "x" +
                                   std::to_string(spec.height) + " image with " + std::to_string(spec.nchannels) +
                                   " channels");
    }

    struct ProgressState {
        const ProgressCallback *callback;
        bool cancelled = false;
    } state{&progress};
    auto oiioProgress = [](void *opaque, float done) -> bool {
        auto *s = static_cast<ProgressState *>(opaque);
        if (*s->callback && !(*s->callback)(done)) {
            s->cancelled = true;
            return true; // non-zero return asks OpenImageIO to stop
        }
        return false;
    };

    // Decode straight into the padded rows of the new buffer.
    const bool ok = input->read_image(0, 0, 0, spec.nchannels, oiioType(type), image.data(), image.xStride(),
                                      image.yStride(), OIIO::AutoStride, progress ? +oiioProgress : nullptr,
                                      progress ? &state : nullptr);
    // Some readers (JPEG, PNG) report truncation only as a warning in the error
    // queue while returning true; a pending error means the pixels are not whole.
    const std::string pending = input->has_error() ? input->geterror() : std::string();
    if (state.cancelled)
        throw ImageError(path, "cancelled");
    if (!ok || !pending.empty()) {
        std::string reason = cleanReason(pending.empty() ? OIIO::geterror() : pending, path);
        throw ImageError(path, "corrupt or truncated image data (" + reason + ")");
    }

    std::vector<std::string> names;
    for (int c = 0; c < spec.nchannels; ++c) {
        std::string name = c < static_cast<int>(spec.channelnames.size()) ? spec.channelnames[c] : std::string();
        names.push_back(name.empty() ? Image::defaultChannelNames(spec.nchannels)[c] : name);
    }
    image.setChannelNames(names);
    image.setPath(path);
    image.setSourceType(sourceType);

    for (const auto &param : spec.extra_attribs) {
        const std::string name = param.name().string();
        if (isDerivedAttribute(name))
            continue;
        image.metadata().set(name, param.get_string(0), param.type().c_str());
    }
    if (spec.x != 0 || spec.y != 0)
        image.metadata().set("livepix:origin", std::to_string(spec.x) + " " + std::to_string(spec.y));
    if (spec.full_x != spec.x || spec.full_y != spec.y || spec.full_width != spec.width ||
        spec.full_height != spec.height)
        image.metadata().set("livepix:display_window",
                             std::to_string(spec.full_x) + " " + std::to_string(spec.full_y) + " " +
                                 std::to_string(spec.full_width) + " " + std::to_string(spec.full_height));

    if (info) {
        int count = 0;
        // Counting by seeking is what every reader supports; "oiio:subimages" only some set.
        while (input->seek_subimage(count, 0))
            ++count;
        info->subimages = std::max(1, count);
        info->formatName = input->format_name();
    }
    input->close();
    image.markChanged();
    return image;
}

void saveImage(const Image &image, const std::string &path, const SaveOptions &options)
{
    if (image.isNull())
        throw ImageError(path, "nothing to save: the image is empty");
    const fs::path target(path);
    const fs::path folder = target.has_parent_path() ? target.parent_path() : fs::path(".");
    std::error_code ec;
    if (!fs::is_directory(folder, ec))
        throw ImageError(path, "the folder " + folder.string() + " does not exist");
    if (::access(folder.c_str(), W_OK) != 0)
        throw ImageError(path, "cannot write to the folder " + folder.string() + ": " + std::strerror(errno));
    if (fs::is_directory(target, ec))
        throw ImageError(path, "is a folder");

    // The writer is chosen by the target's name; the bytes go to a temporary
    // file beside it, renamed over the target only when complete.
    auto output = OIIO::ImageOutput::create(path);
    if (!output) {
        const std::string ext = target.extension().string();
        throw ImageError(path, ext.empty() ? std::string("no file extension to choose a format from")
                                           : "no writer for '" + ext + "' files");
    }

    int channels = image.channels();
    const int alpha = image.alphaChannel() >= 0 ? image.alphaChannel()
                                                : (channels == 2 || channels == 4 ? channels - 1 : -1);
    if (!output->supports("alpha") && alpha == channels - 1 && (channels == 2 || channels == 4))
        channels -= 1; // JPEG and friends: write colour, drop alpha
    if (!output->supports("nchannels") && channels > 4)
        throw ImageError(path, "the " + std::string(output->format_name()) + " format cannot store " +
                                   std::to_string(channels) + " channels");

    OIIO::ImageSpec spec(image.width(), image.height(), channels, oiioType(image.dtype()));
    for (int c = 0; c < channels; ++c)
        spec.channelnames[c] = image.channelNames()[c];
    spec.alpha_channel = (alpha >= 0 && alpha < channels) ? alpha : -1;
    for (const auto &entry : image.metadata().entries()) {
        if (isDerivedAttribute(entry.name))
            continue;
        spec.attribute(entry.name, OIIO::TypeDesc(entry.type), entry.value);
    }
    if (auto origin = image.metadata().get("livepix:origin"))
        std::sscanf(origin->c_str(), "%d %d", &spec.x, &spec.y);
    spec.full_x = spec.x;
    spec.full_y = spec.y;
    spec.full_width = spec.width;
    spec.full_height = spec.height;
    if (auto window = image.metadata().get("livepix:display_window"))
        std::sscanf(window->c_str(), "%d %d %d %d", &spec.full_x, &spec.full_y, &spec.full_width, &spec.full_height);
    spec.attribute("oiio:UnassociatedAlpha", 1);
    for (const auto &[key, value] : options) {
        if (key == "quality") {
            int q = 0;
            try {
                q = std::stoi(value);
            } catch (...) {
                q = -1;
            }
            if (q < 1 || q > 100)
                throw ImageError(path, "quality must be 1..100, got '" + value + "'");
            spec.attribute("CompressionQuality", q);
            const std::string current = spec.get_string_attribute("compression");
            spec.attribute("compression", std::string(output->format_name()) == "jpeg"
                                              ? "jpeg:" + std::to_string(q)
                                              : (current.empty() ? std::string() : current));
        } else if (key == "compression") {
            spec.attribute("compression", value);
        } else {
            spec.attribute(key, value);
        }
    }

    static std::mt19937_64 rng{std::random_device{}()};
    const std::string tmpName =
        "." + target.filename().string() + ".livepix-" + std::to_string(rng() % 1000000000ULL) + ".tmp";
    const fs::path tmpPath = folder / tmpName;
    auto fail = [&](const std::string &reason) {
        std::error_code ignore;
        fs::remove(tmpPath, ignore);
        throw ImageError(path, reason);
    };

    if (!output->open(tmpPath.string(), spec)) {
        std::string reason = output->geterror();
        fail("cannot write: " + cleanReason(reason, path));
    }
    const bool wrote = output->write_image(oiioType(image.dtype()), image.data(), image.xStride(), image.yStride());
    const std::string writeError = wrote ? std::string() : output->geterror();
    const bool closed = output->close();
    if (!wrote)
        fail("writing failed: " + cleanReason(writeError, path));
    if (!closed)
        fail("writing failed: " + cleanReason(output->geterror(), path));

    // Keep an existing file's permissions.
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0)
        ::chmod(tmpPath.c_str(), st.st_mode & 07777);
    if (std::rename(tmpPath.c_str(), path.c_str()) != 0)
        fail(std::string("cannot replace the file: ") + std::strerror(errno));
}

namespace {
std::vector<std::string> extensionsWith(const char *attributeName)
{
    // "extension_list" is "png:png;jpeg:jpg,jpe,jpeg;..."; the format lists
    // say which of those formats can read or write.
    const std::string list = OIIO::get_string_attribute("extension_list");
    const std::string formats = OIIO::get_string_attribute(attributeName);
    std::set<std::string> allowed;
    std::size_t start = 0;
    while (start <= formats.size()) {
        std::size_t end = formats.find(',', start);
        if (end == std::string::npos)
            end = formats.size();
        allowed.insert(formats.substr(start, end - start));
        start = end + 1;
    }
    std::vector<std::string> result;
    start = 0;
    while (start < list.size()) {
        std::size_t end = list.find(';', start);
        if (end == std::string::npos)
            end = list.size();
        const std::string item = list.substr(start, end - start);
        const auto colon = item.find(':');
        if (colon != std::string::npos && allowed.count(item.substr(0, colon))) {
            std::size_t s = colon + 1;
            while (s <= item.size()) {
                std::size_t e = item.find(',', s);
                if (e == std::string::npos)
                    e = item.size();
                if (e > s)
                    result.push_back(item.substr(s, e - s));
                s = e + 1;
            }
        }
        start = end + 1;
    }
    std::sort(result.begin(), result.end());
    result.erase(std::unique(result.begin(), result.end()), result.end());
    return result;
}
} // namespace

std::vector<std::string> readableExtensions()
{
    return extensionsWith("input_format_list");
}

std::vector<std::string> writableExtensions()
{
    return extensionsWith("output_format_list");
}

} // namespace livepix
