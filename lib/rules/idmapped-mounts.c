/* SPDX-License-Identifier: Apache-2.0 */
/*
 * idmapped-mounts: a mount with uidMappings or gidMappings (runtime-spec
 * 1.1), or crun's "idmap" / "ridmap" option, is refused: idmapping a mount
 * needs CAP_SYS_ADMIN in the user namespace that owns its file system, the
 * initial one for the host's, which no rootless runtime has (crun 1.8.1:
 * "open /proc/PID/ns/user: Permission denied"; runc 1.2 refuses; runc 1.1.5
 * ignores the mappings, so the container sees other owners than asked). No
 * change of the config can give it; the error names what would: the
 * source owned by the ids the container should see, or no mappings.
 */
#include "rule.h"

static const ocirl_field reads[] = {
	OCIRL_FIELDS_MOUNTS,
	{ "mounts[].uidMappings", OCIRL_FIELD_ANY, 0 },
	{ "mounts[].gidMappings", OCIRL_FIELD_ANY, 0 },
	{ NULL, 0, 0 },
};

static bool nonempty(const ocirl_node *v)
{
	return v && !(v->type == OCIRL_NODE_NULL) && !(v->type == OCIRL_NODE_ARRAY && ocirl__node_len(v) == 0);
}

static int check(ocirl_rule_env *e)
{
	ocirl_node *mounts = rule_get(e->config, "mounts");
	for (size_t i = 0, n = ocirl__node_len(mounts); i < n; i++) {
		ocirl_node *m = ocirl__node_at(mounts, i);
		const char *what = nonempty(rule_get(m, "uidMappings")) ? "uidMappings"
				   : nonempty(rule_get(m, "gidMappings")) ? "gidMappings"
				   : ocirl__rule_options_have_part(rule_get(m, "options"), "idmap") ? "the option idmap"
				   : ocirl__rule_options_have_part(rule_get(m, "options"), "ridmap") ? "the option ridmap"
											       : NULL;
		if (!what)
			continue;
		const char *d = rule_get_str(m, "destination");
		return ocirl__error_set(
			e->err, OCIRL_ERROR_UNSUPPORTED, EPERM,
			"mounts[%zu] (%s): an idmapped mount (%s) needs CAP_SYS_ADMIN in the user namespace that owns the "
			"file system, the initial one for the host's, which no rootless runtime has (crun: \"open "
			"/proc/PID/ns/user: Permission denied\"; runc 1.1 ignores it); give the source the owners the "
			"container should see (chown it, or podman unshare chown), or remove the mappings",
			i, d ? d : "?", what);
	}
	return 0;
}

const ocirl_rule ocirl__rule_idmapped_mounts = {
	.name = "idmapped-mounts",
	.summary = "an idmapped mount is refused: no rootless runtime can make one",
	.reads = reads,
	.check = check,
};
