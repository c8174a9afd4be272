#include "pluginhost/undohistory.h"

#include <algorithm>
#include <stdexcept>

namespace livepix::gui {

UndoHistory::UndoHistory(std::size_t budgetBytes) : m_budget(budgetBytes) {}

std::size_t UndoHistory::bytesFor(const Image &image)
{
    return std::size_t(image.width()) * image.height() * image.channels() * image.componentSize();
}

void UndoHistory::setBudget(std::size_t bytes)
{
    m_budget = bytes;
    trim();
}

bool UndoHistory::push(const void *owner, std::string text, Image target, Image before)
{
    if (target.width() != before.width() || target.height() != before.height() ||
        target.channels() != before.channels() || target.dtype() != before.dtype())
        throw std::invalid_argument("UndoHistory::push: the snapshot does not match the image");
    History &history = m_histories[owner];
    for (std::size_t i = history.done; i < history.steps.size(); ++i)
        m_used -= history.steps[i].bytes;
    history.steps.resize(history.done);
    const std::size_t bytes = bytesFor(target);
    if (bytes > m_budget)
        return false;
    history.steps.push_back({std::move(text), std::move(target), std::move(before), ++m_sequence, bytes});
    history.done = history.steps.size();
    m_used += bytes;
    trim();
    return true;
}

void UndoHistory::trim()
{
    while (m_used > m_budget) {
        // The oldest applied step of any owner goes first; redo steps only
        // when no undo step is left (newest first, so redo stays in order).
        History *oldest = nullptr;
        for (auto &[owner, history] : m_histories)
            if (history.done > 0 && (!oldest || history.steps.front().sequence < oldest->steps.front().sequence))
                oldest = &history;
        if (oldest) {
            m_used -= oldest->steps.front().bytes;
            oldest->steps.erase(oldest->steps.begin());
            --oldest->done;
            continue;
        }
        History *newestRedo = nullptr;
        for (auto &[owner, history] : m_histories)
            if (!history.steps.empty() &&
                (!newestRedo || history.steps.back().sequence > newestRedo->steps.back().sequence))
                newestRedo = &history;
        if (!newestRedo)
            break;
        m_used -= newestRedo->steps.back().bytes;
        newestRedo->steps.pop_back();
    }
}

void UndoHistory::swapPixels(const Image &a, const Image &b)
{
    const std::size_t pixelBytes = std::size_t(a.channels()) * a.componentSize();
    for (int y = 0; y < a.height(); ++y) {
        if (a.isInterleaved() && b.isInterleaved()) {
            std::swap_ranges(a.row(y), a.row(y) + pixelBytes * a.width(), b.row(y));
            continue;
        }
        for (int x = 0; x < a.width(); ++x)
            std::swap_ranges(a.pixel(x, y), a.pixel(x, y) + pixelBytes, b.pixel(x, y));
    }
    a.markChanged();
}

bool UndoHistory::canUndo(const void *owner) const
{
    auto it = m_histories.find(owner);
    return it != m_histories.end() && it->second.done > 0;
}

bool UndoHistory::canRedo(const void *owner) const
{
    auto it = m_histories.find(owner);
    return it != m_histories.end() && it->second.done < it->second.steps.size();
}

std::string UndoHistory::undoText(const void *owner) const
{
    return canUndo(owner) ? m_histories.at(owner).steps[m_histories.at(owner).done - 1].text : std::string();
}

std::string UndoHistory::redoText(const void *owner) const
{
    return canRedo(owner) ? m_histories.at(owner).steps[m_histories.at(owner).done].text : std::string();
}

Image UndoHistory::undo(const void *owner)
{
    if (!canUndo(owner))
        return {};
    History &history = m_histories[owner];
    Step &step = history.steps[--history.done];
    swapPixels(step.target, step.stored);
    return step.target;
}

Image UndoHistory::redo(const void *owner)
{
    if (!canRedo(owner))
        return {};
    History &history = m_histories[owner];
    Step &step = history.steps[history.done++];
    swapPixels(step.target, step.stored);
    return step.target;
}

int UndoHistory::count(const void *owner) const
{
    auto it = m_histories.find(owner);
    return it == m_histories.end() ? 0 : int(it->second.steps.size());
}

void UndoHistory::clear(const void *owner)
{
    auto it = m_histories.find(owner);
    if (it == m_histories.end())
        return;
    for (const auto &step : it->second.steps)
        m_used -= step.bytes;
    m_histories.erase(it);
}

} // namespace livepix::gui
