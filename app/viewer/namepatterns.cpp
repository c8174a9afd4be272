#include "viewer/namepatterns.h"

#include <livepix/imageerror.h>
#include <livepix/imageio.h>

#include <cstdio>
#include <string>
#include <vector>

namespace livepix::gui {

namespace {
QStringList patternsOf(std::vector<std::string> (*list)())
{
    QStringList patterns;
    try {
        for (const std::string &ext : list())
            patterns << QStringLiteral("*.") + QString::fromStdString(ext);
    } catch (const ImageError &error) {
        std::fprintf(stderr, "livepix: %s\n", error.what());
        return {};
    }
    return patterns;
}
} // namespace

QStringList readablePatterns()
{
    return patternsOf(&readableExtensions);
}

QStringList writablePatterns()
{
    return patternsOf(&writableExtensions);
}

} // namespace livepix::gui
