/* SPDX-License-Identifier: Apache-2.0 */
/*
 * id-mappings: linux.uidMappings and linux.gidMappings are the mode's
 * mappings (removed in mode inherit, where no user namespace is made).
 */
#include "rule.h"

static const ocirl_field reads[] = {
	{ "linux", OCIRL_FIELD_OBJECT, 0 },
	{ "linux.uidMappings", OCIRL_FIELD_ANY, 0 },
	{ "linux.gidMappings", OCIRL_FIELD_ANY, 0 },
	{ NULL, 0, 0 },
};

static ocirl_node *mappings_to_json(ocirl_tree *t, const ocirl_id_mapping *m, size_t n)
{
	ocirl_node *arr = ocirl__node_new(t, OCIRL_NODE_ARRAY);
	if (!arr)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		ocirl_node *o = ocirl__node_new(t, OCIRL_NODE_OBJECT);
		if (!o || ocirl__node_append(t, arr, o) < 0 ||
		    ocirl__node_add(t, o, "containerID", ocirl__node_new_int(t, m[i].container_id)) < 0 ||
		    ocirl__node_add(t, o, "hostID", ocirl__node_new_int(t, m[i].host_id)) < 0 ||
		    ocirl__node_add(t, o, "size", ocirl__node_new_int(t, m[i].size)) < 0)
			return NULL;
	}
	return arr;
}

static const char *mode_reason(ocirl_mode mode, bool gid)
{
	switch (mode) {
	case OCIRL_MODE_USERNS:
		return gid ? "the caller's own gid map, sorted and numbered from 0 (mode userns)"
			   : "the caller's own uid map, sorted and numbered from 0 (mode userns)";
	case OCIRL_MODE_SINGLE:
		return gid ? "container root is the caller's gid (mode single)"
			   : "container root is the caller's uid (mode single)";
	case OCIRL_MODE_SUBID:
		return gid ? "container root is the caller's gid, then its subordinate gids (mode subid)"
			   : "container root is the caller's uid, then its subordinate uids (mode subid)";
	default:
		return "";
	}
}

static int set_mappings(ocirl_rule_env *e, const char *key, const ocirl_id_mapping *m, size_t n, bool gid)
{
	ocirl_node *linux_ = ocirl__rule_linux(e);
	if (!linux_)
		return -ENOMEM;
	ocirl_node *want = mappings_to_json(e->tree, m, n);
	if (!want)
		return rule_nomem(e);
	ocirl_node *old = rule_get(linux_, key);
	if (old && ocirl__node_equal(old, want))
		return 0;
	if (ocirl__node_set(e->tree, linux_, key, want) < 0)
		return rule_nomem(e);
	char where[32];
	snprintf(where, sizeof(where), "linux.%s", key);
	ocirl_buf list = { 0 }; /* up to OCIRL_MAX_MAPPINGS entries */
	ocirl__mappings_format(&list, m, n);
	int r = ocirl__rule_change(e, old ? OCIRL_CHANGE_CHANGED : OCIRL_CHANGE_ADDED, linux_, key, where, "set to %s (container:host:size): %s", list.failed || !list.data ? "?" : list.data,
				   mode_reason(e->maps->mode, gid));
	free(list.data);
	return r;
}

static int apply(ocirl_rule_env *e)
{
	static const char *const keys[] = { "uidMappings", "gidMappings" };
	if (e->maps->mode != OCIRL_MODE_INHERIT) {
		int r = set_mappings(e, keys[0], e->maps->uid, e->maps->n_uid, false);
		return r < 0 ? r : set_mappings(e, keys[1], e->maps->gid, e->maps->n_gid, true);
	}
	for (int i = 0; i < 2; i++) {
		char where[32];
		snprintf(where, sizeof(where), "linux.%s", keys[i]);
		if (ocirl__node_del(e->linux_, keys[i]) &&
		    ocirl__rule_change(e, OCIRL_CHANGE_REMOVED, e->linux_, keys[i], where, "removed: in mode inherit no user namespace is created, so there is "
						 "nothing to map") < 0)
			return -ENOMEM;
	}
	return 0;
}

const ocirl_rule ocirl__rule_id_mappings = {
	.name = "id-mappings",
	.summary = "linux.uidMappings and linux.gidMappings are set to the mode's mappings (removed in mode inherit)",
	.reads = reads,
	.apply = apply,
};
