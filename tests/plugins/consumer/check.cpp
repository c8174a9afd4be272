// Loads the consumer's plugin through the installed livepix_core (as the app
// would, from a LIVEPIX_PLUGIN_PATH folder) and checks that it works.
#include <livepix/filterrun.h>
#include <livepix/plugincatalog.h>

#include <cstdlib>
#include <iostream>

int main()
{
    setenv("LIVEPIX_PLUGIN_PATH", PLUGIN_DIR, 1);
    livepix::PluginCatalog &catalog = livepix::PluginCatalog::instance();
    catalog.load();
    std::cout << catalog.formatList();
    auto filter = livepix::FilterRegistry::instance().find("Brighten");
    if (!filter) {
        std::cerr << "consumer_check: the Brighten plugin did not load\n";
        return 1;
    }
    livepix::Image image = livepix::Image::create(4, 3, 3, livepix::DType::UInt8);
    image.at<std::uint8_t>(1, 1, 0) = 250;
    livepix::ParamValues values;
    values.set("amount", std::int64_t(20));
    livepix::FilterContext context;
    livepix::runFilter(*filter, image, values, context);
    if (image.at<std::uint8_t>(0, 0, 0) != 20 || image.at<std::uint8_t>(1, 1, 0) != 255) {
        std::cerr << "consumer_check: wrong pixels after Brighten\n";
        return 1;
    }
    std::cout << "consumer_check: Brighten loaded from " << PLUGIN_DIR << " and checked\n";
    return 0;
}
