#include "viewer/comparemode.h"

#include <QCoreApplication>

namespace livepix::gui {

const std::vector<CompareMode> &compareModes()
{
    static const std::vector<CompareMode> modes{CompareMode::Split,    CompareMode::Blink,   CompareMode::Difference,
                                                CompareMode::Absolute, CompareMode::Squared, CompareMode::Relative};
    return modes;
}

QString compareModeName(CompareMode mode)
{
    switch (mode) {
    case CompareMode::None: return QStringLiteral("none");
    case CompareMode::Split: return QStringLiteral("split");
    case CompareMode::Blink: return QStringLiteral("blink");
    case CompareMode::Difference: return QStringLiteral("difference");
    case CompareMode::Absolute: return QStringLiteral("absolute");
    case CompareMode::Squared: return QStringLiteral("squared");
    case CompareMode::Relative: return QStringLiteral("relative");
    }
    return {};
}

QString compareModeTitle(CompareMode mode)
{
    switch (mode) {
    case CompareMode::None: return QCoreApplication::translate("Compare", "None");
    case CompareMode::Split: return QCoreApplication::translate("Compare", "Split Wipe");
    case CompareMode::Blink: return QCoreApplication::translate("Compare", "Blink (B toggles)");
    case CompareMode::Difference: return QCoreApplication::translate("Compare", "Difference (A − B)");
    case CompareMode::Absolute: return QCoreApplication::translate("Compare", "Absolute Difference |A − B|");
    case CompareMode::Squared: return QCoreApplication::translate("Compare", "Squared Difference (A − B)²");
    case CompareMode::Relative: return QCoreApplication::translate("Compare", "Relative Difference |A − B| / |B|");
    }
    return {};
}

std::optional<CompareMode> parseCompareMode(const QString &name)
{
    const QString wanted = name.trimmed().toLower();
    if (wanted == compareModeName(CompareMode::None))
        return CompareMode::None;
    for (CompareMode mode : compareModes())
        if (compareModeName(mode) == wanted)
            return mode;
    return std::nullopt;
}

std::optional<DifferenceMode> differenceModeOf(CompareMode mode)
{
    switch (mode) {
    case CompareMode::Difference: return DifferenceMode::Signed;
    case CompareMode::Absolute: return DifferenceMode::Absolute;
    case CompareMode::Squared: return DifferenceMode::Squared;
    case CompareMode::Relative: return DifferenceMode::Relative;
    default: return std::nullopt;
    }
}

} // namespace livepix::gui
