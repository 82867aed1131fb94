/* SPDX-License-Identifier: Apache-2.0 */
/*
 * capabilities: every set of process.capabilities (bounding, effective,
 * inheritable, permitted, ambient) loses the capabilities that are not in
 * the caller's bounding set (CapBnd in PROC_SELF/status): no process can
 * give more than it has, and a new user namespace keeps the caller's
 * bounding set. Root in an existing user namespace (a CI job, a container,
 * capsh --drop) or a host that withholds one from everybody (this test
 * machine lacks CAP_SYS_RESOURCE) then fails: runc "unable to apply caps:
 * operation not permitted", crun "capset: Operation not permitted". Podman
 * intersects every set with CapBnd likewise. Names the kernel table here
 * does not know stay, as does everything when CapBnd cannot be read.
 */
#include "rule.h"

static const ocirl_field reads[] = {
	{ "process", OCIRL_FIELD_OBJECT, 0 },
	{ "process.capabilities", OCIRL_FIELD_OBJECT, 0 },
	{ "process.capabilities.bounding", OCIRL_FIELD_ARRAY, 0 },
	{ "process.capabilities.bounding[]", OCIRL_FIELD_STRING, 0 },
	{ "process.capabilities.effective", OCIRL_FIELD_ARRAY, 0 },
	{ "process.capabilities.effective[]", OCIRL_FIELD_STRING, 0 },
	{ "process.capabilities.inheritable", OCIRL_FIELD_ARRAY, 0 },
	{ "process.capabilities.inheritable[]", OCIRL_FIELD_STRING, 0 },
	{ "process.capabilities.permitted", OCIRL_FIELD_ARRAY, 0 },
	{ "process.capabilities.permitted[]", OCIRL_FIELD_STRING, 0 },
	{ "process.capabilities.ambient", OCIRL_FIELD_ARRAY, 0 },
	{ "process.capabilities.ambient[]", OCIRL_FIELD_STRING, 0 },
	{ NULL, 0, 0 },
};

/* The kernel's capability numbers (linux/capability.h), by name. */
static const char *const names[] = {
	"CAP_CHOWN",	     "CAP_DAC_OVERRIDE",   "CAP_DAC_READ_SEARCH", "CAP_FOWNER",	   "CAP_FSETID",
	"CAP_KILL",	     "CAP_SETGID",	   "CAP_SETUID",	  "CAP_SETPCAP",	   "CAP_LINUX_IMMUTABLE",
	"CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN",	  "CAP_NET_RAW",	   "CAP_IPC_LOCK",
	"CAP_IPC_OWNER",     "CAP_SYS_MODULE",	   "CAP_SYS_RAWIO",	  "CAP_SYS_CHROOT",	   "CAP_SYS_PTRACE",
	"CAP_SYS_PACCT",     "CAP_SYS_ADMIN",	   "CAP_SYS_BOOT",	  "CAP_SYS_NICE",	   "CAP_SYS_RESOURCE",
	"CAP_SYS_TIME",	     "CAP_SYS_TTY_CONFIG", "CAP_MKNOD",		  "CAP_LEASE",		   "CAP_AUDIT_WRITE",
	"CAP_AUDIT_CONTROL", "CAP_SETFCAP",	   "CAP_MAC_OVERRIDE",	  "CAP_MAC_ADMIN",	   "CAP_SYSLOG",
	"CAP_WAKE_ALARM",    "CAP_BLOCK_SUSPEND",  "CAP_AUDIT_READ",	  "CAP_PERFMON",	   "CAP_BPF",
	"CAP_CHECKPOINT_RESTORE",
};

static const char *const sets[] = { "bounding", "effective", "inheritable", "permitted", "ambient" };

/* The capability's number, or -1 for a name not in the table. */
static int cap_number(const char *name)
{
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(names[i], name) == 0)
			return (int)i;
	return -1;
}

static int apply(ocirl_rule_env *e)
{
	ocirl_node *caps = rule_get(rule_get(e->config, "process"), "capabilities");
	if (!caps)
		return 0;
	const ocirl_context *ctx = rule_facts(e, OCIRL_FACT_CAPBND);
	if (!ctx->capbnd_known)
		return 0;
	for (size_t s = 0; s < sizeof(sets) / sizeof(sets[0]); s++) {
		ocirl_node *set = rule_get(caps, sets[s]);
		for (size_t i = 0; i < ocirl__node_len(set);) {
			const char *name = ocirl__node_str(ocirl__node_at(set, i));
			int n = name ? cap_number(name) : -1;
			if (n < 0 || (ctx->capbnd >> n) & 1) {
				i++;
				continue;
			}
			if (ocirl__rule_change(e, OCIRL_CHANGE_REMOVED, ocirl__node_at(set, i), NULL, "process.capabilities",
					       "dropped %s from the %s set: it is not in the caller's bounding set (CapBnd "
					       "%016" PRIx64 "), and no process can give more than it has (runc: \"unable to "
					       "apply caps: operation not permitted\"; crun: \"capset: Operation not "
					       "permitted\")",
					       name, sets[s], ctx->capbnd) < 0)
				return -ENOMEM;
			ocirl__node_remove_at(set, i);
		}
	}
	return 0;
}

const ocirl_rule ocirl__rule_capabilities = {
	.name = "capabilities",
	.summary = "each capability set loses what is not in the caller's bounding set",
	.reads = reads,
	.apply = apply,
};
