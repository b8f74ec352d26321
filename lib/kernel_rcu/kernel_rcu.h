/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 */

#ifndef KERNEL_RCU_H
#define KERNEL_RCU_H

/*
 * Expedited kernel RCU grace periods around a sub-device probe or close:
 * a speed-up for PMDs whose set-up waits for grace periods (net_af_packet),
 * not a device-event concern, hence a library of its own.
 */

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Sets /sys/kernel/rcu_expedited (under lib/hotplug's sysfs root) to 1
 * until the matching kernel_rcu_expedite_end(); calls nest within the
 * process and only the outermost pair writes.  The knob is machine-wide:
 * every grace period then interrupts every CPU.  A knob already at 1 is
 * left alone.
 * @return 0; -ENOENT no such knob; -EACCES/-EPERM not root; -EINVAL it
 *   reads neither 0 nor 1; -ESHUTDOWN the process is exiting; -errno.
 *   Nothing is held on failure.
 */
int kernel_rcu_expedite_begin(void);
/** Ends one begin; the outermost puts the knob back as it was found. */
void kernel_rcu_expedite_end(void);
/** Begins not ended yet (for tests). */
int kernel_rcu_expedite_depth(void);

#ifdef __cplusplus
}
#endif

#endif /* KERNEL_RCU_H */
