#include "viewer/imageiopreload.h"

#include "livepix/imageerror.h"
#include "livepix/imageio.h"

namespace livepix::gui {

ImageIOPreload::ImageIOPreload()
    : m_thread([] {
          try {
              livepix::preloadImageIO();
          } catch (const livepix::ImageError &) {
              // The first load or save says why; a viewer without I/O still starts.
          }
      })
{
}

ImageIOPreload::~ImageIOPreload() { m_thread.join(); }

} // namespace livepix::gui
