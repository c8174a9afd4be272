// livepix-plugin-manifest: writes plugin.json for a built C++ plugin.
//
// livepix_add_plugin() runs it after each build, so the manifest (which the
// app reads without running plugin code) always lists exactly the filters and
// parameters the code declares. Running plugin code here, at build time, is
// fine; at application start it is what the manifest avoids.
#include <dlfcn.h>

#include <cstring>
#include <fstream>
#include <iostream>
#include <string>

#include "livepix/pluginapi.h"
#include "livepix/pluginmanifest.h"

namespace {
int usage()
{
    std::cerr << "usage: livepix-plugin-manifest --name NAME --version VERSION [--description TEXT]\n"
                 "                               MODULE.so OUTPUT.json\n";
    return 2;
}
} // namespace

int main(int argc, char **argv)
{
    livepix::PluginManifest manifest;
    manifest.kind = livepix::PluginKind::Cpp;
    std::string module, output;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        auto value = [&]() -> std::string { return i + 1 < argc ? argv[++i] : std::string(); };
        if (arg == "--name")
            manifest.name = value();
        else if (arg == "--version")
            manifest.version = value();
        else if (arg == "--description")
            manifest.description = value();
        else if (module.empty())
            module = arg;
        else if (output.empty())
            output = arg;
        else
            return usage();
    }
    if (manifest.name.empty() || manifest.version.empty() || module.empty() || output.empty())
        return usage();

    void *handle = dlopen(module.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
        std::cerr << "livepix-plugin-manifest: " << dlerror() << "\n";
        return 1;
    }
    auto apiVersion = reinterpret_cast<int (*)()>(dlsym(handle, "livepix_plugin_api_version"));
    auto registerFunction =
        reinterpret_cast<void (*)(livepix::PluginRegistrar *)>(dlsym(handle, "livepix_plugin_register"));
    if (!apiVersion || !registerFunction) {
        std::cerr << "livepix-plugin-manifest: " << module
                  << ": no livepix_plugin_api_version/livepix_plugin_register; add LIVEPIX_PLUGIN(YourFilter)\n";
        return 1;
    }
    manifest.apiVersion = apiVersion();
    const char *slash = std::strrchr(module.c_str(), '/');
    manifest.entry = slash ? slash + 1 : module;
    try {
        livepix::PluginRegistrar registrar;
        registerFunction(&registrar);
        for (std::size_t i = 0; i < registrar.filters().size(); ++i) {
            const auto &filter = registrar.filters()[i];
            livepix::FilterManifest f;
            f.name = filter->name();
            f.traits = registrar.traits()[i];
            f.description = filter->description();
            f.dtypes = filter->dtypes();
            f.params = filter->params();
            for (const auto &p : f.params)
                p.validate();
            manifest.filters.push_back(std::move(f));
        }
    } catch (const std::exception &e) {
        std::cerr << "livepix-plugin-manifest: " << module << ": registration failed: " << e.what() << "\n";
        return 1;
    }
    std::ofstream out(output, std::ios::binary | std::ios::trunc);
    out << manifest.toJson();
    if (!out) {
        std::cerr << "livepix-plugin-manifest: cannot write " << output << "\n";
        return 1;
    }
    return 0;
}
