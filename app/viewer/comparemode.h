#pragma once
// CompareMode names and what each mode computes (helpers for menus, Python and drawing).
#include <QString>

#include <optional>

#include <livepix/comparison.h>

#include "viewer/displaysettings.h"

namespace livepix::gui {

/// The Python / menu name of a mode: "split", "blink", "difference",
/// "absolute", "squared", "relative"; "none" for CompareMode::None.
QString compareModeName(CompareMode mode);
/// The user-visible title ("Split Wipe", "Difference (Signed)"...).
QString compareModeTitle(CompareMode mode);
/// Parses a name of compareModeName() (case-insensitive); nullopt when unknown.
std::optional<CompareMode> parseCompareMode(const QString &name);
/// Every mode but None, in menu order.
const std::vector<CompareMode> &compareModes();

/// The difference a mode shows, or nullopt for None, Split and Blink.
std::optional<DifferenceMode> differenceModeOf(CompareMode mode);
inline bool isDifferenceMode(CompareMode mode) { return differenceModeOf(mode).has_value(); }

} // namespace livepix::gui
