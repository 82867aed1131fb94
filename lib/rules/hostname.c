/* SPDX-License-Identifier: Apache-2.0 */
/*
 * hostname: a uts namespace joined by path that the container's user
 * namespace does not own (ocirl__rule_ns_owner: with a new user namespace,
 * never; in mode inherit, when the kernel says the caller's does not own it)
 * cannot have its hostname or domainname set: sethostname needs
 * CAP_SYS_ADMIN over the uts namespace's owner (runc "error during container
 * init: sethostname: operation not permitted", crun "sethostname: Operation
 * not permitted"). hostname and domainname then go: the container has the
 * name of the namespace it joins. Where the kernel cannot tell (a path that
 * does not exist yet), they stay. The caller's own uts namespace joined by
 * path is own-namespaces' (it removes the entry, and these with it).
 */
#include "rule.h"

static const ocirl_field reads[] = {
	OCIRL_FIELDS_NAMESPACES,
	{ "hostname", OCIRL_FIELD_STRING, 0 },
	{ "domainname", OCIRL_FIELD_STRING, 0 },
	{ NULL, 0, 0 },
};

static int apply(ocirl_rule_env *e)
{
	const char *path;
	if (!rule_get(e->config, "hostname") && !rule_get(e->config, "domainname"))
		return 0;
	if (ocirl__rule_namespace_path(e, "uts", &path) != OCIRL_NS_OTHER || ocirl__rule_ns_owner(e, "uts") != 0)
		return 0;
	_cleanup_free_ char *why = NULL;
	if (asprintf(&why,
		     "the container joins the uts namespace at \"%s\", which its user namespace does not own, and only "
		     "its owner may set a name there (runc: \"sethostname: operation not permitted\"); the container has "
		     "that namespace's name",
		     path) < 0)
		return -ENOMEM;
	return ocirl__rule_drop_names(e, why);
}

const ocirl_rule ocirl__rule_hostname = {
	.name = "hostname",
	.summary = "hostname and domainname go when the container joins by path a uts namespace its user namespace "
		   "does not own",
	.reads = reads,
	.apply = apply,
};
