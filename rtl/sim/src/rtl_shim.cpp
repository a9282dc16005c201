// The RTL view as a platform (edu/platform.h) over rtl_platform.
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <new>
#include <type_traits>

extern "C" {
#include "edu/host_cpu.h"
}
#include "edu/rtl.h"
#include "rtl_platform.h"

namespace
{

// Standard layout, so that the platform interface's pointer to 'base' is a
// pointer to the whole.
struct EduRtl {
    EduPlatform base;
    edu_rtl::rtl_platform *p;
};
static_assert(std::is_standard_layout<EduRtl>::value,
              "EduPlatform must start EduRtl");

// rtl-stress: the seed of its host bridge's wait states, retries and
// disconnects (any fixed one: the same operations, the same run).
constexpr uint64_t k_stress_seed = 0x9e3779b97f4a7c15ull;

edu_rtl::rtl_platform &rtl_of(EduPlatform *p)
{
    return *reinterpret_cast<EduRtl *>(p)->p;
}

const edu_rtl::rtl_platform &rtl_of(const EduPlatform *p)
{
    return *reinterpret_cast<const EduRtl *>(p)->p;
}

// An operation's result: once the harness has failed (a protocol
// violation, a model failure), -EIO with its reason; -EINVAL for an access
// size the CPU cannot issue there.
int status(EduPlatform *p, int rc, const char *what)
{
    if (rtl_of(p).failed()) {
        return edu_platform_fail(p, -EIO, "rtl: %s: %s", what,
                                 rtl_of(p).error().c_str());
    }
    if (rc < 0) {
        return edu_platform_fail(p, rc, "rtl: %s: %s", what, strerror(-rc));
    }
    return rc;
}

void rtl_destroy(EduPlatform *p)
{
    EduRtl *rtl = reinterpret_cast<EduRtl *>(p);

    if (rtl) {
        delete rtl->p;
        delete rtl;
    }
}

// A CPU access 'run' on a harness that has not failed (a failed one is
// never touched again), with status()'s answer.
template <typename F> int cpu_access(EduPlatform *p, const char *what, F run)
{
    return status(p, rtl_of(p).failed() ? 0 : run(rtl_of(p).cpu()), what);
}

int rtl_io_read(EduPlatform *p, uint16_t port, unsigned size, uint32_t *val)
{
    return cpu_access(p, "port read", [&](HostCpu *cpu) {
        return host_cpu_io_read(cpu, port, size, val);
    });
}

int rtl_io_write(EduPlatform *p, uint16_t port, uint32_t val, unsigned size)
{
    return cpu_access(p, "port write", [&](HostCpu *cpu) {
        return host_cpu_io_write(cpu, port, val, size);
    });
}

int rtl_mem_read(EduPlatform *p, uint64_t addr, unsigned size, uint64_t *val)
{
    return cpu_access(p, "memory read", [&](HostCpu *cpu) {
        return host_cpu_mem_read(cpu, addr, size, val);
    });
}

int rtl_mem_write(EduPlatform *p, uint64_t addr, uint64_t val, unsigned size)
{
    return cpu_access(p, "memory write", [&](HostCpu *cpu) {
        return host_cpu_mem_write(cpu, addr, val, size);
    });
}

int rtl_mem_read_buf(EduPlatform *p, uint64_t addr, void *buf, size_t len)
{
    return cpu_access(p, "memory read", [&](HostCpu *cpu) {
        host_cpu_mem_access(cpu, addr, buf, len, false);
        return 0;
    });
}

int rtl_mem_write_buf(EduPlatform *p, uint64_t addr, const void *buf,
                      size_t len)
{
    if (!rtl_of(p).failed()) {
        host_cpu_mem_access(rtl_of(p).cpu(), addr, const_cast<void *>(buf), len,
                            true);
    }
    return status(p, 0, "memory write");
}

int rtl_ram_read(EduPlatform *p, uint64_t addr, void *buf, size_t len)
{
    return status(p, rtl_of(p).ram_access(addr, buf, len, false), "RAM read");
}

int rtl_ram_write(EduPlatform *p, uint64_t addr, const void *buf, size_t len)
{
    return status(
        p, rtl_of(p).ram_access(addr, const_cast<void *>(buf), len, true),
        "RAM write");
}

int rtl_advance(EduPlatform *p, uint64_t ns)
{
    edu_rtl::rtl_platform &r = rtl_of(p);

    if (!r.failed()) {
        r.advance(edu_platform_clocks_from_ns(ns, r.clock_ns()));
    }
    return status(p, 0, "advance");
}

uint64_t rtl_now_ns(EduPlatform *p)
{
    const edu_rtl::rtl_platform &r = rtl_of(p);

    return edu_platform_ns_from_clocks(r.now(), r.clock_ns());
}

int rtl_next_event_ns(EduPlatform *p, uint64_t *ns)
{
    edu_rtl::rtl_platform &r = rtl_of(p);
    uint64_t next;
    const int rc = r.next_event(&next);

    if (rc == -ENOENT && !r.failed()) {
        return rc;
    }
    if (rc < 0 || r.failed()) {
        return status(p, rc, "next event");
    }
    *ns = edu_platform_ns_from_clocks(next, r.clock_ns());
    return 0;
}

int rtl_intx(EduPlatform *p)
{
    return status(p, rtl_of(p).intx(), "INTx");
}

unsigned long rtl_guest_errors(EduPlatform *p)
{
    return rtl_of(p).log()->guest_errors;
}

int rtl_finish(EduPlatform *p)
{
    const int rc = rtl_of(p).finish();

    if (rc < 0) {
        return edu_platform_fail(p, rc, "rtl: waveform: %s", strerror(-rc));
    }
    return 0;
}

EduPlatform *rtl_create(const EduPlatformConfig *cfg, char *err, size_t errlen)
{
    return edu_rtl_create(cfg, nullptr, err, errlen);
}

EduPlatform *rtl_create_stress(const EduPlatformConfig *cfg, char *err,
                               size_t errlen)
{
    EduRtlOptions opt{};

    opt.target_stress_seed = k_stress_seed;
    EduPlatform *p = edu_rtl_create(cfg, &opt, err, errlen);

    if (p) {
        p->ops = &edu_rtl_stress_platform_ops;
    }
    return p;
}

// Both platforms but for how they are created.
constexpr EduPlatformOps
rtl_ops(const char *name, const char *summary,
        EduPlatform *(*create)(const EduPlatformConfig *, char *, size_t))
{
    return EduPlatformOps{
        name,
        summary,
        create,
        rtl_destroy,
        rtl_io_read,
        rtl_io_write,
        rtl_mem_read,
        rtl_mem_write,
        rtl_mem_read_buf,
        rtl_mem_write_buf,
        rtl_ram_read,
        rtl_ram_write,
        rtl_advance,
        rtl_now_ns,
        rtl_next_event_ns,
        rtl_intx,
        rtl_guest_errors,
        rtl_finish,
    };
}

} // namespace

extern "C" {

const EduPlatformOps edu_rtl_platform_ops =
    rtl_ops("rtl",
            "the SystemVerilog device, Verilated, on a signal-level PCI bus "
            "(30 ns clocks)",
            rtl_create);

const EduPlatformOps edu_rtl_stress_platform_ops =
    rtl_ops("rtl-stress",
            "rtl, with a host bridge that answers DMA and MSI with random "
            "wait states, retries and disconnects (same values, other "
            "clocks)",
            rtl_create_stress);

EduPlatform *edu_rtl_create(const EduPlatformConfig *in,
                            const EduRtlOptions *opt, char *err, size_t errlen)
{
    static const EduRtlOptions defaults{};
    EduPlatformConfig cfg;
    EduRtl *rtl;
    std::string why;

    if (edu_platform_config_resolve(in, &cfg, err, errlen) < 0) {
        return nullptr;
    }
    rtl = new (std::nothrow) EduRtl();
    if (rtl) {
        rtl->p = new (std::nothrow) edu_rtl::rtl_platform;
    }
    if (!rtl || !rtl->p) {
        std::snprintf(err, errlen, "rtl: out of memory");
        delete rtl;
        return nullptr;
    }
    rtl->base.ops = &edu_rtl_platform_ops;
    try {
        if (rtl->p->create(cfg, opt ? *opt : defaults, why) < 0) {
            std::snprintf(err, errlen, "rtl: %s", why.c_str());
            rtl_destroy(&rtl->base);
            return nullptr;
        }
    } catch (const std::exception &e) {
        std::snprintf(err, errlen, "rtl: %s", e.what());
        rtl_destroy(&rtl->base);
        return nullptr;
    }
    return &rtl->base;
}

unsigned edu_rtl_clock_ns(const EduPlatform *rtl)
{
    return rtl_of(rtl).clock_ns();
}

int edu_rtl_state(EduPlatform *rtl, unsigned i, EduState *state)
{
    return rtl_of(rtl).state(i, state);
}

uint64_t edu_rtl_clocks_evaluated(const EduPlatform *rtl)
{
    return rtl_of(rtl).evaluated();
}

void edu_rtl_target_stops(const EduPlatform *rtl, EduRtlTargetStops *stops)
{
    *stops = rtl_of(rtl).target_stops();
}

void edu_rtl_inject(EduPlatform *rtl, EduRtlFault fault)
{
    rtl_of(rtl).inject(fault);
}

int edu_rtl_record(EduPlatform *rtl, const char *path)
{
    return rtl_of(rtl).record(path);
}

} // extern "C"
