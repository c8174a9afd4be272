#include "display/displaydefaults.h"

#include <QFileInfo>
#include <QSettings>

#include <algorithm>

#include "display/channelgroups.h"
#include "viewer/displaypipeline.h"

namespace livepix::gui {

DisplayDefaults displayDefaultsFromSettings()
{
    DisplayDefaults defaults;
    defaults.fullRange16BitColour = QSettings().value(QLatin1String(FullRange16BitSettingKey), false).toBool();
    return defaults;
}

bool isSceneLinear(const Image &image)
{
    const QString suffix = QFileInfo(QString::fromStdString(image.path())).suffix().toLower();
    if (suffix == QLatin1String("exr") || suffix == QLatin1String("hdr"))
        return true;
    const auto space = image.metadata().get("oiio:ColorSpace");
    if (!space)
        return false;
    const QString name = QString::fromStdString(*space).toLower();
    return name.contains(QLatin1String("linear")) || name.startsWith(QLatin1String("lin_")) ||
           name.startsWith(QLatin1String("acescg"));
}

void fitLevels(DisplaySettings &settings, const Image &image, const AutoLevelsOptions &options)
{
    AutoLevelsOptions o = options;
    if (o.channels.empty()) {
        const DisplayPipeline::ChannelMap map = DisplayPipeline::channelMap(image, settings);
        for (int c : {map.r, map.g, map.b})
            if (std::find(o.channels.begin(), o.channels.end(), c) == o.channels.end())
                o.channels.push_back(c);
    }
    const std::vector<LevelRange> fitted = autoLevels(image, o);
    std::vector<LevelRange> levels(image.channels());
    for (int c = 0; c < image.channels(); ++c)
        levels[c] = DisplayPipeline::levelsFor(settings, c, image.dtype());
    for (int c : o.channels)
        if (c >= 0 && c < int(fitted.size()))
            levels[c] = fitted[c];
    settings.levels = std::move(levels);
    settings.levelsLinked = o.linked;
}

DisplaySettings defaultDisplaySettings(const Image &image, const DisplayDefaults &defaults)
{
    DisplaySettings settings;
    settings.exposure = defaults.exposure;
    settings.gamma = defaults.gamma;
    if (image.isNull())
        return settings;
    if (image.channels() > 4) {
        const std::vector<ChannelGroup> groups = channelGroups(image.channelNames());
        if (!groups.empty())
            settings.channelGroup = groups.front().channels;
    }
    const DType type = image.dtype();
    settings.levels.assign(image.channels(), fullRange(type));
    if (isFloat(type) && isSceneLinear(image)) {
        settings.sceneLinear = true;
        settings.viewTransform = ViewTransform::SRGB;
        settings.gamma = 1.0; // the view transform replaces the display gamma
        return settings;
    }
    if (type == DType::UInt8)
        return settings;
    const bool colour = image.channels() - (image.alphaChannel() >= 0 ? 1 : 0) >= 3;
    if (type == DType::UInt16 && colour && defaults.fullRange16BitColour)
        return settings;
    AutoLevelsOptions options;
    options.linked = true;
    fitLevels(settings, image, options);
    return settings;
}

} // namespace livepix::gui
