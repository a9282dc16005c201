/*
 * pci_function_link: what a PCI function model behind a 'config' target
 * socket offers a host that keeps the C model's bus (pci_host_tlm).
 *
 * A device module binds only through its sockets; on any interconnect it
 * works alone, with a bus of its own for its time.  The PCI bus is one
 * shared resource, though (a CPU access waits for a DMA burst in flight),
 * and the C model books it in one PciBus: pci_host_tlm asks each binding of
 * its 'config' socket, once before the simulation starts, with a debug
 * transaction that carries a pci_link_extension.  A function that answers
 * joins the host's bus: the host attaches its PciFunction to its PciBus at
 * the function's devfn, calls master() for its bus-master data (which the
 * function sends on its own DMA socket) and note() for each change of its
 * state.  Pass-through components (tlm_checker) carry the question like
 * any debug transaction.  Nothing else crosses: every transaction still
 * goes through the sockets.
 */
#ifndef EDU_TLM_PCI_FUNCTION_LINK_H
#define EDU_TLM_PCI_FUNCTION_LINK_H

#include <cstddef>
#include <cstdint>

#include <tlm>

#include "pci_clock.h"

extern "C" {
#include "edu/pci.h"
}

class pci_function_link
{
  public:
    /* The C model's function (its devfn is the slot it is configured for). */
    virtual PciFunction *pci_function() = 0;
    /* From now on the function is on the host's bus, with its clock. */
    virtual void joined(const pci_clock &clock) = 0;
    /* The function's bus-master data ('len' bytes at 'addr', moved by the
     * bursts that end at 'clock'): out on its DMA socket. */
    virtual void master(bool write, uint64_t addr, void *buf, size_t len,
                        uint64_t clock) = 0;
    /* The function may have changed its visible state at 'clock'. */
    virtual void note(uint64_t clock) = 0;

  protected:
    ~pci_function_link() = default;
};

/* The question: a debug transaction (TLM_IGNORE_COMMAND, no data) on a
 * 'config' binding; the function sets 'link' and transfers 0 bytes. */
class pci_link_extension : public tlm::tlm_extension<pci_link_extension>
{
  public:
    pci_function_link *link = nullptr;

    tlm::tlm_extension_base *clone() const override
    {
        return new pci_link_extension(*this);
    }
    void copy_from(const tlm::tlm_extension_base &ext) override
    {
        link = static_cast<const pci_link_extension &>(ext).link;
    }
};

#endif /* EDU_TLM_PCI_FUNCTION_LINK_H */
