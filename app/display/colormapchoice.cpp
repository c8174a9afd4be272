#include "display/colormapchoice.h"

#include <algorithm>
#include <cmath>

#include <livepix/autolevels.h>
#include <livepix/colormap.h>

#include "viewer/displaypipeline.h"

namespace livepix::gui {

QStringList colormapNames()
{
    QStringList names;
    for (const Colormap *map : colormaps())
        names << QString::fromUtf8(map->name.data(), int(map->name.size()));
    return names;
}

bool chooseColormap(DisplaySettings &settings, const Image &image, const QString &name, QString *error)
{
    if (name.isEmpty()) {
        settings.colormap.clear();
        return true;
    }
    const Colormap *map = findColormap(name.toStdString());
    if (!map) {
        if (error)
            *error = QStringLiteral("unknown colormap '%1' (valid: %2, or None)").arg(name, colormapNames().join(QStringLiteral(", ")));
        return false;
    }
    settings.colormap = QString::fromUtf8(map->name.data(), int(map->name.size()));
    if (image.isNull())
        return true;
    DisplayPipeline::ChannelMap shown = DisplayPipeline::channelMap(image, settings);
    if (!shown.grey()) {
        settings.channel = shown.r;
        shown = DisplayPipeline::channelMap(image, settings);
    }
    if (map->diverging) {
        AutoLevelsOptions options;
        options.channels = {shown.r};
        const std::vector<LevelRange> fitted = autoLevels(image, options);
        const LevelRange range = fitted.at(shown.r);
        const double m = std::max(std::abs(range.lo), std::abs(range.hi));
        if (settings.levels.size() < std::size_t(image.channels()))
            settings.levels.resize(image.channels(), fullRange(image.dtype()));
        settings.levels[shown.r] = {-m, m};
        if (settings.levelsLinked) // linked levels stay one range over the colour channels
            for (int c = 0; c < image.channels(); ++c)
                if (c != image.alphaChannel() || image.channels() == 1)
                    settings.levels[c] = {-m, m};
    }
    return true;
}

} // namespace livepix::gui
