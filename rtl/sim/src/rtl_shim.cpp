// The C API of the RTL view (edu/rtl.h) over rtl_platform.
#include <cerrno>
#include <cstdio>
#include <new>

extern "C" {
#include "edu/host_cpu.h"
}
#include "edu/rtl.h"
#include "rtl_platform.h"

struct EduRtl {
    edu_rtl::rtl_platform p;
};

namespace
{

int status(const EduRtl *rtl, int rc)
{
    if (rtl->p.failed()) {
        return -EIO;
    }
    return rc;
}

} // namespace

extern "C" {

EduRtl *edu_rtl_create(const EduRtlConfig *cfg, char *err, size_t errlen)
{
    EduRtl *rtl = new (std::nothrow) EduRtl;
    std::string why;

    if (!rtl) {
        std::snprintf(err, errlen, "out of memory");
        return nullptr;
    }
    try {
        if (rtl->p.create(cfg, why) < 0) {
            std::snprintf(err, errlen, "%s", why.c_str());
            delete rtl;
            return nullptr;
        }
    } catch (const std::exception &e) {
        std::snprintf(err, errlen, "%s", e.what());
        delete rtl;
        return nullptr;
    }
    return rtl;
}

void edu_rtl_destroy(EduRtl *rtl)
{
    delete rtl;
}

int edu_rtl_io_read(EduRtl *rtl, uint16_t port, unsigned size, uint32_t *val)
{
    if (rtl->p.failed()) {
        return -EIO;
    }
    return status(rtl, host_cpu_io_read(rtl->p.cpu(), port, size, val));
}

int edu_rtl_io_write(EduRtl *rtl, uint16_t port, uint32_t val, unsigned size)
{
    if (rtl->p.failed()) {
        return -EIO;
    }
    return status(rtl, host_cpu_io_write(rtl->p.cpu(), port, val, size));
}

int edu_rtl_mem_read(EduRtl *rtl, uint64_t addr, unsigned size, uint64_t *val)
{
    if (rtl->p.failed()) {
        return -EIO;
    }
    return status(rtl, host_cpu_mem_read(rtl->p.cpu(), addr, size, val));
}

int edu_rtl_mem_write(EduRtl *rtl, uint64_t addr, uint64_t val, unsigned size)
{
    if (rtl->p.failed()) {
        return -EIO;
    }
    return status(rtl, host_cpu_mem_write(rtl->p.cpu(), addr, val, size));
}

int edu_rtl_mem_read_buf(EduRtl *rtl, uint64_t addr, void *buf, size_t len)
{
    if (rtl->p.failed()) {
        return -EIO;
    }
    host_cpu_mem_access(rtl->p.cpu(), addr, buf, len, false);
    return status(rtl, 0);
}

int edu_rtl_mem_write_buf(EduRtl *rtl, uint64_t addr, const void *buf,
                          size_t len)
{
    if (rtl->p.failed()) {
        return -EIO;
    }
    host_cpu_mem_access(rtl->p.cpu(), addr, const_cast<void *>(buf), len, true);
    return status(rtl, 0);
}

int edu_rtl_advance(EduRtl *rtl, uint64_t clocks)
{
    if (rtl->p.failed()) {
        return -EIO;
    }
    rtl->p.advance(clocks);
    return 0;
}

uint64_t edu_rtl_now(const EduRtl *rtl)
{
    return rtl->p.now();
}

unsigned edu_rtl_clock_ns(const EduRtl *rtl)
{
    return rtl->p.clock_ns();
}

int edu_rtl_next_event(EduRtl *rtl, uint64_t *clock)
{
    return rtl->p.next_event(clock);
}

int edu_rtl_intx(EduRtl *rtl)
{
    return rtl->p.intx();
}

int edu_rtl_state(EduRtl *rtl, unsigned i, EduState *state)
{
    return rtl->p.state(i, state);
}

unsigned long edu_rtl_guest_errors(const EduRtl *rtl)
{
    return const_cast<EduRtl *>(rtl)->p.log()->guest_errors;
}

int edu_rtl_finish(EduRtl *rtl)
{
    return rtl->p.finish();
}

const char *edu_rtl_error(const EduRtl *rtl)
{
    return rtl->p.error().c_str();
}

uint64_t edu_rtl_clocks_evaluated(const EduRtl *rtl)
{
    return rtl->p.evaluated();
}

void edu_rtl_target_stops(const EduRtl *rtl, EduRtlTargetStops *stops)
{
    *stops = rtl->p.target_stops();
}

void edu_rtl_inject(EduRtl *rtl, EduRtlFault fault)
{
    rtl->p.inject(fault);
}

int edu_rtl_record(EduRtl *rtl, const char *path)
{
    return rtl->p.record(path);
}

} // extern "C"
