#include "viewer/resources.h"

#include <QtGlobal>

// Q_INIT_RESOURCE must be used outside any namespace.
static void registerLivepixResources() { Q_INIT_RESOURCE(livepix); }

namespace livepix::gui {

void initResources()
{
    static const bool done = (registerLivepixResources(), true);
    Q_UNUSED(done);
}

} // namespace livepix::gui
