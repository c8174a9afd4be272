#include "display/channelgroups.h"

#include <QObject>
#include <QStringList>

#include <array>

namespace livepix::gui {

namespace {

struct Split {
    QString layer; // "" or "diffuse"
    QString channel;
};

Split split(const std::string &name)
{
    const QString n = QString::fromStdString(name);
    const int dot = n.lastIndexOf(QLatin1Char('.'));
    if (dot < 0)
        return {QString(), n};
    return {n.left(dot), n.mid(dot + 1)};
}

QString join(const QString &layer, const QString &what)
{
    return layer.isEmpty() ? what : layer + QLatin1Char('.') + what;
}

} // namespace

std::vector<ChannelGroup> channelGroups(const std::vector<std::string> &names)
{
    const int n = int(names.size());
    std::vector<Split> parts;
    for (const auto &name : names)
        parts.push_back(split(name));
    std::vector<bool> used(n, false);
    const auto find = [&](const QString &layer, const QString &channel) {
        for (int i = 0; i < n; ++i)
            if (!used[i] && parts[i].layer == layer && parts[i].channel.compare(channel, Qt::CaseInsensitive) == 0)
                return i;
        return -1;
    };
    std::vector<ChannelGroup> groups;
    for (int i = 0; i < n; ++i) {
        if (used[i])
            continue;
        const QString &layer = parts[i].layer;
        bool grouped = false;
        // Triplets that belong together, with the first channel's position deciding the group's place.
        for (const auto &set : std::array<std::array<const char *, 3>, 2>{{{"R", "G", "B"}, {"X", "Y", "Z"}}}) {
            const int a = find(layer, QLatin1String(set[0]));
            const int b = find(layer, QLatin1String(set[1]));
            const int c = find(layer, QLatin1String(set[2]));
            if (a < 0 || b < 0 || c < 0 || (a != i && b != i && c != i))
                continue;
            ChannelGroup group{join(layer, QLatin1String(set[0]) + QLatin1String(set[1]) + QLatin1String(set[2])),
                               {a, b, c}};
            used[a] = used[b] = used[c] = true;
            if (set[0][0] == 'R') {
                if (const int alpha = find(layer, QStringLiteral("A")); alpha >= 0) {
                    group.channels.push_back(alpha);
                    group.name += QLatin1Char('A');
                    used[alpha] = true;
                }
            }
            groups.push_back(std::move(group));
            grouped = true;
            break;
        }
        if (!grouped) {
            used[i] = true;
            groups.push_back({QString::fromStdString(names[i]), {i}});
        }
    }
    return groups;
}

std::vector<ChannelChoice> channelChoices(const Image &image)
{
    std::vector<ChannelChoice> choices;
    if (image.isNull())
        return choices;
    std::vector<std::string> names = image.channelNames();
    if (int(names.size()) != image.channels())
        names = Image::defaultChannelNames(image.channels());
    if (image.channels() <= 4) {
        choices.push_back({QObject::tr("All channels"), -1, {}});
    } else {
        for (const ChannelGroup &group : channelGroups(names))
            if (group.channels.size() > 1)
                choices.push_back({group.name, -1, group.channels});
    }
    for (int c = 0; c < image.channels(); ++c)
        choices.push_back({QString::fromStdString(names[c]), c, {}});
    return choices;
}

int currentChannelChoice(const Image &image, const DisplaySettings &settings)
{
    const std::vector<ChannelChoice> choices = channelChoices(image);
    for (int i = 0; i < int(choices.size()); ++i) {
        const ChannelChoice &choice = choices[i];
        if (choice.channel == settings.channel && (settings.channel >= 0 || choice.group == settings.channelGroup))
            return i;
    }
    return 0;
}

void applyChannelChoice(DisplaySettings &settings, const ChannelChoice &choice)
{
    settings.channel = choice.channel;
    if (choice.channel < 0)
        settings.channelGroup = choice.group;
}

} // namespace livepix::gui
