#pragma once
// The process-wide SIGSEGV hook that turns write faults in protected pixel
// memory into calls on their WriteTracker (internal to livepix_core).
#include <cstdint>

namespace livepix::detail {

/// Something that owns a range of write-protected memory and knows what to do
/// when a thread writes into it. onWriteFault() runs inside a signal handler:
/// it may only use lock-free atomics, memcpy, mprotect and sched_yield.
class WriteFaultTarget {
public:
    /// Called for a write fault at `address` inside the target's range.
    /// Returns true when the faulting write may simply be retried.
    virtual bool onWriteFault(std::uintptr_t address) noexcept = 0;

protected:
    ~WriteFaultTarget() = default;
};

/// Routes faults in [begin, end) to `target` and makes sure our handler is
/// the first one to see SIGSEGV (installing it again on top of whoever
/// replaced it, e.g. Python's faulthandler, chaining to them for every fault
/// that is not ours). Returns a slot for unregisterWriteFaultRange().
/// Throws std::runtime_error when all slots are taken.
/// Threading: any thread.
int registerWriteFaultRange(std::uintptr_t begin, std::uintptr_t end, WriteFaultTarget *target);

/// Stops routing; returns only when no signal handler can still be using
/// the target, so the caller may free it. Any thread.
void unregisterWriteFaultRange(int slot);

/// Re-installs the handler if another one replaced it since. Any thread.
void ensureWriteFaultHandler();

} // namespace livepix::detail
