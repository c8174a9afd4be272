// Fuzz target: plugin manifests (PluginManifest::parse, what
// PluginManifest::read runs on a plugin.json's bytes). Bad JSON or content
// must end in std::runtime_error naming the source. A manifest that parses
// must survive its own round trip: toJson() parses back to the same JSON
// (livepix-plugin-manifest writes manifests with toJson()).
#include <livepix/pluginmanifest.h>

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const std::string text(reinterpret_cast<const char *>(data), size);
    livepix::PluginManifest manifest;
    try {
        manifest = livepix::PluginManifest::parse(text, "/fuzz/plugin.json");
    } catch (const std::runtime_error &) {
        return 0;
    }
    const std::string json = manifest.toJson();
    try {
        if (livepix::PluginManifest::parse(json, "/fuzz/plugin.json").toJson() != json)
            __builtin_trap(); // the round trip changed the manifest
    } catch (const std::runtime_error &) {
        __builtin_trap(); // livepix wrote a manifest it cannot read back
    }
    return 0;
}
