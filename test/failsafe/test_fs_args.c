/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 */

/* Devargs parser: good inputs give the right options, bad ones one clear reason. */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "fs_args.h"

struct bad_case {
	const char *devargs;
	const char *reason;	/* substring the error must contain */
};

static const struct bad_case bad_cases[] = {
	{ NULL, "no sub-device" },
	{ "", "no sub-device" },
	{ "dev()", "empty dev()" },
	{ "exec()", "empty exec()" },
	{ "fd()", "empty fd()" },
	{ "dev(net_null0", "unbalanced '('" },
	{ "dev(net_null0))", "unbalanced ')'" },
	{ ")dev(net_null0)", "unbalanced ')'" },
	{ "dev(net_null0)x", "text after the closing ')'" },
	{ "dev(dev(net_null0))", "nested parentheses" },
	{ "dev(net_null0),,dev(net_null1)", "empty argument" },
	{ "dev(net_null0),", "empty argument" },
	{ "dev(net_null0),foo=1", "unknown key 'foo'" },
	{ "dev(net_null0),bogus", "neither key=value" },
	{ "dev=net_null0", "write dev(<devargs>), not dev=" },
	{ "dev(net_null0),mac=zz:00:00:00:00:01", "not a MAC address" },
	{ "dev(net_null0),mac=01:00:5e:00:00:01", "not a unicast address" },
	{ "dev(net_null0),mac=00:00:00:00:00:00", "not a unicast address" },
	{ "dev(net_null0),mac=", "has no value" },
	{ "dev(net_null0),hotplug_poll=abc", "want milliseconds" },
	{ "dev(net_null0),hotplug_poll=-5", "want milliseconds" },
	{ "dev(net_null0),hotplug_poll=99999999999", "want milliseconds" },
	{ "dev(net_null0),hotplug_poll=10,hotplug_poll=20", "given 2 times" },
	{ "dev(net_null0),uevent=maybe", "want on or off" },
	{ "dev(net_null0),rcu_expedite=yes", "rcu_expedite=yes: want on or off" },
	{ "fd(abc)", "not a file descriptor number" },
	{ "dev(net_null0),match_mac1=02:00:00:00:00:01", "no sub-device 1" },
	{ "dev(net_null0),match_mac0=nope", "not a unicast MAC" },
	{ "dev(net_null0),match_pci0=8086", "want <vendor>:<device>" },
	{ "dev(net_null0),match_pci0=8086:10d3x", "want <vendor>:<device>" },
	{ "dev(net_null0),match_pci9=8086:10d3", "unknown key 'match_pci9'" },
	{ "dev(net_null0),bind_driver=../evil", "not a kernel driver name" },
	{ "dev(a),dev(b),dev(c),dev(d),dev(e),dev(f),dev(g),dev(h),dev(i)",
	  "too many sub-devices: at most 8" },
};

static void
test_bad_devargs(void **state)
{
	char err[FS_ARGS_ERR_MAX];
	struct fs_args args;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *c = &bad_cases[i];
		int ret = fs_args_parse(c->devargs, &args, err, sizeof(err));

		if (ret == 0 || strstr(err, c->reason) == NULL)
			fail_msg("devargs '%s': want error containing '%s', got %d '%s'",
				 c->devargs ? c->devargs : "(null)", c->reason,
				 ret, err);
		/* One line, as it goes into the log. */
		assert_null(strchr(err, '\n'));
	}
	assert_true(i >= 20);
}

static void
test_full_devargs(void **state)
{
	char err[FS_ARGS_ERR_MAX];
	struct fs_args a;

	(void)state;
	assert_int_equal(fs_args_parse("dev(net_af_packet0,iface=vA0,qpairs=1),"
				       "exec(echo net_null1),fd(0),mac=02:00:00:00:00:0a,"
				       "hotplug_poll=50,uevent=off,rcu_expedite=on,"
				       "bind_driver=uio_pci_generic,"
				       "match_mac0=02:00:00:00:00:01,match_pci1=8086:10d3",
				       &a, err, sizeof(err)), 0);
	assert_int_equal(a.nb_subs, 3);
	assert_int_equal(a.sub[0].kind, FS_SUB_DEV);
	assert_string_equal(a.sub[0].spec, "net_af_packet0,iface=vA0,qpairs=1");
	assert_int_equal(a.sub[1].kind, FS_SUB_EXEC);
	assert_string_equal(a.sub[1].spec, "echo net_null1");
	assert_int_equal(a.sub[2].kind, FS_SUB_FD);
	assert_int_equal(a.sub[2].fd, 0);
	assert_true(a.mac_set);
	assert_int_equal(a.mac.addr_bytes[5], 0x0a);
	assert_int_equal(a.hotplug_poll_ms, 50);
	assert_false(a.uevent);
	assert_true(a.rcu_expedite);
	assert_string_equal(a.bind_driver, "uio_pci_generic");
	assert_true(a.sub[0].match_mac_set);
	assert_int_equal(a.sub[0].match_mac.addr_bytes[5], 1);
	assert_true(a.sub[1].match_pci_id_set);
	assert_int_equal(a.sub[1].match_vendor, 0x8086);
	assert_int_equal(a.sub[1].match_device, 0x10d3);
}

static void
test_defaults(void **state)
{
	char err[FS_ARGS_ERR_MAX];
	struct fs_args a;

	(void)state;
	assert_int_equal(fs_args_parse("dev(net_null0)", &a, err, sizeof(err)), 0);
	assert_int_equal(a.nb_subs, 1);
	assert_int_equal(a.hotplug_poll_ms, FS_HOTPLUG_POLL_DEFAULT);
	assert_true(a.uevent);
	assert_false(a.rcu_expedite);
	assert_false(a.mac_set);
	assert_string_equal(a.bind_driver, "vfio-pci");
}

static void
test_max_subdevices(void **state)
{
	char err[FS_ARGS_ERR_MAX];
	struct fs_args a;

	(void)state;
	assert_int_equal(fs_args_parse("dev(a),dev(b),dev(c),dev(d),dev(e),"
				       "dev(f),dev(g),dev(h)", &a, err,
				       sizeof(err)), 0);
	assert_int_equal(a.nb_subs, 8);
	assert_string_equal(a.sub[7].spec, "h");
}

static void
test_resolve_exec_and_fd(void **state)
{
	char err[FS_ARGS_ERR_MAX], out[FS_DEVARGS_MAX];
	struct fs_args a;
	int p[2];

	(void)state;
	assert_int_equal(fs_args_parse("exec(printf 'net_ring0\\n')", &a, err,
				       sizeof(err)), 0);
	assert_int_equal(fs_args_resolve(&a.sub[0], out, sizeof(out), err,
					 sizeof(err)), 0);
	assert_string_equal(out, "net_ring0");
	assert_int_equal(fs_args_parse("exec(true)", &a, err, sizeof(err)), 0);
	assert_true(fs_args_resolve(&a.sub[0], out, sizeof(out), err,
				    sizeof(err)) < 0);
	assert_non_null(strstr(err, "printed no devargs"));

	assert_int_equal(pipe(p), 0);
	assert_int_equal(write(p[1], "net_null3\n", 10), 10);
	close(p[1]);
	snprintf(out, sizeof(out), "fd(%d)", p[0]);
	assert_int_equal(fs_args_parse(out, &a, err, sizeof(err)), 0);
	assert_int_equal(fs_args_resolve(&a.sub[0], out, sizeof(out), err,
					 sizeof(err)), 0);
	assert_string_equal(out, "net_null3");
	close(p[0]);
	a.sub[0].fd = 1000;
	assert_true(fs_args_resolve(&a.sub[0], out, sizeof(out), err,
				    sizeof(err)) < 0);
	assert_non_null(strstr(err, "fd(1000)"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bad_devargs),
		cmocka_unit_test(test_full_devargs),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_max_subdevices),
		cmocka_unit_test(test_resolve_exec_and_fd),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
