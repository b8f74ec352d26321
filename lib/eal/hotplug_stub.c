/* SPDX-License-Identifier: BSD-3-Clause */
/* placeholder until the device-event layer lands */
int hotplug_placeholder;
