/*
 * timed_queue: values that take effect at given PCI clocks, kept in clock
 * order.  The C model reports state changes with their clock, and not
 * always in clock order (its devices catch up lazily, and a CPU running
 * ahead of the kernel in its quantum reports changes the kernel has not
 * reached yet); the bridge's modules keep them here and write their
 * signals when the kernel gets there.  A helper of the modules, not a
 * module.
 */
#ifndef EDU_TLM_TIMED_QUEUE_H
#define EDU_TLM_TIMED_QUEUE_H

#include <cstddef>
#include <cstdint>
#include <deque>
#include <iterator>
#include <utility>

template <typename T> class timed_queue
{
  public:
    void push(uint64_t clock, const T &value)
    {
        auto it = m_q.end();

        while (it != m_q.begin() && std::prev(it)->first > clock) {
            --it;
        }
        m_q.insert(it, {clock, value});
    }

    bool empty() const
    {
        return m_q.empty();
    }

    uint64_t front_clock() const
    {
        return m_q.front().first;
    }

    /* Pops every value due by 'clock' (in clock order, the last one into
     * *last) and returns how many there were. */
    size_t pop_due(uint64_t clock, T *last)
    {
        size_t n = 0;

        while (!m_q.empty() && m_q.front().first <= clock) {
            *last = m_q.front().second;
            m_q.pop_front();
            n++;
        }
        return n;
    }

  private:
    std::deque<std::pair<uint64_t, T>> m_q;
};

#endif /* EDU_TLM_TIMED_QUEUE_H */
