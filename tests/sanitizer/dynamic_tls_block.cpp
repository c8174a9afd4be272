// A library with one thread_local block. Loaded with dlopen, its block is
// dynamic TLS: glibc (>= 2.25) mallocs it on each thread's first access,
// inside __tls_get_addr. See lsan_dynamic_tls.cpp for why that matters.
thread_local char t_block[40];

extern "C" char *touchBlock()
{
    t_block[0] = 1;
    return t_block;
}
