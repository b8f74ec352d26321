/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 */

/* rtnetlink link messages -> LINK_DOWN / LINK_UP, and every way to fail. */

#include <errno.h>
#include <net/if.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include <cmocka.h>

#include "hotplug.h"
#include "hotplug_private.h"

static char buf[4096];

/* One link message; name NULL: no IFLA_IFNAME. */
static struct nlmsghdr *
link_msg(uint16_t type, int ifindex, unsigned int flags, const char *name)
{
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;

	memset(buf, 0, sizeof(buf));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	ifi->ifi_flags = flags;
	mnl_attr_put_u32(nlh, IFLA_MTU, 1500);
	if (name != NULL)
		mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	return nlh;
}

static void
expect_event(const struct nlmsghdr *nlh, enum hotplug_action action,
	     const char *name, int ifindex)
{
	struct hotplug_event ev;
	const char *reason = NULL;

	assert_int_equal(hotplug_link_parse(nlh, nlh->nlmsg_len, &ev, &reason), 0);
	assert_int_equal(ev.action, action);
	assert_int_equal(ev.subsystem, HOTPLUG_SUBSYS_NET);
	assert_string_equal(ev.ifname, name);
	assert_string_equal(ev.name, name);
	assert_int_equal(ev.ifindex, ifindex);
	assert_int_equal(ev.seqnum, 0);
	assert_false(ev.resync);
}

static void
test_up_down_deleted(void **state)
{
	(void)state;
	expect_event(link_msg(RTM_NEWLINK, 7, IFF_UP | IFF_RUNNING, "vA0"),
		     HOTPLUG_ACTION_LINK_UP, "vA0", 7);
	/* closed by a delete or an admin down */
	expect_event(link_msg(RTM_NEWLINK, 7, 0, "vA0"),
		     HOTPLUG_ACTION_LINK_DOWN, "vA0", 7);
	/* up but no carrier */
	expect_event(link_msg(RTM_NEWLINK, 7, IFF_UP, "vA0"),
		     HOTPLUG_ACTION_LINK_DOWN, "vA0", 7);
	expect_event(link_msg(RTM_DELLINK, 7, IFF_UP | IFF_RUNNING, "vA0"),
		     HOTPLUG_ACTION_LINK_DOWN, "vA0", 7);
	assert_string_equal(hotplug_action_str(HOTPLUG_ACTION_LINK_DOWN),
			    "link-down");
	assert_string_equal(hotplug_action_str(HOTPLUG_ACTION_LINK_UP),
			    "link-up");
}

static void
test_other_messages_ignored(void **state)
{
	struct hotplug_event ev;
	struct nlmsghdr *nlh = link_msg(RTM_NEWADDR, 7, 0, "vA0");

	(void)state;
	assert_int_equal(hotplug_link_parse(nlh, nlh->nlmsg_len, &ev, NULL),
			 -ENOTSUP);
	nlh = link_msg(NLMSG_DONE, 0, 0, NULL);
	assert_int_equal(hotplug_link_parse(nlh, nlh->nlmsg_len, &ev, NULL),
			 -ENOTSUP);
	/* a port leaving a bridge: RTM_DELLINK of family AF_BRIDGE */
	nlh = link_msg(RTM_DELLINK, 7, IFF_UP | IFF_RUNNING, "vA0");
	((struct ifinfomsg *)mnl_nlmsg_get_payload(nlh))->ifi_family = AF_BRIDGE;
	assert_int_equal(hotplug_link_parse(nlh, nlh->nlmsg_len, &ev, NULL),
			 -ENOTSUP);
}

static void
expect_reason(const struct nlmsghdr *nlh, size_t len, const char *want)
{
	struct hotplug_event ev;
	const char *reason = NULL;

	assert_int_equal(hotplug_link_parse(nlh, len, &ev, &reason), -EINVAL);
	assert_non_null(reason);
	assert_string_equal(reason, want);
}

static void
test_malformed(void **state)
{
	struct nlmsghdr *nlh;
	struct nlattr *a;

	(void)state;
	nlh = link_msg(RTM_NEWLINK, 7, 0, "vA0");
	expect_reason(nlh, 8, "netlink header truncated");
	expect_reason(nlh, nlh->nlmsg_len - 1, "netlink header truncated");
	nlh->nlmsg_len = 4;
	expect_reason(nlh, sizeof(buf), "netlink header truncated");

	nlh = link_msg(RTM_NEWLINK, 7, 0, NULL);
	nlh->nlmsg_len = sizeof(*nlh) + sizeof(struct ifinfomsg) - 4;
	expect_reason(nlh, nlh->nlmsg_len, "ifinfomsg truncated");

	nlh = link_msg(RTM_NEWLINK, 7, 0, NULL);
	expect_reason(nlh, nlh->nlmsg_len, "no IFLA_IFNAME");

	nlh = link_msg(RTM_NEWLINK, 7, 0, "");
	expect_reason(nlh, nlh->nlmsg_len, "bad interface name");

	nlh = link_msg(RTM_NEWLINK, 7, 0, "a-name-longer-than-ifnamsiz");
	expect_reason(nlh, nlh->nlmsg_len, "bad interface name");

	/* IFLA_IFNAME without its NUL */
	nlh = link_msg(RTM_NEWLINK, 7, 0, NULL);
	mnl_attr_put(nlh, IFLA_IFNAME, 4, "vA0x");
	expect_reason(nlh, nlh->nlmsg_len, "malformed attribute");

	/* an attribute whose length runs past the message */
	nlh = link_msg(RTM_NEWLINK, 7, 0, "vA0");
	a = (struct nlattr *)((char *)mnl_nlmsg_get_payload(nlh) +
			      MNL_ALIGN(sizeof(struct ifinfomsg)));
	a->nla_len = 200;
	expect_reason(nlh, nlh->nlmsg_len, "malformed attribute");
}

/* A uevent header can never claim a link action. */
static void
test_uevent_cannot_claim_link(void **state)
{
	static const char dg[] = "link-down@/devices/virtual/net/vA0\0"
		"ACTION=link-down\0DEVPATH=/devices/virtual/net/vA0\0"
		"SUBSYSTEM=net\0INTERFACE=vA0\0IFINDEX=7\0SEQNUM=5";
	struct hotplug_event ev;
	const char *reason = NULL;

	(void)state;
	assert_int_equal(hotplug_uevent_parse(dg, sizeof(dg), &ev, &reason),
			 -EINVAL);
	assert_string_equal(reason, "unknown action in header");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_up_down_deleted),
		cmocka_unit_test(test_other_messages_ignored),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_uevent_cannot_claim_link),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
