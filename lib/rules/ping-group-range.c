/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ping-group-range: in a network namespace of the container's own, the
 * sysctl net.ipv4.ping_group_range is narrowed to the lowest and highest
 * gids mapped inside it (the kernel wants both ends mapped), and goes when
 * none is. With the caller's network namespace net-sysctls removes it.
 */
#include "rule.h"

#define KEY "net.ipv4.ping_group_range"

static const ocirl_field reads[] = {
	OCIRL_FIELDS_NAMESPACES,
	{ "linux.sysctl", OCIRL_FIELD_OBJECT, 0 },
	{ "linux.sysctl[" KEY "]", OCIRL_FIELD_STRING, 0 },
	{ NULL, 0, 0 },
};

/* "LO HI" (decimal, spaces or tabs between). */
static bool parse_two(const char *s, uint64_t *lo, uint64_t *hi)
{
	char *end;
	if (!s || *s < '0' || *s > '9')
		return false;
	errno = 0;
	unsigned long long a = strtoull(s, &end, 10);
	if (errno || (*end != ' ' && *end != '\t'))
		return false;
	while (*end == ' ' || *end == '\t')
		end++;
	if (*end < '0' || *end > '9')
		return false;
	unsigned long long b = strtoull(end, &end, 10);
	if (errno || *end != '\0')
		return false;
	*lo = a;
	*hi = b;
	return true;
}

static int apply(ocirl_rule_env *e)
{
	ocirl_node *sysctl = rule_get(e->linux_, "sysctl");
	const char *range = rule_get_str(sysctl, KEY);
	uint64_t lo, hi;
	if (!range || !parse_two(range, &lo, &hi) || ocirl__rule_namespace(e, "network") == OCIRL_NS_CALLER)
		return 0;
	/* the lowest and highest mapped gids inside [lo, hi] */
	const ocirl_mappings *maps = e->maps;
	bool found = false;
	uint64_t nlo = 0, nhi = 0;
	for (size_t i = 0; i < maps->n_gid; i++) {
		uint64_t a = maps->gid[i].container_id, b = a + maps->gid[i].size - 1;
		if (b < lo || a > hi)
			continue;
		uint64_t x = a > lo ? a : lo, y = b < hi ? b : hi;
		if (!found || x < nlo)
			nlo = x;
		if (!found || y > nhi)
			nhi = y;
		found = true;
	}
	if (!found)
		return ocirl__rule_drop(e, sysctl, KEY, "linux.sysctl." KEY,
					"no gid in the range is mapped in the container, and the kernel wants both ends "
					"mapped");
	if (nlo == lo && nhi == hi)
		return 0;
	char value[64];
	snprintf(value, sizeof(value), "%" PRIu64 " %" PRIu64, nlo, nhi);
	/* explain first: replacing the value frees the old string */
	if (ocirl__rule_change(e, OCIRL_CHANGE_CHANGED, sysctl, KEY, "linux.sysctl." KEY,
			       "narrowed from \"%s\" to \"%s\", the lowest and highest gids mapped in it: the kernel wants "
			       "both ends mapped",
			       range, value) < 0)
		return -ENOMEM;
	if (ocirl__node_set(e->tree, sysctl, KEY, ocirl__node_new_string(e->tree, value)) < 0)
		return rule_nomem(e);
	return 0;
}

const ocirl_rule ocirl__rule_ping_group_range = {
	.name = "ping-group-range",
	.summary = "linux.sysctl net.ipv4.ping_group_range is narrowed to the gids mapped in the container",
	.reads = reads,
	.apply = apply,
};
