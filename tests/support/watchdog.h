#pragma once
// Watchdog: ends a test process that is stuck, so a regression that makes a
// call never return (open() of a FIFO with no writer, reading /dev/zero)
// shows as a prompt, clear failure instead of a suite that hangs until
// ctest's timeout.
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>

/// Armed for `seconds` while it lives. If the scope is still running then,
/// it prints "FAIL! watchdog: <what> did not finish within N s" to stderr
/// and ends the process with exit status 3 (std::_Exit: a thread blocked in
/// a system call cannot be unwound). Destroying it disarms it.
/// Threading: create and destroy it on one thread; its own thread only waits.
class Watchdog {
public:
    Watchdog(int seconds, std::string what) : m_what(std::move(what))
    {
        m_thread = std::thread([this, seconds] {
            std::unique_lock<std::mutex> lock(m_mutex);
            if (m_cv.wait_for(lock, std::chrono::seconds(seconds), [this] { return m_done; }))
                return;
            std::fprintf(stderr, "FAIL! watchdog: %s did not finish within %d s\n", m_what.c_str(), seconds);
            std::fflush(stderr);
            std::_Exit(3);
        });
    }
    ~Watchdog()
    {
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            m_done = true;
        }
        m_cv.notify_all();
        m_thread.join();
    }
    Watchdog(const Watchdog &) = delete;
    Watchdog &operator=(const Watchdog &) = delete;

private:
    std::string m_what;
    std::mutex m_mutex;
    std::condition_variable m_cv;
    bool m_done = false;
    std::thread m_thread;
};
