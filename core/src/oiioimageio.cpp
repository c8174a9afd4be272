// The OpenImageIO-backed image I/O: the whole of liblivepix_io, which core
// loads with dlopen on first use (imageio.cpp), so that starting the app,
// `livepix --version` or `import livepix` does not load OpenImageIO and the
// 260 libraries it links. Nothing here is called directly; the table at the
// end is the library's one entry point.
#include "imageiobackend.h"

#include "livepix/imageio.h"

#include "livepix/checkedsize.h"
#include "livepix/contenthash.h"
#include "livepix/imageerror.h"
#include "livepix/pinnedrows.h"
#include "livepix/writetracker.h"

#include <OpenImageIO/filesystem.h>
#include <OpenImageIO/imageio.h>
#include <OpenImageIO/strutil.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <memory>
#include <random>
#include <set>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace OIIO = OIIO_NAMESPACE;
namespace fs = std::filesystem;

// The definitions live in their own namespace so that they do not clash
// with core's forwarding functions of the same names (imageio.h).
namespace livepix::openimageio {

namespace {

// Which kept dtype a file's component type becomes. Signed and wider types
// have no exact home, so they go to the float type that holds their range;
// OpenImageIO scales integers to [0, 1] (unsigned) or about [-1, 1] (signed)
// on the way, as documented in imageio.h.
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
    case OIIO::TypeDesc::UINT64:
        *sourceType = "uint64";
        return DType::Float32;
    case OIIO::TypeDesc::INT64:
        *sourceType = "int64";
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

void replaceAll(std::string &text, const std::string &from, const std::string &to)
{
    if (from.empty())
        return;
    for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
        text.replace(at, from.size(), to);
}

// OpenImageIO's messages often repeat the file name (quoted, in brackets) and
// end with a newline. ImageError already names the file, so keep only the
// first line of the reason, without the path.
std::string cleanReason(std::string message, const std::string &path)
{
    const auto newline = message.find_first_of("\r\n");
    if (newline != std::string::npos && newline > 0)
        message.erase(newline);
    const std::string name = fs::path(path).filename().string();
    for (const std::string &p : {path, name}) {
        replaceAll(message, " (\"" + p + "\")", "");
        replaceAll(message, "(\"" + p + "\")", "");
        replaceAll(message, " \"" + p + "\"", "");
        replaceAll(message, "\"" + p + "\"", "");
        replaceAll(message, " '" + p + "'", "");
        replaceAll(message, p + ": ", "");
    }
    replaceAll(message, " .", ".");
    replaceAll(message, "  ", " ");
    while (!message.empty() && (message.back() == ' ' || message.back() == '\n' || message.back() == ':'))
        message.pop_back();
    while (!message.empty() && message.front() == ' ')
        message.erase(0, 1);
    return message;
}

// A reason a user can act on, from a decoder's message: truncated files and
// damaged files are told apart from files that are not images at all.
std::string describeDecoderError(const std::string &detail, bool readingPixels, bool signatureMatches = false)
{
    if (detail.empty())
        return "the file is damaged or truncated (the decoder gives no details)";
    std::string lower = detail;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    auto has = [&](const char *word) { return lower.find(word) != std::string::npos; };
    if (has("could not find a format reader"))
        return "not an image livepix can read (no reader recognises the file)";
    if (has("crc") || has("corrupt") || has("damaged") || has("incorrect") || has("invalid") || has("bad "))
        return "the file is damaged (" + detail + ")";
    if (has("end of file") || has("premature end") || has("truncat") || has("end of stream") ||
        has("read error") || has("short read"))
        return "the file is truncated (" + detail + ")";
    if (readingPixels || signatureMatches)
        return "the file is damaged (" + detail + ")";
    return "not an image livepix can read (" + detail + ")";
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

// Attributes kept on load for the user to read but never written back:
// OpenImageIO decodes the ICC profile into these; the profile itself
// ("ICCProfile") is written back.
bool isReadOnlyAttribute(const std::string &name)
{
    return name.rfind("ICCProfile:", 0) == 0;
}

// Writes a metadata entry back with the type it was read with. Numbers and
// numeric arrays (an ICC profile is uint8[N], a matrix is 16 floats) are
// parsed from their text form here: OpenImageIO's string overload only parses
// single values.
void setAttribute(OIIO::ImageSpec &spec, const MetadataEntry &entry)
{
    const OIIO::TypeDesc type(entry.type);
    if (type == OIIO::TypeDesc::UNKNOWN || type.basetype == OIIO::TypeDesc::STRING ||
        type.basetype == OIIO::TypeDesc::PTR || type.basetype == OIIO::TypeDesc::NONE) {
        if (type == OIIO::TypeDesc::UNKNOWN || type == OIIO::TypeDesc::STRING)
            spec.attribute(entry.name, entry.value);
        return; // string arrays and pointers do not come back from text
    }
    // No reserve(count): the type string comes from a file or a script and
    // may claim billions of values; the text bounds what is parsed.
    const std::size_t count = type.basevalues();
    std::vector<double> values;
    const char *text = entry.value.c_str();
    while (*text) {
        char *end = nullptr;
        const double v = std::strtod(text, &end);
        if (end == text)
            break;
        values.push_back(v);
        text = end;
        while (*text == ',' || *text == ' ')
            ++text;
    }
    if (values.size() != count || *text != '\0')
        return; // not the text form of this type: leave it out rather than write garbage
    std::vector<unsigned char> bytes(type.size());
    const OIIO::TypeDesc element(OIIO::TypeDesc::BASETYPE(type.basetype));
    for (std::size_t i = 0; i < count; ++i) {
        unsigned char *at = bytes.data() + i * element.size();
        const double v = values[i];
        switch (type.basetype) {
        case OIIO::TypeDesc::UINT8: *at = static_cast<std::uint8_t>(v); break;
        case OIIO::TypeDesc::INT8: *reinterpret_cast<std::int8_t *>(at) = static_cast<std::int8_t>(v); break;
        case OIIO::TypeDesc::UINT16: *reinterpret_cast<std::uint16_t *>(at) = static_cast<std::uint16_t>(v); break;
        case OIIO::TypeDesc::INT16: *reinterpret_cast<std::int16_t *>(at) = static_cast<std::int16_t>(v); break;
        case OIIO::TypeDesc::UINT32: *reinterpret_cast<std::uint32_t *>(at) = static_cast<std::uint32_t>(v); break;
        case OIIO::TypeDesc::INT32: *reinterpret_cast<std::int32_t *>(at) = static_cast<std::int32_t>(v); break;
        case OIIO::TypeDesc::UINT64: *reinterpret_cast<std::uint64_t *>(at) = static_cast<std::uint64_t>(v); break;
        case OIIO::TypeDesc::INT64: *reinterpret_cast<std::int64_t *>(at) = static_cast<std::int64_t>(v); break;
        case OIIO::TypeDesc::HALF: *reinterpret_cast<float16 *>(at) = float16(static_cast<float>(v)); break;
        case OIIO::TypeDesc::FLOAT: *reinterpret_cast<float *>(at) = static_cast<float>(v); break;
        case OIIO::TypeDesc::DOUBLE: *reinterpret_cast<double *>(at) = v; break;
        default: return;
        }
    }
    spec.attribute(entry.name, type, bytes.data());
}

// Rows per read_scanlines/read_tiles call. OpenImageIO converts each call's
// rows through a scratch buffer (up to 64 MB) when the stored type or layout
// differs from ours, so reading in bands of a few MB keeps the peak close to
// the image itself. Bands follow the file's own blocks (tiles, TIFF strips,
// EXR line blocks) so no block is decoded twice.
int rowsPerBand(const OIIO::ImageSpec &spec, const std::string &formatName)
{
    // In 64 bits: a header may claim a block of up to INT_MAX rows, and
    // rounding up to whole blocks must not overflow.
    constexpr std::size_t targetBytes = std::size_t(4) << 20;
    const std::size_t rowBytes = std::max<std::size_t>(1, spec.scanline_bytes(true));
    std::int64_t rows = std::int64_t(std::clamp<std::size_t>(targetBytes / rowBytes, 1, std::size_t(spec.height)));
    std::int64_t block = 1;
    if (spec.tile_width > 0) {
        block = std::max(1, spec.tile_height);
    } else if (int strip = spec.get_int_attribute("tiff:RowsPerStrip", 0); strip > 0) {
        block = strip;
    } else if (formatName == "openexr") {
        // Lines per compressed block, from the OpenEXR file layout.
        const std::string compression = spec.get_string_attribute("compression");
        if (compression == "zip" || compression == "pxr24")
            block = 16;
        else if (compression == "piz" || compression == "b44" || compression == "b44a" || compression == "dwaa")
            block = 32;
        else if (compression == "dwab")
            block = 256;
    }
    rows = (rows + block - 1) / block * block;
    return int(std::min<std::int64_t>(rows, spec.height));
}

// The first subimage with pixels: a FITS file's primary header often has
// none and the image follows in an extension.
int firstSubimageWithPixels(OIIO::ImageInput &input)
{
    for (int s = 0; s < 64 && input.seek_subimage(s, 0); ++s) {
        const OIIO::ImageSpec &spec = input.spec();
        if (spec.width > 0 && spec.height > 0 && spec.nchannels > 0)
            return s;
    }
    input.seek_subimage(0, 0);
    return 0;
}

std::string gibibytes(double bytes)
{
    char text[32];
    std::snprintf(text, sizeof text, "%.1f", bytes / double(1u << 30));
    return text;
}

// Permission check with the effective user, the one open() will use.
bool accessible(const fs::path &path, int mode)
{
    return ::faccessat(AT_FDCWD, path.c_str(), mode, AT_EACCESS) == 0;
}

// A file name no other writer will pick: pid, a per-process counter and a
// per-thread random number (saveImage may run on several threads at once).
fs::path temporaryPathBeside(const fs::path &target)
{
    static std::atomic<unsigned> counter{0};
    thread_local std::mt19937 rng{std::random_device{}()};
    const fs::path folder = target.has_parent_path() ? target.parent_path() : fs::path(".");
    return folder / ("." + target.filename().string() + ".livepix-" + std::to_string(::getpid()) + "-" +
                     std::to_string(counter.fetch_add(1)) + "-" + std::to_string(rng() % 100000) + ".tmp");
}

// What kind of file a stat() result describes, for "not a regular file: ...".
const char *specialFileKind(mode_t mode)
{
    if (S_ISCHR(mode))
        return "character device";
    if (S_ISBLK(mode))
        return "block device";
    if (S_ISFIFO(mode))
        return "FIFO (named pipe)";
    if (S_ISSOCK(mode))
        return "socket";
    return "special file";
}

// Everything a load refuses before any byte is read. Only regular files go
// on: opening a FIFO with no writer blocks forever, a device like /dev/zero
// never ends, a socket cannot be opened at all. stat() follows symbolic
// links, so a link to a device is refused the same way.
void checkLoadable(const std::string &path)
{
    if (path.empty())
        throw ImageError(path, "no file name given");
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        if (errno == ENOENT || errno == ENOTDIR)
            throw ImageError(path, "no such file");
        throw ImageError(path, std::string("cannot read the file: ") + std::strerror(errno));
    }
    if (S_ISDIR(st.st_mode))
        throw ImageError(path, "this is a folder, not an image");
    if (!S_ISREG(st.st_mode))
        throw ImageError(path, std::string("not a regular file: ") + specialFileKind(st.st_mode));
    if (!accessible(path, R_OK))
        throw ImageError(path, std::string("cannot read the file: ") + std::strerror(errno));
    if (st.st_size == 0)
        throw ImageError(path, "the file is empty");
}

// What names bytes in memory: the caller's hint, with an extension so that
// OpenImageIO tries the hinted reader first ("png" and ".png" become
// "image.png"; without a hint every reader is tried).
std::string memoryName(const std::string &hint)
{
    if (hint.empty())
        return "<memory>";
    if (fs::path(hint).has_extension())
        return hint;
    return "image." + hint.substr(std::min(hint.find_first_not_of('.'), hint.size()));
}

// The name OpenImageIO opens. Bytes in memory open under a name no file can
// have ("/dev/null/..." fails with ENOTDIR): readers without memory support,
// which OpenImageIO tries while it looks for one, then never read a file of
// the hint's name.
std::string openNameFor(const std::string &path, const OIIO::Filesystem::IOProxy *memory)
{
    return memory ? "/dev/null/" + path : path;
}

// Opens `path`, or with `memory` the bytes behind it (`path` then only picks
// the reader to try first and names the source in errors).
std::unique_ptr<OIIO::ImageInput> openInput(const std::string &path, OIIO::Filesystem::IOProxy *memory)
{
    // OpenImageIO's global error queue (per thread) may hold a message from
    // an earlier failure; start clean so a reason never describes another file.
    (void)OIIO::geterror();

    // Keep alpha straight: OpenImageIO premultiplies by default.
    OIIO::ImageSpec config;
    config.attribute("oiio:UnassociatedAlpha", 1);
    const std::string openName = openNameFor(path, memory);
    if (memory)
        config.attribute("oiio:ioproxy", OIIO::TypeDesc::PTR, &memory);
    auto input = OIIO::ImageInput::open(openName, &config, memory);
    if (!input) {
        const std::string detail = cleanReason(OIIO::geterror(), openName);
        // A file that starts like its extension's format but does not open is
        // damaged, not "not an image". (OpenImageIO 2.4 has no valid_file()
        // for memory: bytes get the decoder's words only.)
        auto reader = memory ? nullptr : OIIO::ImageInput::create(path, false);
        const bool signatureMatches = reader && reader->valid_file(path);
        (void)OIIO::geterror(); // the probe's own complaints are not the reason
        throw ImageError(path, describeDecoderError(detail, false, signatureMatches));
    }
    // Only readers that read the bytes: OpenImageIO's "null" reader claims
    // memory support but makes an image up from the name alone.
    if (memory && (!input->supports("ioproxy") || std::strcmp(input->format_name(), "null") == 0))
        throw ImageError(path, std::string("the ") + input->format_name() + " reader cannot read from memory");
    return input;
}

// Checks a header's layout before anything is allocated, and returns the
// dtype the image will have. A header can claim any size: every sum and
// product below is checked, and what this computer cannot hold is refused
// rather than letting the decoder fill pages until the system kills us.
DType checkLayout(const std::string &path, const OIIO::ImageSpec &spec, std::string *sourceType)
{
    const std::string layout = std::to_string(spec.width) + "x" + std::to_string(spec.height) + ", " +
                               std::to_string(spec.nchannels) + " channels";
    if (spec.width <= 0 || spec.height <= 0 || spec.nchannels <= 0)
        throw ImageError(path, "the file holds no pixels (" + layout + ")");
    if (spec.depth > 1)
        throw ImageError(path, "volume images (depth " + std::to_string(spec.depth) + ") are not supported");
    if (spec.deep)
        throw ImageError(path, "deep images (several samples per pixel) are not supported");
    if (spec.nchannels > Image::maxChannels)
        throw ImageError(path, "too many channels (" + std::to_string(spec.nchannels) + "; livepix opens up to " +
                                   std::to_string(Image::maxChannels) + ")");
    // The reader is asked for pixels x .. x + width, y .. y + height and
    // z .. z + 1, in int.
    if (std::int64_t(spec.x) + spec.width > INT_MAX || std::int64_t(spec.y) + spec.height > INT_MAX ||
        std::int64_t(spec.z) + 1 > INT_MAX)
        throw ImageError(path, "the data window (origin " + std::to_string(spec.x) + ", " + std::to_string(spec.y) +
                                   ", size " + layout + ") ends beyond the largest coordinate, " +
                                   std::to_string(INT_MAX));

    // Channels may have different formats (EXR); take the widest for the image.
    OIIO::TypeDesc format = spec.format;
    for (const auto &f : spec.channelformats)
        if (f.size() > format.size() || (f.is_floating_point() && !format.is_floating_point()))
            format = f;
    const DType type = keptType(format, sourceType);

    std::size_t needed = 0;
    try {
        needed = imageByteCount(spec.width, spec.height, spec.nchannels, type);
    } catch (const std::invalid_argument &e) {
        throw ImageError(path, e.what()); // "a <layout> is too large: <the sum that overflows>"
    }
    const double physical = double(::sysconf(_SC_PHYS_PAGES)) * double(::sysconf(_SC_PAGESIZE));
    if (physical > 0 && double(needed) > physical)
        throw ImageError(path, "the image is too large: " + layout + " needs " + gibibytes(double(needed)) +
                                   " GiB, more than this computer's memory (" + gibibytes(physical) + " GiB)");
    return type;
}

// Decodes straight into the padded rows of `image`, band by band. A decoder
// error in any band rejects the whole image: some readers (JPEG, PNG) report
// truncation only in the error queue while returning true, so the queue is
// checked too.
void readPixels(const std::string &path, const std::string &openName, OIIO::ImageInput &input, int subimage,
                const OIIO::ImageSpec &spec, const Image &image, const ProgressCallback &progress)
{
    const OIIO::TypeDesc type = oiioType(image.dtype());
    const int band = rowsPerBand(spec, input.format_name());
    // checkLayout() made sure spec.y + spec.height fits in an int.
    for (int y = 0; y < spec.height; y += std::min(band, spec.height - y)) {
        const int rows = std::min(band, spec.height - y);
        const bool ok = spec.tile_width > 0
                            ? input.read_tiles(subimage, 0, spec.x, spec.x + spec.width, spec.y + y,
                                               spec.y + y + rows, spec.z, spec.z + 1, 0, spec.nchannels, type,
                                               image.row(y), image.xStride(), image.yStride(), OIIO::AutoStride)
                            : input.read_scanlines(subimage, 0, spec.y + y, spec.y + y + rows, spec.z, 0,
                                                   spec.nchannels, type, image.row(y), image.xStride(),
                                                   image.yStride());
        const std::string pending = input.has_error() ? input.geterror() : std::string();
        if (!ok || !pending.empty()) {
            const std::string detail = pending.empty() ? OIIO::geterror() : pending;
            throw ImageError(path, describeDecoderError(cleanReason(detail, openName), true));
        }
        if (progress && !progress(float(y + rows) / float(spec.height)))
            throw ImageError(path, "cancelled");
    }
}

// A copy of the text of one of OpenImageIO's interned strings (ustring: an
// attribute's name, a type's name). Threading: OpenImageIO interns each text
// once, in a table under its own lock, and never changes it, so any thread
// may read a ustring it was handed. Read its characters (c_str(), written by
// OpenImageIO itself), not ustring::string(): that std::string is filled
// through libstdc++, whose write ThreadSanitizer records while the table's
// lock stays out of its sight, so a thread reading a name that another thread
// had just interned was reported as a race (tst_core_concurrentio).
std::string copyOfOiioString(const char *text)
{
    return text ? std::string(text) : std::string();
}

// The file's attributes as livepix keeps them: OpenImageIO's derived
// attributes left out, EXR windows as livepix:origin / livepix:display_window.
Metadata metadataOf(const OIIO::ImageSpec &spec)
{
    Metadata metadata;
    for (const auto &param : spec.extra_attribs) {
        const std::string name = copyOfOiioString(param.name().c_str());
        if (isDerivedAttribute(name))
            continue;
        metadata.set(name, param.get_string(0), copyOfOiioString(param.type().c_str()));
    }
    if (spec.x != 0 || spec.y != 0)
        metadata.set("livepix:origin", std::to_string(spec.x) + " " + std::to_string(spec.y));
    if (spec.full_x != spec.x || spec.full_y != spec.y || spec.full_width != spec.width ||
        spec.full_height != spec.height)
        metadata.set("livepix:display_window", std::to_string(spec.full_x) + " " + std::to_string(spec.full_y) +
                                                   " " + std::to_string(spec.full_width) + " " +
                                                   std::to_string(spec.full_height));
    return metadata;
}

// Channel names, path, source type and the file's attributes.
void describeImage(Image &image, const std::string &path, const OIIO::ImageSpec &spec, const std::string &sourceType)
{
    std::vector<std::string> names;
    const std::vector<std::string> defaults = Image::defaultChannelNames(spec.nchannels);
    for (int c = 0; c < spec.nchannels; ++c) {
        std::string name = c < static_cast<int>(spec.channelnames.size()) ? spec.channelnames[c] : std::string();
        names.push_back(name.empty() ? defaults[c] : name);
    }
    image.setChannelNames(names);
    image.setPath(path);
    image.setSourceType(sourceType);
    image.setMetadata(metadataOf(spec));
}


// Whole numbers from a livepix:origin / livepix:display_window value. Anyone
// may have set it (a script), so a malformed or out-of-range number is an
// error naming the entry, not sscanf's undefined behaviour.
std::vector<int> windowNumbers(const std::string &path, const MetadataEntry &entry, std::size_t count)
{
    std::vector<int> values;
    const char *at = entry.value.data();
    const char *end = at + entry.value.size();
    bool ok = true;
    while (ok) {
        while (at < end && *at == ' ')
            ++at;
        if (at == end)
            break;
        int value = 0;
        const auto [next, error] = std::from_chars(at, end, value);
        ok = error == std::errc() && (next == end || *next == ' ');
        values.push_back(value);
        at = next;
    }
    if (!ok || values.size() != count)
        throw ImageError(path, "metadata " + entry.name + " is '" + entry.value + "', not " + std::to_string(count) +
                                   " whole numbers from " + std::to_string(INT_MIN) + " to " +
                                   std::to_string(INT_MAX));
    return values;
}

// The data window (origin) and display window kept in metadata on load.
void applyWindows(const std::string &path, const Metadata &metadata, OIIO::ImageSpec &spec)
{
    for (const MetadataEntry &entry : metadata.entries()) {
        if (entry.name == "livepix:origin") {
            const std::vector<int> v = windowNumbers(path, entry, 2);
            spec.x = v[0];
            spec.y = v[1];
        }
    }
    spec.full_x = spec.x;
    spec.full_y = spec.y;
    spec.full_width = spec.width;
    spec.full_height = spec.height;
    for (const MetadataEntry &entry : metadata.entries()) {
        if (entry.name == "livepix:display_window") {
            const std::vector<int> v = windowNumbers(path, entry, 4);
            spec.full_x = v[0];
            spec.full_y = v[1];
            spec.full_width = v[2];
            spec.full_height = v[3];
        }
    }
    // Writers compute x + width and full_x + full_width in int.
    if (std::int64_t(spec.x) + spec.width > INT_MAX || std::int64_t(spec.y) + spec.height > INT_MAX ||
        std::int64_t(spec.full_x) + spec.full_width > INT_MAX || std::int64_t(spec.full_y) + spec.full_height > INT_MAX)
        throw ImageError(path, "metadata livepix:origin or livepix:display_window places the image beyond the "
                               "largest coordinate, " + std::to_string(INT_MAX));
}

// The one decoder behind loadImage and loadImageFromMemory: opens, checks the
// layout, reads the pixels and describes the image.
Image decodeImage(const std::string &path, OIIO::Filesystem::IOProxy *memory, const ProgressCallback &progress,
                  ImageFileInfo *info)
{
    const std::unique_ptr<OIIO::ImageInput> input = openInput(path, memory);
    const int subimage = firstSubimageWithPixels(*input);
    const OIIO::ImageSpec spec = input->spec();
    std::string sourceType;
    const DType type = checkLayout(path, spec, &sourceType);

    Image image;
    try {
        image = Image::create(spec.width, spec.height, spec.nchannels, type);
    } catch (const std::bad_alloc &) {
        throw ImageError(path, "not enough memory for a " + std::to_string(spec.width) + "x" +
                                   std::to_string(spec.height) + ", " + std::to_string(spec.nchannels) +
                                   " channel " + dtypeName(type) + " image");
    }
    readPixels(path, openNameFor(path, memory), *input, subimage, spec, image, progress);
    describeImage(image, path, spec, sourceType);

    if (info) {
        // Readers that know the count up front say so (a movie or GIF would
        // otherwise decode every frame to be counted); for the others,
        // counting by seeking is what every reader supports.
        int count = input->spec(0, 0).get_int_attribute("oiio:subimages", 0);
        if (count <= 0)
            while (input->seek_subimage(count, 0))
                ++count;
        info->subimages = std::max(1, count);
        info->subimage = subimage;
        info->formatName = input->format_name();
    }
    input->close();
    image.markChanged();
    return image;
}

Image loadImage(const std::string &path, const ProgressCallback &progress, ImageFileInfo *info)
{
    checkLoadable(path);
    return decodeImage(path, nullptr, progress, info);
}

Metadata readImageMetadata(const std::string &path)
{
    checkLoadable(path);
    const std::unique_ptr<OIIO::ImageInput> input = openInput(path, nullptr);
    firstSubimageWithPixels(*input);
    Metadata metadata = metadataOf(input->spec());
    input->close();
    return metadata;
}

Image loadImageFromMemory(const void *data, std::size_t size, const std::string &nameHint,
                          const ProgressCallback &progress, ImageFileInfo *info)
{
    const std::string name = memoryName(nameHint);
    if (size == 0)
        throw ImageError(name, "the data is empty");
    if (!data)
        throw ImageError(name, "no data given");
    OIIO::Filesystem::IOMemReader memory(data, size);
    Image image = decodeImage(name, &memory, progress, info);
    image.setPath({}); // not a file: saving asks for a name
    return image;
}

// The file a save replaces (a symbolic link's target), after checking that
// it can be written, before any pixel is looked at.
fs::path checkSaveTarget(const Image &image, const std::string &path)
{
    if (image.isNull())
        throw ImageError(path, "nothing to save: the image is empty");
    if (path.empty())
        throw ImageError(path, "no file name given");
    std::error_code ec;
    fs::path target(path);
    // Saving through a symbolic link replaces the file it points to, not the link.
    if (fs::is_symlink(target, ec)) {
        const fs::path resolved = fs::weakly_canonical(target, ec);
        if (!ec)
            target = resolved;
    }
    const fs::path folder = target.has_parent_path() ? target.parent_path() : fs::path(".");
    if (!fs::is_directory(folder, ec)) {
        if (ec && ec != std::errc::no_such_file_or_directory && ec != std::errc::not_a_directory)
            throw ImageError(path, "cannot use the folder " + folder.string() + ": " + ec.message());
        throw ImageError(path, "the folder " + folder.string() + " does not exist");
    }
    if (fs::is_directory(target, ec))
        throw ImageError(path, "this is a folder");
    if (!accessible(folder, W_OK | X_OK))
        throw ImageError(path, "cannot write to the folder " + folder.string() + ": " + std::strerror(errno));
    if (fs::exists(target, ec) && !accessible(target, W_OK))
        throw ImageError(path, std::string("the file is not writable: ") + std::strerror(errno));
    return target;
}

// A whole number option in [low, high], or an ImageError naming it.
int wholeOption(const std::string &path, const std::string &key, const std::string &value, int low, int high)
{
    int number = 0;
    const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), number);
    if (error != std::errc() || end != value.data() + value.size() || number < low || number > high)
        throw ImageError(path, key + " must be a whole number from " + std::to_string(low) + " to " +
                                   std::to_string(high) + ", got '" + value + "'");
    return number;
}

void applySaveOptions(OIIO::ImageSpec &spec, const std::string &path, const OIIO::ImageOutput &output,
                      const SaveOptions &options)
{
    const std::string formatName = output.format_name();
    for (const auto &[key, value] : options) {
        if (key == "tile_width" || key == "tile_height") {
            // Tiles are layout, not an attribute: OpenImageIO reads them
            // from the spec's fields.
            if (!output.supports("tiles"))
                throw ImageError(path, "the " + formatName + " format cannot store tiles");
            (key == "tile_width" ? spec.tile_width : spec.tile_height) = wholeOption(path, key, value, 1, 1 << 16);
            spec.tile_depth = 1;
        } else if (key == "quality") {
            const int q = wholeOption(path, key, value, 1, 100);
            spec.attribute("CompressionQuality", q);
            if (formatName == "jpeg")
                spec.attribute("compression", "jpeg:" + std::to_string(q));
        } else if (key == "compression") {
            spec.attribute("compression", value);
        } else {
            spec.attribute(key, value);
        }
    }
}

// What the file will hold: the channels and sample type the format can
// take, the descriptive state, the options.
OIIO::ImageSpec writeSpec(const Image &image, const std::string &path, const OIIO::ImageOutput &output,
                          const SaveOptions &options)
{
    const std::string formatName = output.format_name();
    int channels = image.channels();
    const int alpha = image.alphaChannel() >= 0 ? image.alphaChannel()
                                                : (channels == 2 || channels == 4 ? channels - 1 : -1);
    if (!output.supports("alpha") && alpha == channels - 1 && (channels == 2 || channels == 4))
        channels -= 1; // JPEG and friends: write colour, drop alpha
    if (!output.supports("nchannels") && channels > 4)
        throw ImageError(path, "the " + formatName + " format cannot store " + std::to_string(channels) +
                                   " channels");
#if OIIO_VERSION < OIIO_MAKE_VERSION(2, 5, 0)
    // OpenImageIO 2.4's PNM writer scrambles 16-bit samples (and without the
    // BitsPerSample hint silently writes 8 bits); refuse rather than lose data.
    if (formatName == "pnm" && image.dtype() != DType::UInt8)
        throw ImageError(path, std::string("this OpenImageIO cannot write ") + dtypeName(image.dtype()) +
                                   " PNM files correctly; save as PNG or TIFF, or convert to uint8 first");
#endif
    // PNG has no float samples but 16-bit ones: keep 16 bits of a float image
    // rather than the writer's 8-bit default.
    OIIO::TypeDesc fileType = oiioType(image.dtype());
    if (isFloat(image.dtype()) && formatName == "png")
        fileType = OIIO::TypeDesc::UINT16;
    OIIO::ImageSpec spec(image.width(), image.height(), channels, fileType);
    // Some writers (PNM) take the sample depth from this hint, not the type.
    if (fileType == OIIO::TypeDesc::UINT16 || fileType == OIIO::TypeDesc::UINT8)
        spec.attribute("oiio:BitsPerSample", int(fileType.size() * 8));
    // One snapshot of the descriptive state: a script may change it meanwhile.
    const std::vector<std::string> names = image.channelNames();
    const Metadata metadata = image.metadata();
    for (int c = 0; c < channels; ++c)
        spec.channelnames[c] = names[c];
    spec.alpha_channel = (alpha >= 0 && alpha < channels) ? alpha : -1;
    for (const auto &entry : metadata.entries()) {
        if (isDerivedAttribute(entry.name) || isReadOnlyAttribute(entry.name))
            continue;
        // A compression method belongs to the format it was read from; the
        // writer's own default is better than another format's setting.
        if (entry.name == "compression" || entry.name == "Compression" || entry.name == "CompressionQuality")
            continue;
        setAttribute(spec, entry);
    }
    applyWindows(path, metadata, spec);
    // The pixels are straight alpha: the writer must not un-premultiply them.
    spec.attribute("oiio:UnassociatedAlpha", 1);
    applySaveOptions(spec, path, output, options);
    if ((spec.tile_width > 0) != (spec.tile_height > 0))
        throw ImageError(path, "tile_width and tile_height go together");
    if (!output.supports("origin") && (spec.x != 0 || spec.y != 0)) {
        spec.x = spec.y = 0; // PNG and friends have no data window: pixels start at 0, 0
        spec.full_x = spec.full_y = 0;
        spec.full_width = spec.width;
        spec.full_height = spec.height;
    }
    return spec;
}

// Writes the pixels into an opened output; false with *cancelled when the
// progress callback asked to stop.
using PixelWriter = std::function<bool(OIIO::ImageOutput &output, bool *cancelled)>;

// The atomic part of every save: the pixels go to a temporary file beside
// the target, flushed, then renamed over it; on any failure the temporary
// file is removed and the target is untouched.
void writeAtomically(const std::string &path, const fs::path &target, OIIO::ImageOutput &output,
                     const OIIO::ImageSpec &spec, const PixelWriter &writePixels)
{
    const fs::path tmpPath = temporaryPathBeside(target);
    auto fail = [&](const std::string &reason) {
        std::error_code ignore;
        fs::remove(tmpPath, ignore);
        throw ImageError(path, reason);
    };
    if (!output.open(tmpPath.string(), spec))
        fail("cannot write " + std::string(output.format_name()) + ": " +
             cleanReason(output.geterror(), tmpPath.string()));
    bool cancelled = false;
    const bool wrote = writePixels(output, &cancelled);
    const std::string writeError = wrote ? std::string() : output.geterror();
    const bool closed = output.close();
    if (cancelled)
        fail("cancelled");
    if (!wrote)
        fail("writing failed: " + cleanReason(writeError, tmpPath.string()));
    if (!closed)
        fail("writing failed: " + cleanReason(output.geterror(), tmpPath.string()));

    // Flush to disk before the rename, so a crash cannot leave a renamed but
    // empty file in place of the original.
    const int fd = ::open(tmpPath.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0 || ::fsync(fd) != 0) {
        const std::string why = std::strerror(errno);
        if (fd >= 0)
            ::close(fd);
        fail("writing failed: " + why);
    }
    ::close(fd);

    // Keep an existing file's permissions.
    struct stat st {};
    if (::stat(target.c_str(), &st) == 0)
        ::chmod(tmpPath.c_str(), st.st_mode & 07777);
    if (std::rename(tmpPath.c_str(), target.c_str()) != 0)
        fail(std::string("cannot replace the file: ") + std::strerror(errno));
}

// Everything of a save but the pixels: checks, format, spec, atomic write.
void saveWith(const Image &image, const std::string &path, const SaveOptions &options,
              const PixelWriter &writePixels)
{
    const fs::path target = checkSaveTarget(image, path);
    (void)OIIO::geterror(); // start with an empty error queue (see loadImage)
    // The writer is chosen by the target's name.
    auto output = OIIO::ImageOutput::create(target.string());
    if (!output) {
        const std::string ext = target.extension().string();
        throw ImageError(path, ext.empty() ? std::string("no file extension to choose a format from")
                                           : "no image format is known for '" + ext + "' files");
    }
    const OIIO::ImageSpec spec = writeSpec(image, path, *output, options);
    writeAtomically(path, target, *output, spec, writePixels);
}

// Writes the pinned pixels a band of rows at a time (whole tiles for tiled
// output), hashing each band as it goes.
bool writePinnedBands(OIIO::ImageOutput &output, const Image &image, const WriteSnapshot &snapshot,
                      const ProgressCallback &progress, ContentHasher &hasher, bool *cancelled)
{
    const OIIO::ImageSpec &spec = output.spec();
    const int rowsPerCall = rowsPerBand(spec, output.format_name());
    const Image band = Image::create(image.width(), std::min(rowsPerCall, image.height()), image.channels(),
                                     image.dtype());
    const OIIO::TypeDesc type = oiioType(image.dtype());
    for (int y0 = 0; y0 < image.height(); y0 += rowsPerCall) {
        const int rows = std::min(rowsPerCall, image.height() - y0);
        const Image part = band.view(0, 0, image.width(), rows);
        readPinnedRows(image, snapshot, y0, part);
        hasher.add(part);
        const bool wrote =
            spec.tile_width > 0
                ? output.write_tiles(spec.x, spec.x + spec.width, spec.y + y0, spec.y + y0 + rows, spec.z,
                                     spec.z + 1, type, part.data(), part.xStride(), part.yStride())
                : output.write_scanlines(spec.y + y0, spec.y + y0 + rows, spec.z, type, part.data(),
                                         part.xStride(), part.yStride());
        if (!wrote)
            return false;
        if (progress && !progress(float(y0 + rows) / float(image.height()))) {
            *cancelled = true;
            return true;
        }
    }
    return true;
}

void saveImage(const Image &image, const std::string &path, const SaveOptions &options,
               const ProgressCallback &progress)
{
    saveWith(image, path, options, [&](OIIO::ImageOutput &output, bool *cancelled) {
        // OpenImageIO's callback returns true to stop, and write_image then
        // still returns true: remember the cancel.
        struct Progress {
            const ProgressCallback &callback;
            bool *cancelled;
        } state{progress, cancelled};
        auto report = [](void *opaque, float done) {
            auto *p = static_cast<Progress *>(opaque);
            *p->cancelled = *p->cancelled || !p->callback(done);
            return *p->cancelled;
        };
        return output.write_image(oiioType(image.dtype()), image.data(), image.xStride(), image.yStride(),
                                  OIIO::AutoStride, progress ? +report : nullptr, &state);
    });
}

std::uint64_t saveSnapshot(const Image &image, const WriteSnapshot &snapshot, const std::string &path,
                           const SaveOptions &options, const ProgressCallback &progress)
{
    ContentHasher hasher(image.width(), image.height(), image.channels(), image.dtype());
    saveWith(image, path, options, [&](OIIO::ImageOutput &output, bool *cancelled) {
        return writePinnedBands(output, image, snapshot, progress, hasher, cancelled);
    });
    return hasher.finish();
}

std::vector<std::string> extensionsWith(const char *attributeName)
{
    // "extension_list" is "png:png;jpeg:jpg,jpe,jpeg;..."; the format lists
    // say which of those formats can read or write.
    const std::vector<std::string> formats = OIIO::Strutil::splits(OIIO::get_string_attribute(attributeName), ",");
    const std::set<std::string> allowed(formats.begin(), formats.end());
    std::vector<std::string> result;
    for (const std::string &item : OIIO::Strutil::splits(OIIO::get_string_attribute("extension_list"), ";")) {
        const auto colon = item.find(':');
        if (colon == std::string::npos || !allowed.count(item.substr(0, colon)))
            continue;
        for (const std::string &ext : OIIO::Strutil::splits(item.substr(colon + 1), ","))
            if (!ext.empty())
                result.push_back(OIIO::Strutil::lower(ext));
    }
    std::sort(result.begin(), result.end());
    result.erase(std::unique(result.begin(), result.end()), result.end());
    return result;
}

std::vector<std::string> readableExtensions()
{
    return extensionsWith("input_format_list");
}

std::vector<std::string> writableExtensions()
{
    return extensionsWith("output_format_list");
}

} // namespace

} // namespace livepix::openimageio

extern "C" LIVEPIX_API const livepix::detail::ImageIOBackend *livepix_image_io_backend()
{
    namespace io = livepix::openimageio;
    static const livepix::detail::ImageIOBackend backend{
        livepix::detail::ImageIOBackend::Version,
        &io::loadImage,
        &io::loadImageFromMemory,
        &io::readImageMetadata,
        &io::saveImage,
        &io::saveSnapshot,
        &io::readableExtensions,
        &io::writableExtensions,
    };
    return &backend;
}
