#include "viewer/pixelinfo.h"

#include <QStringList>

namespace livepix::gui {

QString formatComponent(const Image &image, int x, int y, int channel)
{
    switch (image.dtype()) {
    case DType::UInt8:
        return QString::number(image.at<std::uint8_t>(x, y, channel));
    case DType::UInt16:
        return QString::number(image.at<std::uint16_t>(x, y, channel));
    case DType::Float16:
        return QString::number(static_cast<float>(image.at<float16>(x, y, channel)), 'g', 4);
    case DType::Float32:
        return QString::number(image.at<float>(x, y, channel), 'g', 6);
    }
    return {};
}

QString pixelInfo(const Image &image, int x, int y)
{
    const QString where = QStringLiteral("%1, %2").arg(x).arg(y);
    if (image.isNull() || x < 0 || y < 0 || x >= image.width() || y >= image.height())
        return where;
    constexpr int MaxShown = 8;
    const auto &names = image.channelNames();
    QStringList parts;
    const int shown = std::min(image.channels(), MaxShown);
    for (int c = 0; c < shown; ++c) {
        const QString name = c < int(names.size()) ? QString::fromStdString(names[c]) : QString::number(c);
        parts << QStringLiteral("%1 %2").arg(name, formatComponent(image, x, y, c));
    }
    if (image.channels() > MaxShown)
        parts << QStringLiteral("… (%1 channels)").arg(image.channels());
    return where + QStringLiteral(": ") + parts.join(QStringLiteral("  "));
}

} // namespace livepix::gui
