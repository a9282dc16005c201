// SPDX-License-Identifier: GPL-2.0
/*
 * edu.c - driver for QEMU's educational PCI device "edu" (1234:11e8)
 *
 * One misc device per function (/dev/edu0, /dev/edu1, ...) with the ioctls
 * of uapi/edu_ioctl.h: identification, liveness, factorial on interrupt and
 * DMA between a user buffer and the device's 4 KiB buffer through one
 * coherent bounce buffer. Interrupts are legacy INTx by default (QEMU's
 * x-pci-proxy-dev does not forward MSI); use_msi=1 allows MSI.
 *
 * The device is not trusted: an identification or BAR that is not edu's
 * fails the probe, a register that reads what it never should is -EIO to
 * user space, an interrupt without a cause in the device is IRQ_NONE.
 */

#include <linux/delay.h>
#include <linux/dma-mapping.h>
#include <linux/idr.h>
#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/io-64-nonatomic-lo-hi.h>
#include <linux/kref.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <linux/wait.h>

#include <edu/regs.h>
#include <uapi/edu_ioctl.h>

#define DRV_MODULE_NAME		"edu"

/* Bits 31:24 major, 23:16 minor version, 7:0 always 0xed. */
#define EDU_ID_MAGIC_MASK	0xffu
#define EDU_ID_MAGIC		0xedu

static bool use_msi;
module_param(use_msi, bool, 0444);
MODULE_PARM_DESC(use_msi, "Allow MSI (default: legacy INTx only)");

/*
 * QEMU 7.2's edu aborts the emulator on a transfer that ends exactly at the
 * buffer's end (an off-by-one fixed in later QEMU), so by default the
 * buffer's last byte is left alone; the project's views allow it.
 */
static bool full_buffer;
module_param(full_buffer, bool, 0444);
MODULE_PARM_DESC(full_buffer,
		 "DMA may reach the buffer's last byte (QEMU 7.2 aborts)");

static unsigned int timeout_ms = 2000;
module_param(timeout_ms, uint, 0644);
MODULE_PARM_DESC(timeout_ms, "How long to wait for an interrupt (ms)");

static DEFINE_IDA(edu_ida);

struct edu_dev {
	struct pci_dev		*pdev;
	void __iomem		*base;
	struct miscdevice	miscdev;
	char			name[16];
	int			id;
	int			irq;
	bool			msi;

	void			*buf;
	dma_addr_t		buf_dma;

	/* Serialises commands; @removed is set under it. */
	struct mutex		lock;
	bool			removed;
	/* Open files and the PCI binding each hold one. */
	struct kref		ref;

	wait_queue_head_t	wait;
	/* Protects @pending and @cnt against the interrupt handler. */
	spinlock_t		irq_lock;
	u32			pending;
	struct edu_counters	cnt;
};

static u32 edu_readl(struct edu_dev *edu, u32 reg)
{
	return readl(edu->base + reg);
}

static void edu_writel(struct edu_dev *edu, u32 reg, u32 val)
{
	writel(val, edu->base + reg);
}

/* The DMA registers take 8-byte accesses; lo_hi where there are none. */
static u64 edu_readq(struct edu_dev *edu, u32 reg)
{
	return readq(edu->base + reg);
}

static void edu_writeq(struct edu_dev *edu, u32 reg, u64 val)
{
	writeq(val, edu->base + reg);
}

static irqreturn_t edu_irq_handler(int irq, void *data)
{
	struct edu_dev *edu = data;
	u32 status;

	status = edu_readl(edu, EDU_REG_IRQ_STATUS);
	spin_lock(&edu->irq_lock);
	edu->cnt.irq_calls++;
	/* All ones: the device is gone (or the read failed), not a cause. */
	if (!status || status == ~0u) {
		edu->cnt.irq_spurious++;
		spin_unlock(&edu->irq_lock);
		return IRQ_NONE;
	}
	edu_writel(edu, EDU_REG_IRQ_ACK, status);
	edu->cnt.irq_handled++;
	if (status & EDU_IRQ_FACT)
		edu->cnt.fact_irqs++;
	if (status & EDU_IRQ_DMA)
		edu->cnt.dma_irqs++;
	if (status & ~(EDU_IRQ_FACT | EDU_IRQ_DMA))
		edu->cnt.other_irqs++;
	edu->pending |= status;
	spin_unlock(&edu->irq_lock);

	wake_up(&edu->wait);
	return IRQ_HANDLED;
}

static void edu_clear_pending(struct edu_dev *edu, u32 bits)
{
	spin_lock_irq(&edu->irq_lock);
	edu->pending &= ~bits;
	spin_unlock_irq(&edu->irq_lock);
}

static bool edu_got_irq(struct edu_dev *edu, u32 bits)
{
	bool seen;

	spin_lock_irq(&edu->irq_lock);
	seen = edu->pending & bits;
	edu->pending &= ~bits;
	spin_unlock_irq(&edu->irq_lock);
	return seen;
}

/*
 * Sleeps until the handler has seen @bits, then until @busy() is false: an
 * interrupt left over from an earlier, timed-out command may come first.
 * Returns 0, -ETIMEDOUT or -EINTR.
 */
static int edu_wait(struct edu_dev *edu, u32 bits,
		    bool (*busy)(struct edu_dev *edu))
{
	long left = msecs_to_jiffies(timeout_ms);

	for (;;) {
		left = wait_event_interruptible_timeout(edu->wait,
							edu_got_irq(edu, bits),
							left);
		if (left < 0)
			return -EINTR;
		if (!left)
			return -ETIMEDOUT;
		if (!busy(edu))
			return 0;
	}
}

static bool edu_fact_busy(struct edu_dev *edu)
{
	return edu_readl(edu, EDU_REG_STATUS) & EDU_STATUS_COMPUTING;
}

static bool edu_dma_busy(struct edu_dev *edu)
{
	return edu_readq(edu, EDU_REG_DMA_CMD) & EDU_DMA_CMD_RUN;
}

static int edu_liveness(struct edu_dev *edu, u32 *val)
{
	u32 want = ~*val;

	edu_writel(edu, EDU_REG_LIVENESS, *val);
	*val = edu_readl(edu, EDU_REG_LIVENESS);
	return *val == want ? 0 : -EIO;
}

static int edu_factorial(struct edu_dev *edu, u32 *val)
{
	int ret;

	/* A write while computing is ignored: an earlier one timed out. */
	if (edu_fact_busy(edu))
		return -EBUSY;

	edu_clear_pending(edu, EDU_IRQ_FACT);
	edu_writel(edu, EDU_REG_STATUS, EDU_STATUS_IRQFACT);
	edu_writel(edu, EDU_REG_FACT, *val);
	ret = edu_wait(edu, EDU_IRQ_FACT, edu_fact_busy);
	if (ret)
		return ret;
	*val = edu_readl(edu, EDU_REG_FACT);
	return 0;
}

static u32 edu_dma_size(void)
{
	return full_buffer ? EDU_DMA_BUF_SIZE : EDU_DMA_BUF_SIZE - 1;
}

/* Runs one DMA between the coherent buffer and the device buffer. */
static int edu_dma_run(struct edu_dev *edu, bool to_dev, u32 offset, u32 len)
{
	u64 dev_addr = EDU_DMA_BUF_ADDR + offset;
	u64 cmd = EDU_DMA_CMD_RUN | EDU_DMA_CMD_IRQ;

	/* Writes while RUN is set are ignored: an earlier one timed out. */
	if (edu_dma_busy(edu))
		return -EBUSY;

	edu_clear_pending(edu, EDU_IRQ_DMA);
	if (to_dev) {
		edu_writeq(edu, EDU_REG_DMA_SRC, edu->buf_dma);
		edu_writeq(edu, EDU_REG_DMA_DST, dev_addr);
	} else {
		edu_writeq(edu, EDU_REG_DMA_SRC, dev_addr);
		edu_writeq(edu, EDU_REG_DMA_DST, edu->buf_dma);
		cmd |= EDU_DMA_CMD_TO_RAM;
	}
	edu_writeq(edu, EDU_REG_DMA_COUNT, len);
	edu_writeq(edu, EDU_REG_DMA_CMD, cmd);
	return edu_wait(edu, EDU_IRQ_DMA, edu_dma_busy);
}

static int edu_dma(struct edu_dev *edu, bool to_dev, void __user *argp)
{
	u32 size = edu_dma_size();
	struct edu_dma req;
	void __user *ubuf;
	int ret;

	if (copy_from_user(&req, argp, sizeof(req)))
		return -EFAULT;
	if (req.flags || req.reserved || !req.len || req.len > size ||
	    req.offset >= size || req.len > size - req.offset)
		return -EINVAL;
	ubuf = u64_to_user_ptr(req.addr);

	if (to_dev) {
		if (copy_from_user(edu->buf, ubuf, req.len))
			return -EFAULT;
		return edu_dma_run(edu, true, req.offset, req.len);
	}
	ret = edu_dma_run(edu, false, req.offset, req.len);
	if (ret)
		return ret;
	if (copy_to_user(ubuf, edu->buf, req.len))
		return -EFAULT;
	return 0;
}

/*
 * EDU_IOC_BENCH_MMIO: reads the ID register b.reads times, each between
 * two ktime_get_ns() (the guest's clock), and hands the times out.
 */
static long edu_bench_mmio(struct edu_dev *edu, void __user *argp)
{
	struct edu_bench_mmio b;
	u64 *times, t0;
	u32 i;
	long ret = 0;

	if (copy_from_user(&b, argp, sizeof(b)))
		return -EFAULT;
	if (!b.reads || b.reads > EDU_BENCH_MAX_READS)
		return -EINVAL;
	times = kvmalloc_array(b.reads, sizeof(*times), GFP_KERNEL);
	if (!times)
		return -ENOMEM;
	b.bad = 0;
	for (i = 0; i < b.reads; i++) {
		t0 = ktime_get_ns();
		b.bad += edu_readl(edu, EDU_REG_ID) != EDU_ID_VALUE;
		times[i] = ktime_get_ns() - t0;
		if (!(i % 1024))
			cond_resched();
	}
	if (copy_to_user(u64_to_user_ptr(b.times), times,
			 (size_t)b.reads * sizeof(*times)) ||
	    copy_to_user(argp, &b, sizeof(b)))
		ret = -EFAULT;
	kvfree(times);
	return ret;
}

static long edu_ioctl_locked(struct edu_dev *edu, unsigned int cmd,
			     void __user *argp)
{
	struct edu_counters cnt;
	u32 val;
	int ret;

	switch (cmd) {
	case EDU_IOC_GET_ID:
		val = edu_readl(edu, EDU_REG_ID);
		if ((val & EDU_ID_MAGIC_MASK) != EDU_ID_MAGIC)
			return -EIO;
		return put_user(val, (u32 __user *)argp);
	case EDU_IOC_LIVENESS:
		if (get_user(val, (u32 __user *)argp))
			return -EFAULT;
		ret = edu_liveness(edu, &val);
		if (put_user(val, (u32 __user *)argp))
			return -EFAULT;
		return ret;
	case EDU_IOC_FACTORIAL:
		if (get_user(val, (u32 __user *)argp))
			return -EFAULT;
		ret = edu_factorial(edu, &val);
		if (ret)
			return ret;
		return put_user(val, (u32 __user *)argp);
	case EDU_IOC_DMA_TO_DEV:
		return edu_dma(edu, true, argp);
	case EDU_IOC_DMA_FROM_DEV:
		return edu_dma(edu, false, argp);
	case EDU_IOC_GET_COUNTERS:
		spin_lock_irq(&edu->irq_lock);
		cnt = edu->cnt;
		spin_unlock_irq(&edu->irq_lock);
		cnt.dma_size = edu_dma_size();
		if (copy_to_user(argp, &cnt, sizeof(cnt)))
			return -EFAULT;
		return 0;
	case EDU_IOC_BENCH_MMIO:
		return edu_bench_mmio(edu, argp);
	}
	return -ENOTTY;
}

static struct edu_dev *to_edu_dev(struct file *file)
{
	return container_of(file->private_data, struct edu_dev, miscdev);
}

static long edu_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct edu_dev *edu = to_edu_dev(file);
	long ret;

	if (_IOC_TYPE(cmd) != EDU_IOC_MAGIC)
		return -ENOTTY;
	if (mutex_lock_interruptible(&edu->lock))
		return -EINTR;
	if (edu->removed)
		ret = -ENODEV;
	else
		ret = edu_ioctl_locked(edu, cmd, (void __user *)arg);
	mutex_unlock(&edu->lock);
	return ret;
}

static void edu_release_dev(struct kref *ref)
{
	struct edu_dev *edu = container_of(ref, struct edu_dev, ref);

	ida_free(&edu_ida, edu->id);
	kfree(edu);
}

/* misc_open() has set private_data to our miscdevice, under misc_mtx. */
static int edu_open(struct inode *inode, struct file *file)
{
	kref_get(&to_edu_dev(file)->ref);
	return 0;
}

static int edu_release(struct inode *inode, struct file *file)
{
	kref_put(&to_edu_dev(file)->ref, edu_release_dev);
	return 0;
}

static const struct file_operations edu_fops = {
	.owner		= THIS_MODULE,
	.open		= edu_open,
	.release	= edu_release,
	.unlocked_ioctl	= edu_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
};

static void edu_put(void *data)
{
	struct edu_dev *edu = data;

	kref_put(&edu->ref, edu_release_dev);
}

static int edu_setup_irq(struct edu_dev *edu)
{
	struct pci_dev *pdev = edu->pdev;
	unsigned int types = PCI_IRQ_LEGACY;
	int ret;

	if (use_msi)
		types |= PCI_IRQ_MSI;
	/* pcim_enable_device() makes the vectors managed. */
	ret = pci_alloc_irq_vectors(pdev, 1, 1, types);
	if (ret < 0)
		return dev_err_probe(&pdev->dev, ret, "no interrupt\n");
	edu->irq = pci_irq_vector(pdev, 0);
	edu->msi = pdev->msi_enabled;
	edu->cnt.irq = edu->irq;
	edu->cnt.msi = edu->msi;

	ret = devm_request_irq(&pdev->dev, edu->irq, edu_irq_handler,
			       IRQF_SHARED, edu->name, edu);
	if (ret)
		return dev_err_probe(&pdev->dev, ret, "cannot request IRQ %d\n",
				     edu->irq);
	return 0;
}

static int edu_probe(struct pci_dev *pdev, const struct pci_device_id *ent)
{
	struct device *dev = &pdev->dev;
	struct edu_dev *edu;
	u32 id;
	int ret;

	edu = kzalloc(sizeof(*edu), GFP_KERNEL);
	if (!edu)
		return -ENOMEM;
	edu->id = ida_alloc(&edu_ida, GFP_KERNEL);
	if (edu->id < 0) {
		ret = edu->id;
		kfree(edu);
		return ret;
	}
	kref_init(&edu->ref);
	mutex_init(&edu->lock);
	spin_lock_init(&edu->irq_lock);
	init_waitqueue_head(&edu->wait);
	edu->pdev = pdev;
	snprintf(edu->name, sizeof(edu->name), DRV_MODULE_NAME "%d", edu->id);

	/*
	 * devres drops the binding's reference after releasing everything
	 * managed below: after the IRQ is freed, never while the handler
	 * can still run.
	 */
	ret = devm_add_action_or_reset(dev, edu_put, edu);
	if (ret)
		return ret;

	ret = pcim_enable_device(pdev);
	if (ret) {
		dev_err(dev, "cannot enable device\n");
		return ret;
	}

	if (!(pci_resource_flags(pdev, 0) & IORESOURCE_MEM) ||
	    pci_resource_len(pdev, 0) < EDU_REG_DMA_CMD + 8) {
		dev_err(dev, "BAR0 is not edu's register window\n");
		return -ENODEV;
	}
	ret = pcim_iomap_regions(pdev, BIT(0), DRV_MODULE_NAME);
	if (ret) {
		dev_err(dev, "cannot map BAR0\n");
		return ret;
	}
	edu->base = pcim_iomap_table(pdev)[0];

	id = edu_readl(edu, EDU_REG_ID);
	if ((id & EDU_ID_MAGIC_MASK) != EDU_ID_MAGIC) {
		dev_err(dev, "identification 0x%08x is not edu's\n", id);
		return -ENODEV;
	}

	pci_set_master(pdev);

	ret = dma_set_mask_and_coherent(dev, DMA_BIT_MASK(28));
	if (ret) {
		dev_err(dev, "no usable 28-bit DMA\n");
		return ret;
	}
	edu->buf = dmam_alloc_coherent(dev, EDU_DMA_BUF_SIZE, &edu->buf_dma,
				       GFP_KERNEL);
	if (!edu->buf)
		return -ENOMEM;

	/* No factorial interrupt until asked; nothing left pending. */
	edu_writel(edu, EDU_REG_STATUS, 0);
	edu_writel(edu, EDU_REG_IRQ_ACK, ~0u);

	ret = edu_setup_irq(edu);
	if (ret)
		return ret;

	edu->miscdev.minor = MISC_DYNAMIC_MINOR;
	edu->miscdev.name = edu->name;
	edu->miscdev.fops = &edu_fops;
	edu->miscdev.parent = dev;
	ret = misc_register(&edu->miscdev);
	if (ret) {
		dev_err(dev, "cannot register %s\n", edu->name);
		return ret;
	}

	pci_set_drvdata(pdev, edu);
	dev_info(dev, "%s: id 0x%08x, %s irq %d\n", edu->name, id,
		 edu->msi ? "MSI" : "INTx", edu->irq);
	return 0;
}

static void edu_remove(struct pci_dev *pdev)
{
	struct edu_dev *edu = pci_get_drvdata(pdev);

	misc_deregister(&edu->miscdev);

	/* Files still open get -ENODEV from now on. */
	mutex_lock(&edu->lock);
	edu->removed = true;
	edu_writel(edu, EDU_REG_STATUS, 0);
	mutex_unlock(&edu->lock);

	/* devres frees the IRQ, buffer and mapping, then drops our ref. */
}

static const struct pci_device_id edu_pci_ids[] = {
	{ PCI_DEVICE(EDU_VENDOR_ID, EDU_DEVICE_ID) },
	{ }
};
MODULE_DEVICE_TABLE(pci, edu_pci_ids);

static struct pci_driver edu_pci_driver = {
	.name		= DRV_MODULE_NAME,
	.id_table	= edu_pci_ids,
	.probe		= edu_probe,
	.remove		= edu_remove,
};
module_pci_driver(edu_pci_driver);

MODULE_DESCRIPTION("Driver for QEMU's educational PCI device (edu)");
MODULE_LICENSE("GPL");
