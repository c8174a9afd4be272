#pragma once
// Private to the core: the colormap tables (colormapdata.cpp names each one's
// source and licence). Components in 0..1 as published.

namespace livepix::detail {

extern const double viridisTable[256][3];
extern const double magmaTable[256][3];
extern const double infernoTable[256][3];
extern const double plasmaTable[256][3];
extern const double cividisTable[256][3];
extern const double turboTable[256][3];
extern const double coolwarmTable[256][3];

} // namespace livepix::detail
