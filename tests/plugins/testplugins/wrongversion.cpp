// A plugin built for a different plugin API: its entry point reports 999.
// Written by hand (not with LIVEPIX_PLUGIN) to fake a build against other headers.
#include <livepix/pluginapi.h>

#include <cstdlib>

extern "C" __attribute__((visibility("default"))) int livepix_plugin_api_version() { return 999; }
extern "C" __attribute__((visibility("default"))) void livepix_plugin_register(livepix::PluginRegistrar *)
{
    std::abort(); // must never be called: the version check comes first
}
