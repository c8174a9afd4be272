#pragma once
// Channel groups: how the channels of a many-channel image are offered for display (as tev does).
#include <QString>

#include <string>
#include <vector>

#include <livepix/image.h>

#include "viewer/displaysettings.h"

namespace livepix::gui {

/// A set of channels shown together: R,G,B(,A) or X,Y,Z of one layer, or a
/// single channel. `name` is what menus show ("diffuse.RGB", "depth.Z").
struct ChannelGroup {
    QString name;
    std::vector<int> channels;
};

/// Groups channel names the way tev does: names are split at the last '.'
/// into layer and channel; within a layer R,G,B (with A when present) form
/// one group and X,Y,Z another (case-insensitive); every other channel is a
/// group of its own. Groups keep the order of their first channel.
std::vector<ChannelGroup> channelGroups(const std::vector<std::string> &names);

/// One entry of the Channel menu (and of the C key's cycle): all colour
/// channels (channel -1, no group), a group of a many-channel image, or one
/// channel shown as grey.
struct ChannelChoice {
    QString name;
    int channel = -1;
    std::vector<int> group;
};

/// The choices for an image: up to 4 channels "All" then each channel; more
/// than 4 channels each multi-channel group, then each channel.
std::vector<ChannelChoice> channelChoices(const Image &image);
/// Index into channelChoices(image) of what `settings` show (0 when none matches).
int currentChannelChoice(const Image &image, const DisplaySettings &settings);
void applyChannelChoice(DisplaySettings &settings, const ChannelChoice &choice);

} // namespace livepix::gui
