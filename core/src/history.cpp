#include "livepix/history.h"

#include <algorithm>
#include <stdexcept>

namespace livepix {

void UndoBudget::setLimit(std::size_t bytes)
{
    m_limit = bytes;
    trim();
}

// Drops the globally oldest applied-or-not step until the total fits.
void UndoBudget::trim()
{
    while (m_used > m_limit) {
        History *oldest = nullptr;
        for (History *history : m_histories) {
            if (history->m_entries.empty())
                continue;
            if (!oldest || history->m_entries.front().sequence < oldest->m_entries.front().sequence)
                oldest = history;
        }
        if (!oldest)
            return;
        oldest->dropOldest();
    }
}

History::History(PixelBufferPtr buffer, std::shared_ptr<UndoBudget> budget)
    : m_buffer(std::move(buffer)), m_tracker(m_buffer->enableWriteTracking()), m_budget(std::move(budget))
{
    if (!m_budget)
        throw std::invalid_argument("History needs an UndoBudget");
    m_baseState = m_clean = ++m_budget->m_sequence;
    m_budget->m_histories.push_back(this);
}

History::~History()
{
    dropAll();
    auto &all = m_budget->m_histories;
    all.erase(std::remove(all.begin(), all.end(), this), all.end());
}

History::Commit History::commit(const std::string &label)
{
    return record(m_tracker.takeChanges(), label);
}

History::Commit History::record(WriteStep change, const std::string &label)
{
    m_problem.clear();
    if (!m_tracker.owns(change))
        throw std::logic_error("History::record: the changes belong to another buffer");
    if (change.empty())
        return Commit::NoChange;
    // Redo steps describe pixels that no longer follow from these.
    while (m_entries.size() > m_position) {
        m_budget->m_used -= m_entries.back().entry.bytes;
        m_entries.pop_back();
    }
    if (!change.notUndoableReason().empty() || change.bytes() > m_budget->limit()) {
        m_problem = !change.notUndoableReason().empty()
            ? "\"" + label + "\" cannot be undone: " + change.notUndoableReason()
            : "\"" + label + "\" cannot be undone: it changed " + std::to_string(change.bytes() >> 20)
                + " MiB, more than the undo limit of " + std::to_string(m_budget->limit() >> 20) + " MiB";
        dropAll();
        m_baseState = ++m_budget->m_sequence; // a state nobody saved
        return Commit::NotUndoable;
    }
    const std::size_t bytes = change.bytes();
    m_entries.push_back({{label, bytes}, std::move(change), ++m_budget->m_sequence});
    m_position = m_entries.size();
    m_budget->m_used += bytes;
    m_budget->trim();
    return Commit::Added;
}

bool History::undo()
{
    if (!canUndo())
        return false;
    m_tracker.swap(m_entries[m_position - 1].change);
    --m_position;
    return true;
}

bool History::redo()
{
    if (!canRedo())
        return false;
    m_tracker.swap(m_entries[m_position].change);
    ++m_position;
    return true;
}

void History::jumpTo(std::size_t position)
{
    position = std::min(position, m_entries.size());
    while (m_position > position)
        undo();
    while (m_position < position)
        redo();
}

std::vector<History::Entry> History::entries() const
{
    std::vector<Entry> out;
    out.reserve(m_entries.size());
    for (const Step &step : m_entries)
        out.push_back(step.entry);
    return out;
}

std::size_t History::bytes() const
{
    std::size_t total = 0;
    for (const Step &step : m_entries)
        total += step.entry.bytes;
    return total;
}

void History::clear()
{
    dropAll();
}

void History::dropOldest()
{
    if (m_entries.empty())
        return;
    if (m_position == 0) {
        // Only redo steps were left and the oldest went: the rest no
        // longer start from the current pixels.
        dropAll();
        return;
    }
    m_budget->m_used -= m_entries.front().entry.bytes;
    m_baseState = m_entries.front().sequence; // the state after it is the oldest now
    m_entries.erase(m_entries.begin());
    --m_position;
}

void History::dropAll()
{
    const std::uint64_t current = stateId();
    for (const Step &step : m_entries)
        m_budget->m_used -= step.entry.bytes;
    m_entries.clear();
    m_position = 0;
    m_baseState = current;
}

} // namespace livepix
