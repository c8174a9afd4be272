#include "viewer/opensslexit.h"

#include <dlfcn.h>

#include <cstdint>

namespace livepix::gui {

void disableOpenSslExitCleanup()
{
    // Through dlopen: livepix does not link libcrypto itself (the I/O stack
    // and Python's _hashlib bring it in when they load).
    void *crypto = dlopen("libcrypto.so.3", RTLD_NOW | RTLD_GLOBAL);
    if (!crypto)
        return;
    using InitCrypto = int (*)(std::uint64_t options, const void *settings);
    constexpr std::uint64_t NoAtExit = 0x00080000; // OPENSSL_INIT_NO_ATEXIT, <openssl/crypto.h> of OpenSSL 3
    if (auto init = reinterpret_cast<InitCrypto>(dlsym(crypto, "OPENSSL_init_crypto")))
        init(NoAtExit, nullptr);
    // The handle stays open: the library must stay loaded for the process.
}

} // namespace livepix::gui
