#include "writefault.h"

#include <array>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <mutex>
#include <stdexcept>

#include <sched.h>

namespace livepix::detail {

namespace {

// A fixed table, not a container: the signal handler reads it without locks
// and must never see memory being reallocated. One slot per tracked buffer.
struct Slot {
    std::atomic<std::uintptr_t> begin{0};
    std::atomic<std::uintptr_t> end{0};
    std::atomic<WriteFaultTarget *> target{nullptr};
};
constexpr int SlotCount = 4096;
std::array<Slot, SlotCount> g_slots;

// Handlers running right now (any thread); unregister waits for zero.
std::atomic<int> g_inHandler{0};

// The handler we chain to. Replaced whenever we install ourselves again on
// top of a newer handler; a small ring so a handler reading the previous
// entry while it is replaced never sees a torn struct.
constexpr int PreviousCount = 16;
struct sigaction g_previous[PreviousCount];
std::atomic<int> g_previousIndex{-1};
std::mutex g_installMutex;

// Guards against a chained handler that returns without fixing the fault
// (Python's faulthandler does that once it has disabled itself): the same
// address failing again and again falls back to the default action.
std::atomic<std::uintptr_t> g_lastForeignAddress{0};
std::atomic<int> g_foreignRepeats{0};

void restoreDefault(int signal)
{
    struct sigaction action {};
    action.sa_handler = SIG_DFL;
    sigemptyset(&action.sa_mask);
    ::sigaction(signal, &action, nullptr);
}

void chain(int signal, siginfo_t *info, void *context)
{
    const auto address = reinterpret_cast<std::uintptr_t>(info->si_addr);
    if (g_lastForeignAddress.exchange(address) == address) {
        if (g_foreignRepeats.fetch_add(1) >= 3) {
            restoreDefault(signal); // the retried instruction now crashes normally
            return;
        }
    } else {
        g_foreignRepeats.store(0);
    }
    const int index = g_previousIndex.load(std::memory_order_acquire);
    if (index < 0) {
        restoreDefault(signal);
        return;
    }
    const struct sigaction &previous = g_previous[index % PreviousCount];
    if (previous.sa_flags & SA_SIGINFO) {
        if (previous.sa_sigaction) {
            previous.sa_sigaction(signal, info, context);
            return;
        }
    } else if (previous.sa_handler != SIG_DFL && previous.sa_handler != SIG_IGN) {
        previous.sa_handler(signal);
        return;
    }
    restoreDefault(signal);
}

void onSignal(int signal, siginfo_t *info, void *context)
{
    const int savedErrno = errno;
    bool handled = false;
    if (signal == SIGSEGV && info->si_code == SEGV_ACCERR) {
        g_inHandler.fetch_add(1, std::memory_order_seq_cst);
        const auto address = reinterpret_cast<std::uintptr_t>(info->si_addr);
        for (Slot &slot : g_slots) {
            WriteFaultTarget *target = slot.target.load(std::memory_order_acquire);
            if (target && address >= slot.begin.load(std::memory_order_relaxed)
                && address < slot.end.load(std::memory_order_relaxed)) {
                handled = target->onWriteFault(address);
                break;
            }
        }
        g_inHandler.fetch_sub(1, std::memory_order_seq_cst);
    }
    errno = savedErrno;
    if (!handled)
        chain(signal, info, context);
}

} // namespace

void ensureWriteFaultHandler()
{
    std::lock_guard<std::mutex> lock(g_installMutex);
    struct sigaction current {};
    ::sigaction(SIGSEGV, nullptr, &current);
    if ((current.sa_flags & SA_SIGINFO) && current.sa_sigaction == onSignal)
        return;
    const int next = g_previousIndex.load() + 1;
    g_previous[next % PreviousCount] = current;
    g_previousIndex.store(next, std::memory_order_release);
    struct sigaction ours {};
    ours.sa_sigaction = onSignal;
    // SA_ONSTACK: a fault from a thread that ran out of stack still reaches
    // the chained handler on the alternate stack (faulthandler, ASan set one).
    ours.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESTART;
    sigemptyset(&ours.sa_mask);
    if (::sigaction(SIGSEGV, &ours, nullptr) != 0)
        throw std::runtime_error("write tracking: cannot install the SIGSEGV handler");
}

int registerWriteFaultRange(std::uintptr_t begin, std::uintptr_t end, WriteFaultTarget *target)
{
    ensureWriteFaultHandler();
    std::lock_guard<std::mutex> lock(g_installMutex);
    for (int i = 0; i < SlotCount; ++i) {
        Slot &slot = g_slots[i];
        if (slot.target.load() != nullptr)
            continue;
        slot.begin.store(begin, std::memory_order_relaxed);
        slot.end.store(end, std::memory_order_relaxed);
        slot.target.store(target, std::memory_order_release);
        return i;
    }
    throw std::runtime_error("write tracking: more than 4096 buffers are tracked at once");
}

void unregisterWriteFaultRange(int slot)
{
    if (slot < 0 || slot >= SlotCount)
        return;
    {
        std::lock_guard<std::mutex> lock(g_installMutex);
        g_slots[slot].target.store(nullptr, std::memory_order_seq_cst);
    }
    // A handler that loaded the target before the store may still be in it.
    while (g_inHandler.load(std::memory_order_seq_cst) != 0)
        sched_yield();
}

} // namespace livepix::detail
