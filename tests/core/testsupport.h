#pragma once
// Helpers shared by the core tests: deterministic test images, pixel
// comparison, and running the tools that make test files (Python with NumPy
// and Pillow, oiiotool).
#include <livepix/image.h>

#include <QByteArray>
#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QString>
#include <QStringList>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>

#include <unistd.h>

namespace testsupport {

/// Transparent huge pages on request (madvise) or always.
inline bool thpAvailable()
{
    QFile file(QStringLiteral("/sys/kernel/mm/transparent_hugepage/enabled"));
    return file.open(QIODevice::ReadOnly) && !file.readAll().contains("[never]");
}

/// This process's anonymous memory in huge pages (AnonHugePages of smaps_rollup).
inline std::size_t anonHugeBytes()
{
    QFile file(QStringLiteral("/proc/self/smaps_rollup"));
    if (!file.open(QIODevice::ReadOnly))
        return 0;
    for (const QByteArray &line : file.readAll().split('\n'))
        if (line.startsWith("AnonHugePages:"))
            return std::size_t(line.mid(14).trimmed().split(' ').value(0).toULongLong()) * 1024;
    return 0;
}

using livepix::DType;
using livepix::Image;

/// Real images made by others (python3-skimage).
inline QString skimageData()
{
    return QStringLiteral("/usr/lib/python3/dist-packages/skimage/data");
}

/// Regression files committed with the tests.
inline QString testData(const QString &name)
{
    const QByteArray dir = qgetenv("LIVEPIX_TEST_DATA");
    return QDir(dir.isEmpty() ? QStringLiteral(LIVEPIX_TEST_DATA_DIR) : QString::fromLocal8Bit(dir)).filePath(name);
}

/// Debian's python3 (the one with NumPy and Pillow, see ENVIRONMENT.md).
inline QString python()
{
    return QStringLiteral("/usr/bin/python3");
}

/// Runs a program; returns an empty string on success, else what went wrong.
inline QString run(const QString &program, const QStringList &arguments)
{
    QProcess process;
    process.start(program, arguments);
    if (!process.waitForFinished(120000))
        return program + QStringLiteral(" did not finish: ") + process.errorString();
    if (process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0)
        return program + QStringLiteral(" failed: ") + QString::fromLocal8Bit(process.readAllStandardError());
    return {};
}

/// Runs Python code with argv[1:] = arguments.
inline QString runPython(const QString &code, const QStringList &arguments = {})
{
    return run(python(), QStringList{QStringLiteral("-c"), code} + arguments);
}

/// Deterministic pixels covering the whole range of the type (every bit
/// pattern matters for an exact round trip), with some alpha 0 pixels
/// carrying colour when there is an alpha channel.
inline Image makeTestImage(int width, int height, int channels, DType type, unsigned seed = 7)
{
    Image image = Image::create(width, height, channels, type);
    std::mt19937 rng(seed);
    for (int y = 0; y < height; ++y)
        for (int x = 0; x < width; ++x)
            for (int c = 0; c < channels; ++c) {
                const std::uint32_t r = rng();
                switch (type) {
                case DType::UInt8: image.at<std::uint8_t>(x, y, c) = std::uint8_t(r); break;
                case DType::UInt16: image.at<std::uint16_t>(x, y, c) = std::uint16_t(r); break;
                case DType::Float16:
                    // Finite halves only: NaN payloads need not survive a writer.
                    image.at<livepix::float16>(x, y, c) = livepix::float16(float(int(r % 20001) - 10000) / 997.f);
                    break;
                case DType::Float32: image.at<float>(x, y, c) = float(int(r % 2000001) - 1000000) / 9973.f; break;
                }
            }
    return image;
}

/// Writes NaN, +Inf and -Inf into some components of a float image (every
/// 17th, 23rd and 29th component in row-major order); other types are left as
/// they are.
inline void addNonFinite(const Image &image)
{
    if (!livepix::isFloat(image.dtype()))
        return;
    std::size_t i = 0;
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x)
            for (int c = 0; c < image.channels(); ++c, ++i) {
                float v;
                if (i % 17 == 0)
                    v = std::numeric_limits<float>::quiet_NaN();
                else if (i % 23 == 5)
                    v = std::numeric_limits<float>::infinity();
                else if (i % 29 == 7)
                    v = -std::numeric_limits<float>::infinity();
                else
                    continue;
                if (image.dtype() == DType::Float32)
                    image.at<float>(x, y, c) = v;
                else
                    image.at<livepix::float16>(x, y, c) = livepix::float16(v);
            }
}

/// Empty when a and b hold the same pixel bytes, else where they first differ.
inline QString pixelDifference(const Image &a, const Image &b)
{
    if (a.width() != b.width() || a.height() != b.height() || a.channels() != b.channels() || a.dtype() != b.dtype())
        return QStringLiteral("layout differs: %1x%2x%3 %4 vs %5x%6x%7 %8")
            .arg(a.width()).arg(a.height()).arg(a.channels()).arg(livepix::dtypeName(a.dtype()))
            .arg(b.width()).arg(b.height()).arg(b.channels()).arg(livepix::dtypeName(b.dtype()));
    const std::size_t pixelBytes = std::size_t(a.channels()) * a.componentSize();
    for (int y = 0; y < a.height(); ++y)
        for (int x = 0; x < a.width(); ++x)
            if (std::memcmp(a.pixel(x, y), b.pixel(x, y), pixelBytes) != 0) {
                QString values;
                for (int c = 0; c < a.channels(); ++c)
                    values += QStringLiteral(" %1/%2").arg(a.valueAt(x, y, c)).arg(b.valueAt(x, y, c));
                return QStringLiteral("pixel (%1, %2) differs:%3").arg(x).arg(y).arg(values);
            }
    return {};
}

inline QByteArray fileHash(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QCryptographicHash::hash(file.readAll(), QCryptographicHash::Sha256);
}

/// Runs a scope with the effective user "nobody" when the tests run as root,
/// so permission checks mean something (root may write anywhere).
class ScopedUnprivileged {
public:
    ScopedUnprivileged()
    {
        if (::geteuid() == 0) {
            m_active = ::setegid(65534) == 0 && ::seteuid(65534) == 0;
        }
    }
    ~ScopedUnprivileged()
    {
        if (m_active) {
            [[maybe_unused]] int a = ::seteuid(0);
            [[maybe_unused]] int b = ::setegid(0);
        }
    }
    ScopedUnprivileged(const ScopedUnprivileged &) = delete;
    ScopedUnprivileged &operator=(const ScopedUnprivileged &) = delete;

private:
    bool m_active = false;
};

} // namespace testsupport
