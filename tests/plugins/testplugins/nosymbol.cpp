// A shared module without the livepix entry points (forgot LIVEPIX_PLUGIN).
extern "C" __attribute__((visibility("default"))) int some_other_function() { return 42; }
