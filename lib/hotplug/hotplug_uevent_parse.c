/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 */

/*
 * Kernel uevent datagram: "ACTION@DEVPATH\0KEY=VALUE\0KEY=VALUE\0...".
 * Every string is NUL-terminated, the last byte included.  The parser is
 * pure (no log, no global) so that it can be fuzzed on its own; it walks
 * the buffer with explicit bounds and never relies on a terminating NUL it
 * has not checked.
 */

#include <errno.h>
#include <string.h>

#include "hotplug.h"

static const char * const action_names[] = {
	[HOTPLUG_ACTION_ADD] = "add",
	[HOTPLUG_ACTION_REMOVE] = "remove",
	[HOTPLUG_ACTION_CHANGE] = "change",
	[HOTPLUG_ACTION_MOVE] = "move",
	[HOTPLUG_ACTION_ONLINE] = "online",
	[HOTPLUG_ACTION_OFFLINE] = "offline",
	[HOTPLUG_ACTION_BIND] = "bind",
	[HOTPLUG_ACTION_UNBIND] = "unbind",
	[HOTPLUG_ACTION_LINK_DOWN] = "link-down",
	[HOTPLUG_ACTION_LINK_UP] = "link-up",
};

static const char * const subsystem_names[] = {
	[HOTPLUG_SUBSYS_PCI] = "pci",
	[HOTPLUG_SUBSYS_NET] = "net",
	[HOTPLUG_SUBSYS_UIO] = "uio",
	[HOTPLUG_SUBSYS_VFIO] = "vfio",
};

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Keys we read; each may appear at most once. */
enum uevent_key {
	KEY_ACTION,
	KEY_DEVPATH,
	KEY_DEVPATH_OLD,
	KEY_SUBSYSTEM,
	KEY_SEQNUM,
	KEY_INTERFACE,
	KEY_IFINDEX,
	KEY_PCI_SLOT_NAME,
	KEY_PCI_ID,
	KEY_DRIVER,
	KEY_SYNTH_UUID,
	KEY_COUNT,
};

static const char * const key_names[KEY_COUNT] = {
	[KEY_ACTION] = "ACTION",
	[KEY_DEVPATH] = "DEVPATH",
	[KEY_DEVPATH_OLD] = "DEVPATH_OLD",
	[KEY_SUBSYSTEM] = "SUBSYSTEM",
	[KEY_SEQNUM] = "SEQNUM",
	[KEY_INTERFACE] = "INTERFACE",
	[KEY_IFINDEX] = "IFINDEX",
	[KEY_PCI_SLOT_NAME] = "PCI_SLOT_NAME",
	[KEY_PCI_ID] = "PCI_ID",
	[KEY_DRIVER] = "DRIVER",
	[KEY_SYNTH_UUID] = "SYNTH_UUID",
};

/* One string of the datagram: start and length without its NUL. */
struct span {
	const char *p;
	size_t len;
};

struct parse_state {
	struct span header;
	struct span val[KEY_COUNT];
	const char *reason;
};

const char *
hotplug_action_str(enum hotplug_action action)
{
	if ((unsigned int)action >= ARRAY_LEN(action_names))
		return "unknown";
	return action_names[action];
}

const char *
hotplug_subsystem_str(enum hotplug_subsystem s)
{
	if ((unsigned int)s >= ARRAY_LEN(subsystem_names))
		return "unknown";
	return subsystem_names[s];
}

static bool
span_eq(const struct span *s, const char *lit)
{
	size_t n = strlen(lit);

	return s->len == n && memcmp(s->p, lit, n) == 0;
}

static int
span_lookup(const struct span *s, const char * const *names, size_t count)
{
	size_t i;

	for (i = 0; i < count; i++)
		if (names[i] != NULL && span_eq(s, names[i]))
			return (int)i;
	return -1;
}

static int
span_copy(char *dst, size_t size, const struct span *s)
{
	if (s->len >= size)
		return -1;
	memcpy(dst, s->p, s->len);
	dst[s->len] = '\0';
	return 0;
}

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int
hex_value(char c)
{
	if (is_digit(c))
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decimal, no sign, no leading '+', at most max; -1 when not. */
static int
span_to_u64(const struct span *s, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (s->len == 0 || s->len > 20)
		return -1;
	for (i = 0; i < s->len; i++) {
		unsigned int d;

		if (!is_digit(s->p[i]))
			return -1;
		d = (unsigned int)(s->p[i] - '0');
		if (v > (max - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

/* "VVVV:DDDD", hex, exactly as the kernel prints PCI_ID. */
static int
parse_pci_id(const struct span *s, uint16_t *vendor, uint16_t *device)
{
	uint32_t v = 0;
	size_t i;

	if (s->len != 9 || s->p[4] != ':')
		return -1;
	for (i = 0; i < 9; i++) {
		int h;

		if (i == 4)
			continue;
		h = hex_value(s->p[i]);
		if (h < 0)
			return -1;
		v = (v << 4) | (uint32_t)h;
	}
	*vendor = (uint16_t)(v >> 16);
	*device = (uint16_t)v;
	return 0;
}

/* "DDDD:BB:DD.F" */
static bool
pci_addr_span_valid(const struct span *s)
{
	static const char shape[] = "hhhh:hh:hh.h";
	size_t i;

	if (s->len != sizeof(shape) - 1)
		return false;
	for (i = 0; i < s->len; i++) {
		if (shape[i] == 'h') {
			if (hex_value(s->p[i]) < 0)
				return false;
		} else if (s->p[i] != shape[i]) {
			return false;
		}
	}
	return true;
}

bool
hotplug_pci_addr_valid(const char *name)
{
	struct span s;

	if (name == NULL)
		return false;
	s.p = name;
	s.len = strnlen(name, HOTPLUG_PCI_ADDR_MAX);
	return pci_addr_span_valid(&s);
}

/* An interface name the kernel could have made: no '/', no space. */
static bool
ifname_span_valid(const struct span *s)
{
	size_t i;

	if (s->len == 0 || s->len >= HOTPLUG_IFNAME_MAX)
		return false;
	if (span_eq(s, ".") || span_eq(s, ".."))
		return false;
	for (i = 0; i < s->len; i++)
		if (s->p[i] == '/' || s->p[i] == ':' || s->p[i] == ' ' ||
				(unsigned char)s->p[i] < 0x21)
			return false;
	return true;
}

static int
fail(struct parse_state *st, const char *reason)
{
	st->reason = reason;
	return -EINVAL;
}

/* Split buf into NUL-terminated strings; record header and our keys. */
static int
split_fields(const char *buf, size_t len, struct parse_state *st)
{
	size_t off = 0;
	bool first = true;

	while (off < len) {
		const char *s = buf + off;
		const char *nul = memchr(s, '\0', len - off);
		struct span f, k;
		const char *eq;
		int key;

		if (nul == NULL)
			return fail(st, "field not NUL-terminated");
		f.p = s;
		f.len = (size_t)(nul - s);
		off += f.len + 1;
		if (f.len == 0)
			return fail(st, "empty field");
		if (first) {
			st->header = f;
			first = false;
			continue;
		}
		eq = memchr(f.p, '=', f.len);
		if (eq == NULL)
			return fail(st, "field without '='");
		k.p = f.p;
		k.len = (size_t)(eq - f.p);
		if (k.len == 0)
			return fail(st, "empty key");
		key = span_lookup(&k, key_names, KEY_COUNT);
		if (key < 0)
			continue; /* keys we do not use are allowed */
		if (st->val[key].p != NULL)
			return fail(st, "duplicate key");
		st->val[key].p = eq + 1;
		st->val[key].len = f.len - k.len - 1;
	}
	return 0;
}

/* "action@devpath" must agree with ACTION= and DEVPATH=. */
static int
check_header(struct parse_state *st, struct hotplug_event *ev)
{
	const struct span *h = &st->header;
	const char *at = memchr(h->p, '@', h->len);
	struct span act, path;
	int a;

	if (at == NULL)
		return fail(st, "header without '@'");
	act.p = h->p;
	act.len = (size_t)(at - h->p);
	path.p = at + 1;
	path.len = h->len - act.len - 1;
	/* link-down/link-up come from rtnetlink, never in a uevent. */
	a = span_lookup(&act, action_names, HOTPLUG_ACTION_UNBIND + 1);
	if (a < 0)
		return fail(st, "unknown action in header");
	if (path.len == 0 || path.p[0] != '/')
		return fail(st, "header devpath not absolute");
	if (st->val[KEY_ACTION].p == NULL)
		return fail(st, "missing ACTION");
	if (st->val[KEY_DEVPATH].p == NULL)
		return fail(st, "missing DEVPATH");
	if (!span_eq(&st->val[KEY_ACTION], action_names[a]))
		return fail(st, "header and ACTION disagree");
	if (st->val[KEY_DEVPATH].len != path.len ||
			memcmp(st->val[KEY_DEVPATH].p, path.p, path.len) != 0)
		return fail(st, "header and DEVPATH disagree");
	if (span_copy(ev->devpath, sizeof(ev->devpath), &path) < 0)
		return fail(st, "DEVPATH too long");
	ev->action = (enum hotplug_action)a;
	return 0;
}

static int
parse_common(struct parse_state *st, struct hotplug_event *ev)
{
	uint64_t v;
	int s;

	if (st->val[KEY_SUBSYSTEM].p == NULL)
		return fail(st, "missing SUBSYSTEM");
	if (st->val[KEY_SEQNUM].p == NULL)
		return fail(st, "missing SEQNUM");
	if (span_to_u64(&st->val[KEY_SEQNUM], UINT64_MAX, &v) < 0)
		return fail(st, "SEQNUM not a decimal number");
	ev->seqnum = v;
	if (st->val[KEY_DRIVER].p != NULL &&
			span_copy(ev->driver, sizeof(ev->driver),
				&st->val[KEY_DRIVER]) < 0)
		return fail(st, "DRIVER too long");
	ev->synth = st->val[KEY_SYNTH_UUID].p != NULL;
	s = span_lookup(&st->val[KEY_SUBSYSTEM], subsystem_names,
			ARRAY_LEN(subsystem_names));
	if (s < 0) {
		st->reason = "subsystem not handled";
		return -ENOTSUP;
	}
	ev->subsystem = (enum hotplug_subsystem)s;
	return 0;
}

static int
parse_net(struct parse_state *st, struct hotplug_event *ev)
{
	const struct span *ifn = &st->val[KEY_INTERFACE];
	uint64_t v;

	if (ifn->p == NULL)
		return fail(st, "net event without INTERFACE");
	if (!ifname_span_valid(ifn))
		return fail(st, "INTERFACE not a valid interface name");
	span_copy(ev->ifname, sizeof(ev->ifname), ifn);
	if (st->val[KEY_IFINDEX].p == NULL)
		return fail(st, "net event without IFINDEX");
	if (span_to_u64(&st->val[KEY_IFINDEX], INT32_MAX, &v) < 0 || v == 0)
		return fail(st, "IFINDEX not a positive number");
	ev->ifindex = (int)v;
	span_copy(ev->name, sizeof(ev->name), ifn);
	return 0;
}

static int
parse_pci(struct parse_state *st, struct hotplug_event *ev)
{
	const struct span *slot = &st->val[KEY_PCI_SLOT_NAME];

	if (slot->p == NULL)
		return fail(st, "pci event without PCI_SLOT_NAME");
	if (!pci_addr_span_valid(slot))
		return fail(st, "PCI_SLOT_NAME not DDDD:BB:DD.F");
	span_copy(ev->pci_addr, sizeof(ev->pci_addr), slot);
	span_copy(ev->name, sizeof(ev->name), slot);
	if (st->val[KEY_PCI_ID].p != NULL &&
			parse_pci_id(&st->val[KEY_PCI_ID], &ev->pci_vendor,
				&ev->pci_device) < 0)
		return fail(st, "PCI_ID not VVVV:DDDD");
	return 0;
}

/* uio and vfio devices are named after the last devpath component. */
static int
parse_char_dev(struct parse_state *st, struct hotplug_event *ev)
{
	const char *base = strrchr(ev->devpath, '/');
	struct span b;

	b.p = base + 1; /* devpath starts with '/', so base is not NULL */
	b.len = strlen(b.p);
	if (b.len == 0)
		return fail(st, "devpath ends with '/'");
	if (span_copy(ev->name, sizeof(ev->name), &b) < 0)
		return fail(st, "device name too long");
	return 0;
}

/*
 * A rename ("move") names the device before it in DEVPATH_OLD; its last
 * component is the old name (the interface, for net).  Without it the
 * event is still a move, with nothing said about the old name.
 */
static int
parse_old_name(struct parse_state *st, struct hotplug_event *ev)
{
	const struct span *old = &st->val[KEY_DEVPATH_OLD];
	struct span b;
	const char *base;

	if (ev->action != HOTPLUG_ACTION_MOVE || old->p == NULL)
		return 0;
	base = memrchr(old->p, '/', old->len);
	b.p = base != NULL ? base + 1 : old->p;
	b.len = old->len - (size_t)(b.p - old->p);
	if (b.len == 0)
		return fail(st, "DEVPATH_OLD ends with '/'");
	if (ev->subsystem == HOTPLUG_SUBSYS_NET && !ifname_span_valid(&b))
		return fail(st, "DEVPATH_OLD not ending in an interface name");
	if (span_copy(ev->old_name, sizeof(ev->old_name), &b) < 0)
		return fail(st, "DEVPATH_OLD name too long");
	return 0;
}

int
hotplug_uevent_parse(const char *buf, size_t len, struct hotplug_event *ev,
		const char **reason)
{
	struct parse_state st;
	int ret;

	memset(&st, 0, sizeof(st));
	if (ev != NULL)
		memset(ev, 0, sizeof(*ev));
	if (buf == NULL || ev == NULL)
		ret = fail(&st, "NULL argument");
	else if (len == 0)
		ret = fail(&st, "empty datagram");
	else if (len > HOTPLUG_UEVENT_MAX)
		ret = fail(&st, "datagram too long");
	else if (len >= 8 && memcmp(buf, "libudev", 8) == 0) {
		st.reason = "libudev message, not from the kernel";
		ret = -ENOTSUP;
	} else
		ret = split_fields(buf, len, &st);
	if (ret == 0)
		ret = check_header(&st, ev);
	if (ret == 0)
		ret = parse_common(&st, ev);
	if (ret == 0) {
		switch (ev->subsystem) {
		case HOTPLUG_SUBSYS_NET:
			ret = parse_net(&st, ev);
			break;
		case HOTPLUG_SUBSYS_PCI:
			ret = parse_pci(&st, ev);
			break;
		default:
			ret = parse_char_dev(&st, ev);
			break;
		}
	}
	if (ret == 0)
		ret = parse_old_name(&st, ev);
	if (reason != NULL)
		*reason = ret == 0 ? NULL : st.reason;
	return ret;
}
