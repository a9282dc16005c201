/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * edu_ioctl.h - ioctls of the edu driver's misc devices (/dev/edu0, ...).
 *
 * Shared by guest/driver/edu.c and the guest test program. Every ioctl
 * returns 0 or -1 with errno: EINVAL for an argument out of range, EFAULT
 * for a bad user pointer, ETIMEDOUT when the device did not interrupt in
 * time, EBUSY when it is still busy with an earlier command, EIO when it
 * answered something it never should, ENOTTY for an unknown ioctl.
 */
#ifndef _UAPI_EDU_IOCTL_H
#define _UAPI_EDU_IOCTL_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define EDU_IOC_MAGIC		'E'

/*
 * Size of the device's DMA buffer: the most one transfer moves. The driver
 * moves @dma_size bytes of it (struct edu_counters): 4095 unless loaded
 * with full_buffer=1, as QEMU 7.2's edu aborts the emulator on a transfer
 * that ends exactly at the buffer's end.
 */
#define EDU_IOC_DMA_MAX		4096

/**
 * struct edu_dma - one transfer between a user buffer and the device buffer
 * @addr:	user address of @len bytes
 * @len:	1..EDU_IOC_DMA_MAX
 * @offset:	offset in the device buffer; @offset + @len <= dma_size
 * @flags:	must be 0
 */
struct edu_dma {
	__u64 addr;
	__u32 len;
	__u32 offset;
	__u32 flags;
	__u32 reserved;
};

/**
 * struct edu_counters - what the driver's interrupt handler has seen
 * @irq_calls:	calls of the handler (each one an interrupt on its line)
 * @irq_handled: calls that found a cause in the device (IRQ_HANDLED)
 * @irq_spurious: calls that found none (IRQ_NONE: another device's
 *		interrupt on a shared line, or a stray one)
 * @fact_irqs:	handled interrupts with the factorial bit (0x001)
 * @dma_irqs:	handled interrupts with the DMA bit (0x100)
 * @other_irqs:	handled interrupts with any other bit
 * @irq:	Linux IRQ number (the line of /proc/interrupts)
 * @msi:	1 when the device interrupts through MSI, 0 for INTx
 * @dma_size:	bytes of the device buffer that transfers may reach
 * @reserved:	0
 */
struct edu_counters {
	__u64 irq_calls;
	__u64 irq_handled;
	__u64 irq_spurious;
	__u64 fact_irqs;
	__u64 dma_irqs;
	__u64 other_irqs;
	__u32 irq;
	__u32 msi;
	__u32 dma_size;
	__u32 reserved;
};

/**
 * struct edu_bench_mmio - EDU_IOC_BENCH_MMIO: the MMIO round trip, timed
 * @times:	user address of @reads __u64: each read's time in ns
 * @reads:	1..EDU_BENCH_MAX_READS 4-byte reads of the ID register
 * @bad:	out: how many did not read the ID
 */
struct edu_bench_mmio {
	__u64 times;
	__u32 reads;
	__u32 bad;
};

#define EDU_BENCH_MAX_READS	1000000

/* Read the identification register (0x010000ed for edu 1.0). */
#define EDU_IOC_GET_ID		_IOR(EDU_IOC_MAGIC, 0x00, __u32)
/* Write the value to the liveness register, return what it reads back. */
#define EDU_IOC_LIVENESS	_IOWR(EDU_IOC_MAGIC, 0x01, __u32)
/* Compute n! (32-bit, wrapping): the operand in, the result out. */
#define EDU_IOC_FACTORIAL	_IOWR(EDU_IOC_MAGIC, 0x02, __u32)
/* DMA from the user buffer into the device buffer. */
#define EDU_IOC_DMA_TO_DEV	_IOW(EDU_IOC_MAGIC, 0x03, struct edu_dma)
/* DMA from the device buffer into the user buffer. */
#define EDU_IOC_DMA_FROM_DEV	_IOW(EDU_IOC_MAGIC, 0x04, struct edu_dma)
/* Read the interrupt counters (and the IRQ, MSI and dma_size). */
#define EDU_IOC_GET_COUNTERS	_IOR(EDU_IOC_MAGIC, 0x05, struct edu_counters)
/* A benchmark: reads of the ID register, each timed with ktime_get_ns. */
#define EDU_IOC_BENCH_MMIO	\
	_IOWR(EDU_IOC_MAGIC, 0x06, struct edu_bench_mmio)

#endif /* _UAPI_EDU_IOCTL_H */
