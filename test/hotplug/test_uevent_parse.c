/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 */

/* Parser table: every valid shape we rely on, every malformed one we refuse. */

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hotplug.h"

/* A datagram literal: the explicit trailing "\0" is the last field's NUL. */
#define DG(s) s, sizeof(s) - 1

/* A net datagram for v0 with the given action, then its last fields. */
#define V0 "/devices/virtual/net/v0"
#define V0_HEAD(act) act "@" V0 "\0ACTION=" act "\0DEVPATH=" V0 "\0SUBSYSTEM=net\0"
#define V0_FIELDS(ifname, ifindex, seqnum) \
	"INTERFACE=" ifname "\0IFINDEX=" ifindex "\0SEQNUM=" seqnum "\0"
#define V0_DG(act, ifname, ifindex, seqnum) \
	DG(V0_HEAD(act) V0_FIELDS(ifname, ifindex, seqnum))
#define V0_FIELDS_OK V0_FIELDS("v0", "7", "1")

#define NET_ADD V0_HEAD("add") V0_FIELDS("v0", "7", "4242")

struct parse_case {
	const char *what;
	const char *buf;
	size_t len;
	int ret;
	const char *reason; /* a substring of the reason given */
};

static const struct parse_case bad_cases[] = {
	{ "empty", DG(""), -EINVAL,
		"empty datagram" },
	{ "no NUL at end", "add@/x\0ACTION=add", 17, -EINVAL,
		"not NUL-terminated" },
	{ "header only, no NUL", "add@/devices/x", 14, -EINVAL,
		"not NUL-terminated" },
	{ "no '@'", DG("add" V0 "\0ACTION=add\0DEVPATH=" V0 "\0SUBSYSTEM=net\0"
		V0_FIELDS_OK), -EINVAL,
		"header without '@'" },
	{ "unknown action", V0_DG("explode", "v0", "7", "1"), -EINVAL,
		"unknown action" },
	{ "action prefix only", V0_DG("addx", "v0", "7", "1"), -EINVAL,
		"unknown action" },
	{ "header/ACTION disagree", DG("add@" V0 "\0ACTION=remove\0DEVPATH=" V0
		"\0SUBSYSTEM=net\0" V0_FIELDS_OK), -EINVAL,
		"header and ACTION disagree" },
	{ "header/DEVPATH disagree", DG("add@" V0 "\0ACTION=add\0"
		"DEVPATH=/devices/virtual/net/v1\0SUBSYSTEM=net\0" V0_FIELDS_OK),
		-EINVAL,
		"header and DEVPATH disagree" },
	{ "relative devpath", DG("add@devices\0ACTION=add\0DEVPATH=devices\0"
		"SUBSYSTEM=net\0" V0_FIELDS_OK), -EINVAL,
		"not absolute" },
	{ "missing ACTION", DG("add@" V0 "\0DEVPATH=" V0 "\0SUBSYSTEM=net\0"
		V0_FIELDS_OK), -EINVAL,
		"missing ACTION" },
	{ "missing SUBSYSTEM", DG("add@" V0 "\0ACTION=add\0DEVPATH=" V0 "\0"
		V0_FIELDS_OK), -EINVAL,
		"missing SUBSYSTEM" },
	{ "missing SEQNUM", DG(V0_HEAD("add") "INTERFACE=v0\0IFINDEX=7\0"),
		-EINVAL,
		"missing SEQNUM" },
	{ "SEQNUM not numeric", V0_DG("add", "v0", "7", "12a"), -EINVAL,
		"SEQNUM not a decimal" },
	{ "SEQNUM negative", V0_DG("add", "v0", "7", "-1"), -EINVAL,
		"SEQNUM not a decimal" },
	{ "SEQNUM overflow", V0_DG("add", "v0", "7", "18446744073709551616"),
		-EINVAL,
		"SEQNUM not a decimal" },
	{ "SEQNUM empty", V0_DG("add", "v0", "7", ""), -EINVAL,
		"SEQNUM not a decimal" },
	{ "duplicate key", DG(NET_ADD "SEQNUM=4243\0"), -EINVAL,
		"duplicate key" },
	{ "duplicate INTERFACE", DG(NET_ADD "INTERFACE=v1\0"), -EINVAL,
		"duplicate key" },
	{ "empty field", DG("add@" V0 "\0\0ACTION=add\0DEVPATH=" V0
		"\0SUBSYSTEM=net\0" V0_FIELDS_OK), -EINVAL,
		"empty field" },
	{ "field without '='", DG(NET_ADD "GARBAGE\0"), -EINVAL,
		"without '='" },
	{ "empty key", DG(NET_ADD "=value\0"), -EINVAL,
		"empty key" },
	{ "net without INTERFACE", DG(V0_HEAD("add") "IFINDEX=7\0SEQNUM=1\0"),
		-EINVAL,
		"without INTERFACE" },
	{ "INTERFACE too long", V0_DG("add", "abcdefghijklmnopq", "7", "1"),
		-EINVAL,
		"INTERFACE not a valid" },
	{ "INTERFACE with '/'", V0_DG("add", "../x", "7", "1"), -EINVAL,
		"INTERFACE not a valid" },
	{ "IFINDEX zero", V0_DG("add", "v0", "0", "1"), -EINVAL,
		"IFINDEX not a positive" },
	{ "IFINDEX too big", V0_DG("add", "v0", "2147483648", "1"), -EINVAL,
		"IFINDEX not a positive" },
	{ "pci without slot", DG("remove@/devices/pci0000:00/0000:00:03.0\0"
		"ACTION=remove\0DEVPATH=/devices/pci0000:00/0000:00:03.0\0"
		"SUBSYSTEM=pci\0SEQNUM=9\0"), -EINVAL,
		"without PCI_SLOT_NAME" },
	{ "pci slot malformed", DG("remove@/devices/pci0000:00/0000:00:03.0\0"
		"ACTION=remove\0DEVPATH=/devices/pci0000:00/0000:00:03.0\0"
		"SUBSYSTEM=pci\0PCI_SLOT_NAME=00:03.0\0SEQNUM=9\0"), -EINVAL,
		"PCI_SLOT_NAME not DDDD:BB:DD.F" },
	{ "pci id malformed", DG("add@/devices/pci0000:00/0000:00:03.0\0"
		"ACTION=add\0DEVPATH=/devices/pci0000:00/0000:00:03.0\0"
		"SUBSYSTEM=pci\0PCI_SLOT_NAME=0000:00:03.0\0PCI_ID=8086-10D3\0"
		"SEQNUM=9\0"), -EINVAL,
		"PCI_ID not VVVV:DDDD" },
	{ "DRIVER too long", DG(NET_ADD "DRIVER=" "0123456789012345678901234"
		"567890123456789012345678901234567890123456789\0"), -EINVAL,
		"DRIVER too long" },
	{ "unhandled subsystem", DG("add@/devices/virtual/block/loop0\0"
		"ACTION=add\0DEVPATH=/devices/virtual/block/loop0\0"
		"SUBSYSTEM=block\0SEQNUM=3\0"), -ENOTSUP,
		"subsystem not handled" },
	{ "subsystem prefix", DG("add@/devices/virtual/net/v0/queues/rx-0\0"
		"ACTION=add\0DEVPATH=/devices/virtual/net/v0/queues/rx-0\0"
		"SUBSYSTEM=netx\0SEQNUM=3\0"), -ENOTSUP,
		"subsystem not handled" },
	{ "libudev message", DG("libudev\0\xfe\xed\xca\xfe"), -ENOTSUP,
		"libudev message" },
};

static void
test_malformed_table(void **state)
{
	struct hotplug_event ev;
	const char *reason;
	size_t i;

	(void)state;
	assert_true(sizeof(bad_cases) / sizeof(bad_cases[0]) >= 20);
	for (i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct parse_case *c = &bad_cases[i];
		/*
		 * An exact-size heap copy: an overread is caught when the tests
		 * are built with -Db_sanitize=address (not the default build);
		 * the fuzz target, always built with ASan, reads these shapes too.
		 */
		char *copy = malloc(c->len > 0 ? c->len : 1);
		int ret;

		assert_non_null(copy);
		memcpy(copy, c->buf, c->len);
		reason = NULL;
		ret = hotplug_uevent_parse(copy, c->len, &ev, &reason);
		if (ret != c->ret)
			fail_msg("case '%s': got %d, want %d (%s)", c->what,
				ret, c->ret, reason ? reason : "-");
		if (reason == NULL || strstr(reason, c->reason) == NULL)
			fail_msg("case '%s': reason '%s', want '%s'", c->what,
				reason ? reason : "(none)", c->reason);
		/* the SEQNUM of a datagram we refuse is still reported */
		if (ret == -ENOTSUP && strcmp(c->what, "libudev message") != 0)
			assert_int_equal(ev.seqnum, 3);
		free(copy);
	}
}

static void
test_net_add(void **state)
{
	struct hotplug_event ev;
	const char *reason = "x";

	(void)state;
	assert_int_equal(hotplug_uevent_parse(DG(NET_ADD), &ev, &reason), 0);
	assert_null(reason);
	assert_int_equal(ev.action, HOTPLUG_ACTION_ADD);
	assert_int_equal(ev.subsystem, HOTPLUG_SUBSYS_NET);
	assert_int_equal(ev.seqnum, 4242);
	assert_string_equal(ev.devpath, "/devices/virtual/net/v0");
	assert_string_equal(ev.ifname, "v0");
	assert_string_equal(ev.name, "v0");
	assert_int_equal(ev.ifindex, 7);
	assert_false(ev.synth);
	assert_false(ev.resync);
}

static void
test_net_remove_unknown_keys(void **state)
{
	static const char dg[] = "remove@/devices/virtual/net/vX\0"
		"ACTION=remove\0DEVPATH=/devices/virtual/net/vX\0"
		"SUBSYSTEM=net\0INTERFACE=vX\0IFINDEX=12\0SEQNUM=5\0"
		"SYNTH_UUID=0\0FUTURE_KEY=whatever\0";
	struct hotplug_event ev;

	(void)state;
	assert_int_equal(hotplug_uevent_parse(DG(dg), &ev, NULL), 0);
	assert_int_equal(ev.action, HOTPLUG_ACTION_REMOVE);
	assert_string_equal(ev.name, "vX");
	assert_true(ev.synth);
}

/*
 * A renamed interface: "move" at the new path, DEVPATH_OLD at the old.
 * The old name is what a slot configured with it must hear about.
 */
static void
test_net_move(void **state)
{
	static const char dg[] = "move@/devices/virtual/net/vNew\0"
		"ACTION=move\0DEVPATH=/devices/virtual/net/vNew\0"
		"DEVPATH_OLD=/devices/virtual/net/vOld\0"
		"SUBSYSTEM=net\0INTERFACE=vNew\0IFINDEX=9\0SEQNUM=77\0";
	static const char no_old[] = "move@/devices/virtual/net/vNew\0"
		"ACTION=move\0DEVPATH=/devices/virtual/net/vNew\0"
		"SUBSYSTEM=net\0INTERFACE=vNew\0IFINDEX=9\0SEQNUM=78\0";
	static const char bad_old[] = "move@/devices/virtual/net/vNew\0"
		"ACTION=move\0DEVPATH=/devices/virtual/net/vNew\0"
		"DEVPATH_OLD=/devices/virtual/net/\0"
		"SUBSYSTEM=net\0INTERFACE=vNew\0IFINDEX=9\0SEQNUM=79\0";
	struct hotplug_event ev;
	const char *reason = NULL;

	(void)state;
	assert_int_equal(hotplug_uevent_parse(DG(dg), &ev, NULL), 0);
	assert_int_equal(ev.action, HOTPLUG_ACTION_MOVE);
	assert_string_equal(ev.name, "vNew");
	assert_string_equal(ev.ifname, "vNew");
	assert_string_equal(ev.old_name, "vOld");
	assert_int_equal(ev.ifindex, 9);
	/* Without DEVPATH_OLD: still a move, no old name to act on. */
	assert_int_equal(hotplug_uevent_parse(DG(no_old), &ev, NULL), 0);
	assert_string_equal(ev.old_name, "");
	assert_int_equal(hotplug_uevent_parse(DG(bad_old), &ev, &reason), -EINVAL);
	assert_non_null(reason);
	/* Other actions never carry one. */
	assert_int_equal(hotplug_uevent_parse(DG(NET_ADD), &ev, NULL), 0);
	assert_string_equal(ev.old_name, "");
}

static void
test_pci_bind(void **state)
{
	static const char dg[] = "bind@/devices/pci0000:00/0000:00:03.0\0"
		"ACTION=bind\0DEVPATH=/devices/pci0000:00/0000:00:03.0\0"
		"SUBSYSTEM=pci\0DRIVER=vfio-pci\0PCI_CLASS=20000\0"
		"PCI_ID=8086:10D3\0PCI_SUBSYS_ID=8086:0000\0"
		"PCI_SLOT_NAME=0000:00:03.0\0MODALIAS=pci:v00008086d000010D3\0"
		"SEQNUM=1811\0";
	struct hotplug_event ev;

	(void)state;
	assert_int_equal(hotplug_uevent_parse(DG(dg), &ev, NULL), 0);
	assert_int_equal(ev.action, HOTPLUG_ACTION_BIND);
	assert_int_equal(ev.subsystem, HOTPLUG_SUBSYS_PCI);
	assert_string_equal(ev.name, "0000:00:03.0");
	assert_string_equal(ev.pci_addr, "0000:00:03.0");
	assert_int_equal(ev.pci_vendor, 0x8086);
	assert_int_equal(ev.pci_device, 0x10d3);
	assert_string_equal(ev.driver, "vfio-pci");
	assert_int_equal(ev.seqnum, 1811);
}

static void
test_uio_vfio(void **state)
{
	static const char uio[] = "add@/devices/pci0000:00/0000:00:03.0/"
		"uio/uio0\0ACTION=add\0DEVPATH=/devices/pci0000:00/"
		"0000:00:03.0/uio/uio0\0SUBSYSTEM=uio\0MAJOR=243\0MINOR=0\0"
		"DEVNAME=uio0\0SEQNUM=77\0";
	static const char vfio[] = "remove@/devices/virtual/vfio/12\0"
		"ACTION=remove\0DEVPATH=/devices/virtual/vfio/12\0"
		"SUBSYSTEM=vfio\0SEQNUM=78\0";
	struct hotplug_event ev;

	(void)state;
	assert_int_equal(hotplug_uevent_parse(DG(uio), &ev, NULL), 0);
	assert_int_equal(ev.subsystem, HOTPLUG_SUBSYS_UIO);
	assert_string_equal(ev.name, "uio0");
	assert_int_equal(hotplug_uevent_parse(DG(vfio), &ev, NULL), 0);
	assert_int_equal(ev.subsystem, HOTPLUG_SUBSYS_VFIO);
	assert_int_equal(ev.action, HOTPLUG_ACTION_REMOVE);
	assert_string_equal(ev.name, "12");
}

static void
test_all_actions(void **state)
{
	static const char * const acts[] = { "add", "remove", "change",
		"move", "online", "offline", "bind", "unbind" };
	char buf[512];
	size_t i;

	(void)state;
	for (i = 0; i < 8; i++) {
		struct hotplug_event ev;
		int n;

		n = snprintf(buf, sizeof(buf), "%s@/devices/virtual/net/v0%c"
			"ACTION=%s%cDEVPATH=/devices/virtual/net/v0%c"
			"SUBSYSTEM=net%cINTERFACE=v0%cIFINDEX=3%cSEQNUM=1%c",
			acts[i], 0, acts[i], 0, 0, 0, 0, 0, 0);
		assert_int_equal(hotplug_uevent_parse(buf, (size_t)n, &ev,
			NULL), 0);
		assert_int_equal(ev.action, (int)i);
		assert_string_equal(hotplug_action_str(ev.action), acts[i]);
	}
}

/* Every prefix of a valid datagram is refused without reading past it. */
static void
test_every_truncation(void **state)
{
	size_t len = sizeof(NET_ADD) - 1;
	size_t i;

	(void)state;
	for (i = 0; i < len; i++) {
		struct hotplug_event ev;
		char *copy = malloc(i > 0 ? i : 1);

		assert_non_null(copy);
		memcpy(copy, NET_ADD, i);
		assert_int_not_equal(hotplug_uevent_parse(copy, i, &ev, NULL),
			0);
		free(copy);
	}
}

static void
test_too_long(void **state)
{
	size_t len = HOTPLUG_UEVENT_MAX + 1;
	struct hotplug_event ev;
	const char *reason;
	char *big = calloc(1, len);

	(void)state;
	assert_non_null(big);
	memcpy(big, NET_ADD, sizeof(NET_ADD) - 1);
	assert_int_equal(hotplug_uevent_parse(big, len, &ev, &reason),
		-EINVAL);
	assert_string_equal(reason, "datagram too long");
	assert_int_equal(hotplug_uevent_parse(NULL, 4, &ev, &reason), -EINVAL);
	free(big);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_malformed_table),
		cmocka_unit_test(test_net_add),
		cmocka_unit_test(test_net_remove_unknown_keys),
		cmocka_unit_test(test_net_move),
		cmocka_unit_test(test_pci_bind),
		cmocka_unit_test(test_uio_vfio),
		cmocka_unit_test(test_all_actions),
		cmocka_unit_test(test_every_truncation),
		cmocka_unit_test(test_too_long),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
