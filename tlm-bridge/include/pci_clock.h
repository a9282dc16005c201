/*
 * pci_clock: the PCI clock of the C model as SystemC time.  Clock k starts
 * at k periods; a transaction's clock is the first edge at or after its
 * time.  A helper of the bridge's modules, not a module: the host keeps
 * one, and a device on the host's bus uses the host's, so that the
 * conversion the host did last (a transaction's delay) is at hand when the
 * device converts it back.  A device on its own keeps its own.
 */
#ifndef EDU_TLM_PCI_CLOCK_H
#define EDU_TLM_PCI_CLOCK_H

#include <cstdint>

#include <systemc>

class pci_clock
{
  public:
    /* Built in the simulation context that uses it (its time resolution). */
    explicit pci_clock(unsigned ns)
        : m_period(ns, sc_core::SC_NS), m_ps(m_period.value()),
          m_cache_ps(UINT64_MAX), m_cache_clock(0)
    {
    }

    const sc_core::sc_time &period() const
    {
        return m_period;
    }
    /* The period in kernel time units. */
    uint64_t period_value() const
    {
        return m_ps;
    }
    sc_core::sc_time time_of(uint64_t clock) const
    {
        return sc_core::sc_time::from_value(clock * m_ps);
    }
    /* The first clock edge at or after t. */
    uint64_t clock_at(const sc_core::sc_time &t) const
    {
        if (__builtin_expect(t.value() == m_cache_ps, 1)) {
            return m_cache_clock;
        }
        return (t.value() + m_ps - 1) / m_ps;
    }
    /* The clock t is in. */
    uint64_t clock_in(const sc_core::sc_time &t) const
    {
        return t.value() / m_ps;
    }
    /* A delay from 'stamp' to 'clock' (zero if that is past). */
    sc_core::sc_time delay_from(const sc_core::sc_time &stamp,
                                uint64_t clock) const
    {
        const sc_core::sc_time at = time_of(clock);

        remember(at.value(), clock);
        return at > stamp ? at - stamp : sc_core::SC_ZERO_TIME;
    }
    /* Keeps 'clock' as the answer for the time 'value' (the target of a
     * delay just handed out converts it back). */
    void remember(uint64_t value, uint64_t clock) const
    {
        m_cache_ps = value;
        m_cache_clock = clock;
    }
    uint64_t remembered_value() const
    {
        return m_cache_ps;
    }
    uint64_t remembered_clock() const
    {
        return m_cache_clock;
    }

  private:
    sc_core::sc_time m_period;
    uint64_t m_ps;
    mutable uint64_t m_cache_ps; /* clock_at() of the last delay_from() */
    mutable uint64_t m_cache_clock;
};

#endif /* EDU_TLM_PCI_CLOCK_H */
