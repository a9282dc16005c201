/*
 * Guest-error reporting: count every error, pass its text to the hook.
 */
#include <stdarg.h>
#include <stdio.h>

#include "edu/log.h"

void edu_log_stderr(void *opaque, const char *msg)
{
    (void)opaque;
    fprintf(stderr, "edu-cosim: guest error: %s\n", msg);
}

void edu_log_guest_error(EduLog *log, const char *fmt, ...)
{
    char msg[256];
    va_list ap;

    log->guest_errors++;
    if (!log->fn) {
        return;
    }
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    log->fn(log->opaque, msg);
}
