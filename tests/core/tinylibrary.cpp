// A library with nothing in it, for tst_imageiopreload to dlopen: small
// enough that mapping it takes the loader's lock for well under a
// millisecond, and linked by nothing else, so the test process has not
// mapped it before.
extern "C" int livepix_tiny_library() { return 42; }
