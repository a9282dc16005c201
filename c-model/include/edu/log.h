/*
 * Guest-error log hook.  A guest can never stop the simulation: what it does
 * wrong is reported here and the model carries on.
 */
#ifndef EDU_LOG_H
#define EDU_LOG_H

typedef void (*EduLogFn)(void *opaque, const char *msg);

typedef struct EduLog {
    EduLogFn fn;            /* NULL: count only */
    void *opaque;
    unsigned long guest_errors;
} EduLog;

/* The default hook: one line on stderr per guest error. */
void edu_log_stderr(void *opaque, const char *msg);

void edu_log_guest_error(EduLog *log, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#define EDU_LOG_GUEST_ERROR(log, ...) edu_log_guest_error((log), __VA_ARGS__)

#endif /* EDU_LOG_H */
