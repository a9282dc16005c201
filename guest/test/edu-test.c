// SPDX-License-Identifier: GPL-2.0
/*
 * edu-test.c - checks an edu device through the edu driver, in the guest.
 *
 *   edu-test [--dev /dev/edu0] [--seed N] [--dma-rounds N] [--timeout]
 *            [--unbind]
 *   edu-test [--dev /dev/edu0] --counters
 *   edu-test [--dev /dev/edu0] --bench [--bench-reads N] [--bench-seconds S]
 *
 * Identity, liveness, factorials 0..20, DMA round trips of random sizes
 * and offsets with their contents compared, the driver's interrupt counters
 * against the work done and against /proc/interrupts, and ioctls that must
 * fail. Prints one line per check and closes with "N passed, N failed";
 * exits 0 only when nothing failed. --timeout adds a factorial that outlasts
 * the driver's timeout (QEMU's edu: 0.2 s; far longer on a clocked view).
 * --unbind adds, last, an unbind of the
 * PCI device with a file open and a bind again. --counters prints the
 * driver's interrupt counters instead. --bench measures instead (below).
 *
 * Written in the kernel's style, like the driver and the uapi header it
 * shares (tools/testing/selftests does the same).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include <edu/regs.h>
#include <uapi/edu_ioctl.h>

#define FACT_MAX	20
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static unsigned int passed, failed;
static uint64_t rng_state;

/* Counts one check and prints its line; detail only on failure. */
static bool check(bool ok, const char *name, const char *fmt, ...)
{
	va_list ap;

	if (ok) {
		passed++;
		printf("PASS %s\n", name);
	} else {
		failed++;
		printf("FAIL %s: ", name);
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
		printf("\n");
	}
	fflush(stdout);
	return ok;
}

/* xorshift64*: the same seed gives the same run. */
static uint64_t rng_next(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}

static uint32_t rng_below(uint32_t n)
{
	return (uint32_t)(rng_next() % n);
}

/* The ioctl's errno, or 0 when it succeeded. */
static int xioctl(int fd, unsigned long req, void *arg)
{
	return ioctl(fd, req, arg) ? errno : 0;
}

static int get_counters(int fd, struct edu_counters *cnt)
{
	return xioctl(fd, EDU_IOC_GET_COUNTERS, cnt);
}

/*
 * Sums the per-CPU counts of IRQ @irq in /proc/interrupts and tells
 * whether @name is the only action on the line. Returns -1 when absent.
 */
static int64_t proc_irq_count(unsigned int irq, const char *name,
			      bool *exclusive)
{
	char line[1024], *p, *end, *last;
	int64_t sum = -1;
	FILE *f;

	f = fopen("/proc/interrupts", "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		unsigned long n = strtoul(line, &p, 10);

		if (p == line || *p != ':' || n != irq)
			continue;
		sum = 0;
		for (p++;;) {
			unsigned long long v = strtoull(p, &end, 10);

			if (end == p)
				break;
			sum += v;
			p = end;
		}
		line[strcspn(line, "\n")] = '\0';
		last = strrchr(p, ' ');
		*exclusive = !strchr(p, ',') && last &&
			     !strcmp(last + 1, name);
		break;
	}
	fclose(f);
	return sum;
}

static void test_identity(int fd)
{
	uint32_t id = 0;
	int err = xioctl(fd, EDU_IOC_GET_ID, &id);

	check(!err && id == EDU_ID_VALUE, "identity: ID register 0x010000ed",
	      "errno %d, id 0x%08" PRIx32, err, id);
}

static void test_liveness(int fd)
{
	uint32_t vals[] = { 0, 0xffffffffu, 0x12345678u, 0xa5a5a5a5u,
			    (uint32_t)rng_next() };
	unsigned int i, bad = 0;
	uint32_t v = 0, want = 0;
	int err = 0;

	for (i = 0; i < ARRAY_SIZE(vals); i++) {
		v = vals[i];
		want = ~v;
		err = xioctl(fd, EDU_IOC_LIVENESS, &v);
		if (err || v != want) {
			bad++;
			break;
		}
	}
	check(!bad, "liveness: reads back the inverse of 5 values",
	      "wrote 0x%08" PRIx32 ": errno %d, read 0x%08" PRIx32,
	      ~want, err, v);
}

static void test_factorials(int fd)
{
	uint32_t want = 1, v = 0;
	char name[64];
	unsigned int n;
	int err;

	for (n = 0; n <= FACT_MAX; n++) {
		if (n)
			want *= n;
		v = n;
		err = xioctl(fd, EDU_IOC_FACTORIAL, &v);
		snprintf(name, sizeof(name), "factorial: %u! = %" PRIu32,
			 n, want);
		check(!err && v == want, name, "errno %d, got %" PRIu32,
		      err, v);
	}
}

static int dma(int fd, unsigned long req, void *buf, uint32_t off,
	       uint32_t len)
{
	struct edu_dma d = {
		.addr = (uintptr_t)buf,
		.len = len,
		.offset = off,
	};

	return xioctl(fd, req, &d);
}

/*
 * Random round trips: bytes to the device buffer and back, the copy read
 * into a buffer filled with a marker so a short or long copy shows.
 * Returns the number of DMAs the device ran.
 */
static unsigned int test_dma_rounds(int fd, unsigned int rounds,
				    uint32_t size)
{
	static uint8_t out[EDU_DMA_BUF_SIZE + 64], in[EDU_DMA_BUF_SIZE + 64];
	unsigned int i, j, ran = 0;
	char name[64], why[160] = "";
	uint32_t len, off;
	int err;

	for (i = 0; i < rounds && !why[0]; i++) {
		len = 1 + rng_below(size);
		off = rng_below(size - len + 1);
		for (j = 0; j < len; j++)
			out[j] = (uint8_t)rng_next();
		memset(in, 0x5a, sizeof(in));

		err = dma(fd, EDU_IOC_DMA_TO_DEV, out, off, len);
		if (!err) {
			ran++;
			err = dma(fd, EDU_IOC_DMA_FROM_DEV, in, off, len);
		}
		if (!err)
			ran++;
		if (err) {
			snprintf(why, sizeof(why),
				 "round %u (off %" PRIu32 " len %" PRIu32
				 "): errno %d", i, off, len, err);
			break;
		}
		for (j = 0; j < len; j++) {
			if (in[j] != out[j])
				break;
		}
		if (j < len) {
			snprintf(why, sizeof(why),
				 "round %u (off %" PRIu32 " len %" PRIu32
				 "): byte %u is 0x%02x, wrote 0x%02x",
				 i, off, len, j, in[j], out[j]);
			break;
		}
		for (j = len; j < sizeof(in); j++) {
			if (in[j] != 0x5a)
				break;
		}
		if (j < sizeof(in))
			snprintf(why, sizeof(why),
				 "round %u (off %" PRIu32 " len %" PRIu32
				 "): wrote past the length, at byte %u",
				 i, off, len, j);
	}
	snprintf(name, sizeof(name),
		 "dma: %u round trips of 1..%" PRIu32 " bytes, contents equal",
		 rounds, size);
	check(!why[0], name, "%s", why);
	return ran;
}

/* A part written at an offset lands there and nowhere else. */
static unsigned int test_dma_offset(int fd, uint32_t size)
{
	static uint8_t whole[EDU_DMA_BUF_SIZE], part[100],
		       back[EDU_DMA_BUF_SIZE];
	const uint32_t off = 1000;
	unsigned int j, ran = 0;
	int err;

	for (j = 0; j < sizeof(whole); j++)
		whole[j] = (uint8_t)j;
	memset(part, 0xee, sizeof(part));
	err = dma(fd, EDU_IOC_DMA_TO_DEV, whole, 0, size);
	if (!err) {
		ran++;
		err = dma(fd, EDU_IOC_DMA_TO_DEV, part, off, sizeof(part));
	}
	if (!err) {
		ran++;
		err = dma(fd, EDU_IOC_DMA_FROM_DEV, back, 0, size);
	}
	if (!err)
		ran++;
	memcpy(whole + off, part, sizeof(part));
	check(!err && !memcmp(whole, back, size),
	      "dma: 100 bytes at offset 1000 change only those bytes",
	      "errno %d", err);
	return ran;
}

static void expect_errno(int got, int want, const char *name)
{
	check(got == want, name, "errno %d (%s), want %d (%s)", got,
	      strerror(got), want, strerror(want));
}

/* Returns the number of DMAs the device ran (one, before a copy-out). */
static unsigned int test_bad_ioctls(int fd, uint32_t size)
{
	static uint8_t buf[EDU_DMA_BUF_SIZE + 1];
	struct edu_dma d = { .addr = (uintptr_t)buf, .len = 16 };
	uint32_t v = 0;
	int err;

	expect_errno(xioctl(fd, _IO(EDU_IOC_MAGIC, 0x7f), NULL), ENOTTY,
		     "bad ioctl: unknown number -> ENOTTY");
	expect_errno(xioctl(fd, _IOR('x', 0x00, uint32_t), &v), ENOTTY,
		     "bad ioctl: another driver's magic -> ENOTTY");
	expect_errno(dma(fd, EDU_IOC_DMA_TO_DEV, buf, 0, 0), EINVAL,
		     "bad ioctl: DMA of 0 bytes -> EINVAL");
	expect_errno(dma(fd, EDU_IOC_DMA_TO_DEV, buf, 0, 4097), EINVAL,
		     "bad ioctl: DMA of 4097 bytes -> EINVAL");
	expect_errno(dma(fd, EDU_IOC_DMA_FROM_DEV, buf, 0, 0xffffffffu),
		     EINVAL, "bad ioctl: DMA of 2^32-1 bytes -> EINVAL");
	expect_errno(dma(fd, EDU_IOC_DMA_TO_DEV, buf, 4000, 97), EINVAL,
		     "bad ioctl: DMA past the buffer's end -> EINVAL");
	expect_errno(dma(fd, EDU_IOC_DMA_TO_DEV, buf, 0xfffff000u, 4096),
		     EINVAL, "bad ioctl: DMA offset wrapping 32 bits -> EINVAL");
	if (size < EDU_DMA_BUF_SIZE)
		expect_errno(dma(fd, EDU_IOC_DMA_TO_DEV, buf, 0, size + 1),
			     EINVAL, "bad ioctl: DMA past dma_size -> EINVAL");
	d.flags = 1;
	expect_errno(xioctl(fd, EDU_IOC_DMA_TO_DEV, &d), EINVAL,
		     "bad ioctl: DMA with unknown flags -> EINVAL");
	expect_errno(dma(fd, EDU_IOC_DMA_TO_DEV, NULL, 0, 16), EFAULT,
		     "bad ioctl: DMA from a NULL user buffer -> EFAULT");
	expect_errno(dma(fd, EDU_IOC_DMA_TO_DEV, (void *)8, 0, 16), EFAULT,
		     "bad ioctl: DMA from an unmapped user buffer -> EFAULT");
	expect_errno(xioctl(fd, EDU_IOC_DMA_TO_DEV, (void *)8), EFAULT,
		     "bad ioctl: DMA request at a bad address -> EFAULT");
	expect_errno(xioctl(fd, EDU_IOC_FACTORIAL, NULL), EFAULT,
		     "bad ioctl: factorial operand at NULL -> EFAULT");
	expect_errno(xioctl(fd, EDU_IOC_GET_ID, NULL), EFAULT,
		     "bad ioctl: identity into NULL -> EFAULT");
	expect_errno(xioctl(fd, EDU_IOC_GET_COUNTERS, NULL), EFAULT,
		     "bad ioctl: counters into NULL -> EFAULT");
	/* The device runs this one; the copy out fails. */
	err = dma(fd, EDU_IOC_DMA_FROM_DEV, NULL, 0, 16);
	expect_errno(err, EFAULT,
		     "bad ioctl: DMA into a NULL user buffer -> EFAULT");
	return err == EFAULT;
}

static void test_irq_counts(int fd, const struct edu_counters *c0,
			    unsigned int dmas)
{
	uint64_t calls, handled, fact, dma_irqs;
	struct edu_counters c1;
	char name[96];
	int err;

	err = get_counters(fd, &c1);
	if (!check(!err, "counters: readable", "errno %d", err))
		return;
	calls = c1.irq_calls - c0->irq_calls;
	handled = c1.irq_handled - c0->irq_handled;
	fact = c1.fact_irqs - c0->fact_irqs;
	dma_irqs = c1.dma_irqs - c0->dma_irqs;
	printf("INFO irq %u (%s): handler calls %" PRIu64 ", handled %"
	       PRIu64 ", spurious %" PRIu64 ", factorial %" PRIu64
	       ", dma %" PRIu64 ", other %" PRIu64 "\n", c1.irq,
	       c1.msi ? "MSI" : "INTx", calls, handled,
	       (uint64_t)(c1.irq_spurious - c0->irq_spurious), fact,
	       dma_irqs, (uint64_t)(c1.other_irqs - c0->other_irqs));

	snprintf(name, sizeof(name), "counters: %d factorial interrupts",
		 FACT_MAX + 1);
	check(fact == FACT_MAX + 1, name, "counted %" PRIu64, fact);
	snprintf(name, sizeof(name), "counters: %u DMA interrupts", dmas);
	check(dma_irqs == dmas, name, "counted %" PRIu64, dma_irqs);
	check(handled == fact + dma_irqs &&
	      c1.other_irqs == c0->other_irqs,
	      "counters: every handled interrupt had one cause",
	      "handled %" PRIu64 ", factorial + dma %" PRIu64, handled,
	      fact + dma_irqs);
}

static void test_proc_interrupts(const struct edu_counters *c0,
				 const struct edu_counters *c1,
				 int64_t proc0, int64_t proc1, bool excl)
{
	uint64_t calls = c1->irq_calls - c0->irq_calls;
	uint64_t handled = c1->irq_handled - c0->irq_handled;
	int64_t grown = proc1 - proc0;

	if (!check(proc0 >= 0 && proc1 >= 0,
		   "/proc/interrupts: the device's line is listed",
		   "no line for IRQ %u", c1->irq))
		return;
	printf("INFO /proc/interrupts line %u grew by %" PRId64
	       " (%s)\n", c1->irq, grown,
	       excl ? "the driver alone on it" : "shared");
	check(grown >= 0 && (uint64_t)grown >= handled,
	      "/proc/interrupts: grew by at least the handled interrupts",
	      "grew by %" PRId64 ", handled %" PRIu64, grown, handled);
	/*
	 * Every interrupt on a line calls each of its handlers once, ours
	 * included, shared or not: exact on one CPU (on more, an interrupt
	 * arriving while the handler runs elsewhere is counted, replayed).
	 */
	check((uint64_t)grown == calls,
	      "/proc/interrupts: grew by exactly the handler calls",
	      "grew by %" PRId64 ", calls %" PRIu64, grown, calls);
}

static int write_sysfs(const char *path, const char *val)
{
	ssize_t n;
	int fd;

	fd = open(path, O_WRONLY);
	if (fd < 0)
		return errno;
	n = write(fd, val, strlen(val));
	if (n < 0)
		n = -errno;
	close(fd);
	return n < 0 ? (int)-n : 0;
}

#define TIMEOUT_PARAM	"/sys/module/edu/parameters/timeout_ms"
#define SLOW_OPERAND	200000000u

/*
 * A factorial that outlasts a 1 ms timeout: ETIMEDOUT, then EBUSY while
 * the device still computes; once done, the next factorial is right even
 * though the late interrupt of the slow one may come first.
 */
static void test_timeout(int fd)
{
	char old[32] = "";
	unsigned long tries;
	uint32_t v;
	int err, pfd;
	ssize_t n;

	pfd = open(TIMEOUT_PARAM, O_RDONLY);
	n = pfd >= 0 ? read(pfd, old, sizeof(old) - 1) : -1;
	if (pfd >= 0)
		close(pfd);
	if (!check(n > 0 && !write_sysfs(TIMEOUT_PARAM, "1"),
		   "timeout: timeout_ms set to 1", "%s: %s", TIMEOUT_PARAM,
		   strerror(errno)))
		return;
	old[n] = '\0';

	v = SLOW_OPERAND;
	expect_errno(xioctl(fd, EDU_IOC_FACTORIAL, &v), ETIMEDOUT,
		     "timeout: a slow factorial -> ETIMEDOUT");
	v = 3;
	expect_errno(xioctl(fd, EDU_IOC_FACTORIAL, &v), EBUSY,
		     "timeout: the next one while computing -> EBUSY");
	write_sysfs(TIMEOUT_PARAM, old);

	/* Busy, not sleeping: an idle guest's clock would jump ahead. */
	for (tries = 0; tries < 10000000; tries++) {
		v = 5;
		err = xioctl(fd, EDU_IOC_FACTORIAL, &v);
		if (err != EBUSY)
			break;
	}
	check(!err && v == 120, "timeout: once done, 5! = 120",
	      "errno %d after %lu tries, got %" PRIu32, err, tries, v);
}

/*
 * Unbinds the PCI function from the driver while a file is open on it,
 * then binds it again: the open file must get ENODEV, the node must go
 * and come back, and the device must work again (IRQ included).
 */
static void test_unbind(const char *dev, const char *name)
{
	char path[PATH_MAX], link[PATH_MAX], *bdf;
	uint32_t id = 0, v = 5;
	ssize_t n;
	int fd, err;

	snprintf(path, sizeof(path), "/sys/class/misc/%s/device", name);
	n = readlink(path, link, sizeof(link) - 1);
	if (!check(n > 0, "unbind: the misc device names its PCI function",
		   "%s: %s", path, strerror(errno)))
		return;
	link[n] = '\0';
	bdf = strrchr(link, '/') ? strrchr(link, '/') + 1 : link;

	fd = open(dev, O_RDWR);
	if (!check(fd >= 0, "unbind: open before", "%s", strerror(errno)))
		return;
	err = write_sysfs("/sys/bus/pci/drivers/edu/unbind", bdf);
	check(!err, "unbind: the driver lets go of the function",
	      "%s: %s", bdf, strerror(err));
	check(access(dev, F_OK) != 0, "unbind: the device node is gone",
	      "%s still exists", dev);
	expect_errno(xioctl(fd, EDU_IOC_GET_ID, &id), ENODEV,
		     "unbind: a file still open gets ENODEV");
	close(fd);

	err = write_sysfs("/sys/bus/pci/drivers/edu/bind", bdf);
	check(!err, "unbind: the function binds again", "%s: %s", bdf,
	      strerror(err));
	fd = open(dev, O_RDWR);
	if (!check(fd >= 0, "unbind: the device node is back", "%s: %s", dev,
		   strerror(errno)))
		return;
	err = xioctl(fd, EDU_IOC_GET_ID, &id);
	if (!err)
		err = xioctl(fd, EDU_IOC_FACTORIAL, &v);
	check(!err && id == EDU_ID_VALUE && v == 120,
	      "unbind: bound again, identity and 5! on interrupt",
	      "errno %d, id 0x%08" PRIx32 ", 5! %" PRIu32, err, id, v);
	close(fd);
}

/*
 * --bench: figures, not checks. The MMIO round trip: @reads 4-byte reads
 * of the ID register by the driver (EDU_IOC_BENCH_MMIO; BAR0 cannot be
 * mapped from sysfs while the driver holds it), each timed with
 * ktime_get_ns (the guest's clock: it follows the host's only when QEMU
 * runs without -icount); then DMA round trips of dma_size
 * bytes (to the device and back through the driver) for @seconds. Lines
 * "edu-bench: ... begin" / "end" mark each phase, flushed at once, so
 * that a host reading the console can time them with its own clock.
 */
static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void bench_mmio(int fd, unsigned long reads)
{
	struct edu_bench_mmio b = { .reads = reads };
	uint64_t *t, sum = 0;
	unsigned long i;
	int err;

	t = calloc(reads ? reads : 1, sizeof(*t));
	if (!check(t, "bench: memory for the times", "%s", strerror(errno)))
		return;
	b.times = (uintptr_t)t;
	printf("edu-bench: mmio begin\n");
	fflush(stdout);
	err = xioctl(fd, EDU_IOC_BENCH_MMIO, &b);
	printf("edu-bench: mmio end\n");
	if (check(!err && !b.bad, "bench: every ID read 0x010000ed",
		  "errno %d, %" PRIu32 " bad", err, b.bad)) {
		for (i = 0; i < reads; i++)
			sum += t[i];
		qsort(t, reads, sizeof(*t), cmp_u64);
		printf("edu-bench: mmio reads %lu p50_ns %" PRIu64
		       " p99_ns %" PRIu64 " mean_ns %" PRIu64
		       " (guest ktime_get_ns)\n", reads, t[reads / 2],
		       t[reads * 99 / 100], sum / reads);
	}
	free(t);
}

static void bench_dma(int fd, uint32_t size, unsigned int seconds)
{
	static uint8_t out[EDU_DMA_BUF_SIZE], in[EDU_DMA_BUF_SIZE];
	uint64_t start, end, n = 0;
	int err = 0;

	memset(out, 0x5a, sizeof(out));
	printf("edu-bench: dma begin\n");
	fflush(stdout);
	start = now_ns();
	end = start + (uint64_t)seconds * 1000000000u;
	do {
		err = dma(fd, EDU_IOC_DMA_TO_DEV, out, 0, size);
		if (!err)
			err = dma(fd, EDU_IOC_DMA_FROM_DEV, in, 0, size);
		if (err)
			break;
		n++;
	} while (n < 5 || now_ns() < end);
	end = now_ns();
	printf("edu-bench: dma end\n");
	printf("edu-bench: dma round_trips %" PRIu64 " bytes %" PRIu32
	       " ns %" PRIu64 " (guest CLOCK_MONOTONIC)\n", n, size,
	       end - start);
	check(!err && !memcmp(out, in, size), "bench: DMA round trips",
	      "errno %d", err);
}

static int run_bench(const char *dev, unsigned long reads,
		     unsigned int seconds)
{
	struct edu_counters c;
	int fd;

	fd = open(dev, O_RDWR);
	if (check(fd >= 0, "bench: open the device", "%s: %s", dev,
		  strerror(errno))) {
		bench_mmio(fd, reads);
		if (check(!get_counters(fd, &c), "bench: counters", "%s",
			  strerror(errno)))
			bench_dma(fd, c.dma_size, seconds);
		close(fd);
	}
	printf("%u passed, %u failed\n", passed, failed);
	return failed ? 1 : 0;
}

static void print_usage(const char *prog)
{
	fprintf(stderr,
		"usage: %s [--dev PATH] [--seed N] [--dma-rounds N] [--timeout] [--unbind]\n",
		prog);
	fprintf(stderr, "       %s [--dev PATH] --counters\n", prog);
	fprintf(stderr,
		"       %s [--dev PATH] --bench [--bench-reads N] [--bench-seconds S]\n",
		prog);
	exit(2);
}

static int print_counters(const char *dev)
{
	struct edu_counters c;
	int fd, err;

	fd = open(dev, O_RDWR);
	if (fd < 0) {
		fprintf(stderr, "%s: %s\n", dev, strerror(errno));
		return 1;
	}
	err = get_counters(fd, &c);
	close(fd);
	if (err) {
		fprintf(stderr, "%s: counters: %s\n", dev, strerror(err));
		return 1;
	}
	printf("%s: irq %u (%s), dma_size %u\n", dev, c.irq,
	       c.msi ? "MSI" : "INTx", c.dma_size);
	printf("%s: handler calls %llu, handled %llu, spurious %llu\n", dev,
	       (unsigned long long)c.irq_calls,
	       (unsigned long long)c.irq_handled,
	       (unsigned long long)c.irq_spurious);
	printf("%s: factorial %llu, dma %llu, other %llu\n", dev,
	       (unsigned long long)c.fact_irqs,
	       (unsigned long long)c.dma_irqs,
	       (unsigned long long)c.other_irqs);
	return 0;
}

int main(int argc, char **argv)
{
	const char *dev = "/dev/edu0", *name;
	struct edu_counters c0, c1;
	unsigned int rounds = 1000, dmas = 0;
	uint64_t seed = (uint64_t)time(NULL);
	int64_t proc0, proc1;
	bool excl0 = false, excl1 = false, counters = false, unbind = false;
	bool timeout = false, bench = false;
	unsigned long bench_reads = 100000;
	unsigned int bench_seconds = 3;
	int i, fd, err;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--dev") && i + 1 < argc)
			dev = argv[++i];
		else if (!strcmp(argv[i], "--seed") && i + 1 < argc)
			seed = strtoull(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--dma-rounds") && i + 1 < argc)
			rounds = strtoul(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--counters"))
			counters = true;
		else if (!strcmp(argv[i], "--unbind"))
			unbind = true;
		else if (!strcmp(argv[i], "--timeout"))
			timeout = true;
		else if (!strcmp(argv[i], "--bench"))
			bench = true;
		else if (!strcmp(argv[i], "--bench-reads") && i + 1 < argc)
			bench_reads = strtoul(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--bench-seconds") && i + 1 < argc)
			bench_seconds = strtoul(argv[++i], NULL, 0);
		else
			print_usage(argv[0]);
	}
	if (counters)
		return print_counters(dev);
	if (bench)
		return run_bench(dev, bench_reads, bench_seconds);
	rng_state = seed ? seed : 1;
	printf("INFO edu-test on %s, seed %" PRIu64 "\n", dev, seed);
	printf("INFO replay: %s --dev %s --seed %" PRIu64 " --dma-rounds %u\n",
	       argv[0], dev, seed, rounds);

	fd = open(dev, O_RDWR);
	if (!check(fd >= 0, "open the device", "%s: %s", dev,
		   strerror(errno)))
		goto out;
	err = get_counters(fd, &c0);
	if (!check(!err, "counters: readable before the run", "errno %d",
		   err))
		goto out;
	name = strrchr(dev, '/') ? strrchr(dev, '/') + 1 : dev;
	proc0 = proc_irq_count(c0.irq, name, &excl0);
	printf("INFO irq %u (%s), DMA reaches %" PRIu32 " bytes of the buffer\n",
	       c0.irq, c0.msi ? "MSI" : "INTx", c0.dma_size);
	if (!check(c0.dma_size >= 1100 && c0.dma_size <= EDU_DMA_BUF_SIZE,
		   "counters: dma_size in 1100..4096", "dma_size %" PRIu32,
		   c0.dma_size))
		goto out;

	test_identity(fd);
	test_liveness(fd);
	test_factorials(fd);
	dmas += test_dma_rounds(fd, rounds, c0.dma_size);
	dmas += test_dma_offset(fd, c0.dma_size);
	dmas += test_bad_ioctls(fd, c0.dma_size);

	proc1 = proc_irq_count(c0.irq, name, &excl1);
	test_irq_counts(fd, &c0, dmas);
	if (!get_counters(fd, &c1))
		test_proc_interrupts(&c0, &c1, proc0, proc1, excl0 && excl1);
	if (timeout)
		test_timeout(fd);
	close(fd);
	if (unbind)
		test_unbind(dev, name);
out:
	printf("%u passed, %u failed\n", passed, failed);
	return failed ? 1 : 0;
}
