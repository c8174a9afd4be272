#pragma once
// Symbol visibility for livepix_core. Everything public is exported; the
// library is built with default visibility so RTTI (exceptions, filter types)
// is shared across the app, the Python module and plugins.
#define LIVEPIX_API __attribute__((visibility("default")))
