/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The conversion rules. Every rule of oci-rootless lives in this file, in
 * the order ocirl__tree_convert() applies them (for ocirl_config_convert()
 * and ocirl_buffer_convert()); each explains itself
 * through ocirl__changes_add() and changes nothing that is already as it
 * wants it, so that a second conversion changes nothing.
 *
 * The config is checked first (check_config): every field a rule reads must
 * have the right type, so no rule can fail half-way on bad input.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/statvfs.h>

#include "internal.h"
#include "tree.h"

/* ---- small helpers over the tree (tree.h) ---- */

/* The member key of obj, with JSON null read as absent. Always inlined: the
 * keys are literals, whose length the compiler then knows. */
static inline __attribute__((always_inline)) ocirl_node *member(const ocirl_node *obj, const char *key)
{
	ocirl_node *v = ocirl__node_get(obj, key);
	return v && v->type != OCIRL_NODE_NULL ? v : NULL;
}

static inline __attribute__((always_inline)) const char *member_string(ocirl_node *obj, const char *key)
{
	ocirl_node *v = member(obj, key);
	return v ? ocirl__node_str(v) : NULL;
}

static const char *type_name(ocirl_node_type t)
{
	switch (t) {
	case OCIRL_NODE_OBJECT: return "an object";
	case OCIRL_NODE_ARRAY: return "an array";
	case OCIRL_NODE_STRING: return "a string";
	default: return "a value";
	}
}

/* A string the rules read must hold no \u0000: they compare C strings, and
 * "bind\u0000x" must not pass for "bind". */
static bool has_nul(ocirl_node *v)
{
	return ocirl__node_is(v, OCIRL_NODE_STRING) && v->flag;
}

/* Checks that obj.key, if present and not null, has type t; place names obj. */
static int check_member(ocirl_node *obj, const char *key, ocirl_node_type t, const char *place, ocirl_error **err)
{
	ocirl_node *v = member(obj, key);
	if (v && !ocirl__node_is(v, t))
		return ocirl__error_set(err, OCIRL_ERROR_INPUT, EINVAL, "%s%s%s: expected %s", place,
					*place ? "." : "", key, type_name(t));
	if (v && has_nul(v))
		return ocirl__error_set(err, OCIRL_ERROR_INPUT, EINVAL, "%s%s%s: a \\u0000 in this string is not allowed",
					place, *place ? "." : "", key);
	return 0;
}

/* check_member() for element i of the array named array: its place is only written on error. */
static int check_member_at(ocirl_node *obj, const char *key, ocirl_node_type t, const char *array, size_t i,
			   ocirl_error **err)
{
	ocirl_node *v = member(obj, key);
	if (v && (!ocirl__node_is(v, t) || has_nul(v))) {
		char place[64];
		snprintf(place, sizeof(place), "%s[%zu]", array, i);
		return check_member(obj, key, t, place, err);
	}
	return 0;
}

/* The context with the given facts of the caller read: each is read when a
 * rule first needs it (ocirl_buffer_convert() starts with none; a context
 * from ocirl_context_new() has them all, and is not changed here). */
static const ocirl_context *with(const ocirl_context *ctx, unsigned facts)
{
	if ((ctx->loaded & facts) != facts)
		ocirl__context_load((ocirl_context *)ctx, facts); /* allocated, never const */
	return ctx;
}

static int nomem(ocirl_error **err)
{
	return ocirl__error_nomem(err);
}

/* The value of a JSON integer that must be in [0, max]; false otherwise. */
static bool get_uint(ocirl_node *v, uint64_t max, uint64_t *out)
{
	if (!v || !ocirl__node_is(v, OCIRL_NODE_INT))
		return false;
	if (!v->flag && v->i < 0)
		return false;
	uint64_t u = v->flag ? v->u : (uint64_t)v->i;
	if (u > max)
		return false;
	*out = u;
	return true;
}

/* Checks that obj.key, if present and not null, is an integer in [0, max]. */
static int check_uint(ocirl_node *obj, const char *key, uint64_t max, const char *place, ocirl_error **err)
{
	ocirl_node *v = member(obj, key);
	uint64_t u;
	if (v && !get_uint(v, max, &u))
		return ocirl__error_set(err, OCIRL_ERROR_INPUT, EINVAL, "%s.%s: expected an integer from 0 to %" PRIu64,
					place, key, max);
	return 0;
}

static bool options_have(ocirl_node *opts, const char *opt)
{
	for (size_t j = 0, k = opts ? ocirl__node_len(opts) : 0; j < k; j++)
		if (strcmp(ocirl__node_str(ocirl__node_at(opts, j)), opt) == 0)
			return true;
	return false;
}

/* ---- what the rules read ---- */

/* Every member any rule (check_config() included) reads, below the root and
 * in linux and process. The parser of ocirl_buffer_convert() keeps the other
 * containers as text (OCIRL__PARSE_SKIP): a rule that starts reading another
 * key must add it here. The fuzz target compares both parses. */
bool ocirl__rules_read(const char *parent, const char *key)
{
	static const char *const root[] = { "linux", "mounts", "process", NULL };
	static const char *const linux_[] = { "namespaces", "uidMappings", "gidMappings", "sysctl", "resources",
					      "cgroupsPath", "netDevices", "intelRdt", NULL };
	static const char *const process[] = { "user", "rlimits", "oomScoreAdj", NULL };
	const char *const *keys = !parent			    ? root
				  : strcmp(parent, "linux") == 0   ? linux_
				  : strcmp(parent, "process") == 0 ? process
								   : NULL;
	if (!keys)
		return true; /* not looked into: read whole */
	for (; *keys; keys++)
		if (strcmp(*keys, key) == 0)
			return true;
	return false;
}

/* ---- the check of the input ---- */

static bool is_user_ns(ocirl_node *ns, const char **path)
{
	const char *type = member_string(ns, "type");
	const char *p = member_string(ns, "path");
	*path = p;
	return type && strcmp(type, "user") == 0;
}


static int check_config(ocirl_node *config, ocirl_error **err)
{
	int r;
	ocirl_node *linux_ = member(config, "linux");
	if (linux_ && !ocirl__node_is(linux_, OCIRL_NODE_OBJECT))
		return ocirl__error_set(err, OCIRL_ERROR_INPUT, EINVAL, "linux: expected an object");
	if ((r = check_member(linux_, "namespaces", OCIRL_NODE_ARRAY, "linux", err)) < 0)
		return r;
	ocirl_node *nss = member(linux_, "namespaces");
	for (size_t i = 0, n = nss ? ocirl__node_len(nss) : 0; i < n; i++) {
		ocirl_node *ns = ocirl__node_at(nss, i);
		ocirl_node *type = member(ns, "type"), *path_node = member(ns, "path");
		const char *p = ocirl__node_str(path_node);
		if (ocirl__node_is(ns, OCIRL_NODE_OBJECT) && ocirl__node_is(type, OCIRL_NODE_STRING) && !has_nul(type) &&
		    (!path_node || (p && !has_nul(path_node))) && !(strcmp(type->str.s, "user") == 0 && p && *p))
			continue; /* the common case: fine, and no place to write */
		char place[64];
		snprintf(place, sizeof(place), "linux.namespaces[%zu]", i);
		if (!ns || !ocirl__node_is(ns, OCIRL_NODE_OBJECT))
			return ocirl__error_set(err, OCIRL_ERROR_INPUT, EINVAL, "%s: expected an object", place);
		if (!member(ns, "type"))
			return ocirl__error_set(err, OCIRL_ERROR_INPUT, EINVAL, "%s.type: expected a string", place);
		if ((r = check_member(ns, "type", OCIRL_NODE_STRING, place, err)) < 0 ||
		    (r = check_member(ns, "path", OCIRL_NODE_STRING, place, err)) < 0)
			return r;
		const char *path;
		if (is_user_ns(ns, &path) && path && *path)
			return ocirl__error_set(
				err, OCIRL_ERROR_UNSUPPORTED, EINVAL,
				"%s: joins the user namespace at \"%s\": its mappings are fixed by its owner and "
				"cannot be made rootless here; remove the entry or run the runtime inside that "
				"namespace",
				place, path);
	}

	if ((r = check_member(config, "mounts", OCIRL_NODE_ARRAY, "", err)) < 0)
		return r;
	ocirl_node *mounts = member(config, "mounts");
	for (size_t i = 0, n = mounts ? ocirl__node_len(mounts) : 0; i < n; i++) {
		ocirl_node *m = ocirl__node_at(mounts, i);
		if (!m || !ocirl__node_is(m, OCIRL_NODE_OBJECT))
			return ocirl__error_set(err, OCIRL_ERROR_INPUT, EINVAL, "mounts[%zu]: expected an object", i);
		if (!member(m, "destination"))
			return ocirl__error_set(err, OCIRL_ERROR_INPUT, EINVAL, "mounts[%zu].destination: expected a string",
						i);
		if ((r = check_member_at(m, "destination", OCIRL_NODE_STRING, "mounts", i, err)) < 0 ||
		    (r = check_member_at(m, "type", OCIRL_NODE_STRING, "mounts", i, err)) < 0 ||
		    (r = check_member_at(m, "source", OCIRL_NODE_STRING, "mounts", i, err)) < 0 ||
		    (r = check_member_at(m, "options", OCIRL_NODE_ARRAY, "mounts", i, err)) < 0)
			return r;
		ocirl_node *opts = member(m, "options");
		for (size_t j = 0, k = opts ? ocirl__node_len(opts) : 0; j < k; j++) {
			ocirl_node *o = ocirl__node_at(opts, j);
			if (!o || !ocirl__node_is(o, OCIRL_NODE_STRING))
				return ocirl__error_set(err, OCIRL_ERROR_INPUT, EINVAL,
							"mounts[%zu].options[%zu]: expected a string", i, j);
			if (has_nul(o))
				return ocirl__error_set(err, OCIRL_ERROR_INPUT, EINVAL,
							"mounts[%zu].options[%zu]: a \\u0000 in this string is not allowed", i, j);
		}
	}

	if ((r = check_member(linux_, "sysctl", OCIRL_NODE_OBJECT, "linux", err)) < 0 ||
	    (r = check_member(linux_, "resources", OCIRL_NODE_OBJECT, "linux", err)) < 0 ||
	    (r = check_member(linux_, "cgroupsPath", OCIRL_NODE_STRING, "linux", err)) < 0 ||
	    (r = check_member(config, "process", OCIRL_NODE_OBJECT, "", err)) < 0)
		return r;
	ocirl_node *sysctl = member(linux_, "sysctl");
	if ((r = check_member(sysctl, "net.ipv4.ping_group_range", OCIRL_NODE_STRING, "linux.sysctl", err)) < 0)
		return r;
	ocirl_node *process = member(config, "process");
	if ((r = check_member(process, "user", OCIRL_NODE_OBJECT, "process", err)) < 0 ||
	    (r = check_member(process, "rlimits", OCIRL_NODE_ARRAY, "process", err)) < 0)
		return r;
	ocirl_node *oom = member(process, "oomScoreAdj");
	if (oom && !ocirl__node_is(oom, OCIRL_NODE_INT))
		return ocirl__error_set(err, OCIRL_ERROR_INPUT, EINVAL, "process.oomScoreAdj: expected an integer");
	ocirl_node *user = member(process, "user");
	if ((r = check_uint(user, "uid", UINT32_MAX, "process.user", err)) < 0 ||
	    (r = check_uint(user, "gid", UINT32_MAX, "process.user", err)) < 0 ||
	    (r = check_member(user, "additionalGids", OCIRL_NODE_ARRAY, "process.user", err)) < 0)
		return r;
	ocirl_node *gids = member(user, "additionalGids");
	for (size_t i = 0, n = gids ? ocirl__node_len(gids) : 0; i < n; i++) {
		uint64_t g;
		if (!get_uint(ocirl__node_at(gids, i), UINT32_MAX, &g))
			return ocirl__error_set(err, OCIRL_ERROR_INPUT, EINVAL,
						"process.user.additionalGids[%zu]: expected an integer from 0 to 4294967295", i);
	}
	ocirl_node *rlimits = member(process, "rlimits");
	for (size_t i = 0, n = rlimits ? ocirl__node_len(rlimits) : 0; i < n; i++) {
		ocirl_node *rl = ocirl__node_at(rlimits, i);
		ocirl_node *type = member(rl, "type"), *hard = member(rl, "hard"), *soft = member(rl, "soft");
		uint64_t u;
		if (ocirl__node_is(rl, OCIRL_NODE_OBJECT) && ocirl__node_is(type, OCIRL_NODE_STRING) && !has_nul(type) &&
		    (!hard || get_uint(hard, UINT64_MAX, &u)) && (!soft || get_uint(soft, UINT64_MAX, &u)))
			continue; /* the common case: fine, and no place to write */
		char place[64];
		snprintf(place, sizeof(place), "process.rlimits[%zu]", i);
		if (!rl || !ocirl__node_is(rl, OCIRL_NODE_OBJECT))
			return ocirl__error_set(err, OCIRL_ERROR_INPUT, EINVAL, "%s: expected an object", place);
		if (!member(rl, "type"))
			return ocirl__error_set(err, OCIRL_ERROR_INPUT, EINVAL, "%s.type: expected a string", place);
		if ((r = check_member(rl, "type", OCIRL_NODE_STRING, place, err)) < 0 ||
		    (r = check_uint(rl, "hard", UINT64_MAX, place, err)) < 0 ||
		    (r = check_uint(rl, "soft", UINT64_MAX, place, err)) < 0)
			return r;
	}
	return 0;
}

/* ---- rule 1: linux exists; linux.namespaces ends with one plain user namespace ---- */

static int rule_linux(ocirl_tree *t, ocirl_node **out, ocirl_changes *changes, ocirl_node *config, ocirl_error **err)
{
	ocirl_node *linux_ = member(config, "linux");
	if (linux_) {
		*out = linux_;
		return 0;
	}
	bool was_null = (ocirl__node_find(config, "linux") >= 0);
	linux_ = ocirl__node_new(t, OCIRL_NODE_OBJECT);
	if (!linux_ || ocirl__node_set(t, config, "linux", linux_) < 0)
		return nomem(err);
	if (ocirl__changes_add(changes, "linux", "created (it was %s): the namespaces and id mappings go there",
			       was_null ? "null" : "missing") < 0)
		return nomem(err);
	*out = linux_;
	return 0;
}

/* Mode inherit: the container stays in the caller's user namespace, so no
 * plain user entry stays. */
static int rule_no_user_namespace(ocirl_changes *changes, ocirl_node *linux_, ocirl_error **err)
{
	ocirl_node *old = member(linux_, "namespaces");
	size_t users = 0;
	for (size_t i = old ? ocirl__node_len(old) : 0; i-- > 0;) {
		const char *path;
		if (!is_user_ns(ocirl__node_at(old, i), &path))
			continue;
		ocirl__node_remove_at(old, i);
		users++;
	}
	if (users && ocirl__changes_add(changes, "linux.namespaces",
					"removed the user namespace: in mode inherit the container stays in the "
					"caller's own user namespace") < 0)
		return nomem(err);
	return 0;
}

static int rule_user_namespace(ocirl_tree *t, ocirl_changes *changes, ocirl_node *linux_, ocirl_error **err)
{
	ocirl_node *old = member(linux_, "namespaces");
	size_t n = old ? ocirl__node_len(old) : 0;
	ocirl_node *nss = ocirl__node_new(t, OCIRL_NODE_ARRAY);
	if (!nss)
		return nomem(err);
	/* The first plain user entry is kept as written (with any other field it
	 * has), at the end; further ones go. check_config() refused one with a path. */
	ocirl_node *user = NULL;
	size_t users = 0;
	for (size_t i = 0; i < n; i++) {
		ocirl_node *ns = ocirl__node_at(old, i);
		const char *path;
		if (is_user_ns(ns, &path)) {
			if (users++ == 0)
				user = ns;
			continue;
		}
		if (ocirl__node_append(t, nss, ns) < 0)
			return nomem(err);
	}
	if (!user) {
		ocirl_node *type = ocirl__node_new_string(t, "user");
		user = ocirl__node_new(t, OCIRL_NODE_OBJECT);
		if (!user || !type || ocirl__node_set(t, user, "type", type) < 0)
			return nomem(err);
	}
	if (ocirl__node_append(t, nss, user) < 0)
		return nomem(err);
	if (old && ocirl__node_equal(old, nss))
		return 0;
	if (ocirl__node_set(t, linux_, "namespaces", nss) < 0)
		return nomem(err);
	int r;
	if (users == 0)
		r = ocirl__changes_add(changes, "linux.namespaces",
				       "added {\"type\": \"user\"}: a rootless container needs a user namespace "
				       "of its own, in which its ids are mapped");
	else if (users == 1)
		r = ocirl__changes_add(changes, "linux.namespaces", "moved the user namespace to the end");
	else
		r = ocirl__changes_add(changes, "linux.namespaces",
				       "kept the first of %zu user namespace entries, at the end, and removed the "
				       "others: a container has one user namespace",
				       users);
	return r < 0 ? nomem(err) : 0;
}

/* ---- rule 2: uidMappings and gidMappings are the mode's ---- */

static ocirl_node *mappings_to_json(ocirl_tree *t, const ocirl_id_mapping *m, size_t n)
{
	ocirl_node *arr = ocirl__node_new(t, OCIRL_NODE_ARRAY);
	if (!arr)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		ocirl_node *o = ocirl__node_new(t, OCIRL_NODE_OBJECT);
		if (!o || ocirl__node_append(t, arr, o) < 0)
			return NULL;
		if (ocirl__node_set(t, o, "containerID", ocirl__node_new_int(t, m[i].container_id)) < 0 ||
		    ocirl__node_set(t, o, "hostID", ocirl__node_new_int(t, m[i].host_id)) < 0 ||
		    ocirl__node_set(t, o, "size", ocirl__node_new_int(t, m[i].size)) < 0) {
			return NULL;
		}
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

static int rule_mappings(ocirl_tree *t, ocirl_changes *changes, ocirl_node *linux_, const char *key,
			 const ocirl_id_mapping *m, size_t n, ocirl_mode mode, bool gid, ocirl_error **err)
{
	ocirl_node *want = mappings_to_json(t, m, n);
	if (!want)
		return nomem(err);
	ocirl_node *old = member(linux_, key);
	if (old && ocirl__node_equal(old, want))
		return 0;
	if (ocirl__node_set(t, linux_, key, want) < 0)
		return nomem(err);
	ocirl_buf b = { 0 };
	ocirl__mappings_format(&b, m, n);
	char where[32];
	snprintf(where, sizeof(where), "linux.%s", key);
	int r = ocirl__changes_add(changes, where, "set to %s (container:host:size): %s",
				   b.failed ? "?" : b.data, mode_reason(mode, gid));
	free(b.data);
	return r < 0 ? nomem(err) : 0;
}

static int rule_no_mappings(ocirl_changes *changes, ocirl_node *linux_, ocirl_error **err)
{
	static const char *const keys[] = { "uidMappings", "gidMappings" };
	for (int i = 0; i < 2; i++) {
		if (!(ocirl__node_find(linux_, keys[i]) >= 0))
			continue;
		ocirl__node_del(linux_, keys[i]);
		char where[32];
		snprintf(where, sizeof(where), "linux.%s", keys[i]);
		if (ocirl__changes_add(changes, where,
				       "removed: in mode inherit no user namespace is created, so there is nothing "
				       "to map") < 0)
			return nomem(err);
	}
	return 0;
}

/* ---- rule 3: /sys without a network namespace of its own ---- */

/* How the container gets a namespace of a type. */
typedef enum {
	NS_NEW,         /* an entry without a path: a new one */
	NS_CALLER,      /* no entry, or a path naming the caller's own */
	NS_OTHER,       /* a path naming another one (or one we cannot compare) */
} ns_kind;

static ns_kind namespace_kind(ocirl_node *linux_, const char *type, const ocirl_context *ctx)
{
	ocirl_node *nss = member(linux_, "namespaces");
	for (size_t i = 0, n = nss ? ocirl__node_len(nss) : 0; i < n; i++) {
		ocirl_node *ns = ocirl__node_at(nss, i);
		const char *t = member_string(ns, "type");
		const char *path = member_string(ns, "path");
		if (!t || strcmp(t, type) != 0)
			continue;
		if (!path || !*path)
			return NS_NEW;
		const ocirl_ns_id *caller = type[0] == 'p' ? &with(ctx, OCIRL_FACT_NS)->ns_pid
					  : type[0] == 'i' ? &with(ctx, OCIRL_FACT_NS)->ns_ipc
							   : &with(ctx, OCIRL_FACT_NS)->ns_net;
		ocirl_ns_id id = ocirl__ns_id(path);
		return caller->known && id.known && id.dev == caller->dev && id.ino == caller->ino ? NS_CALLER
													 : NS_OTHER;
	}
	return NS_CALLER;
}

/* The destination cleaned as runc does: relative ones are taken from "/". */
static char *mount_destination(ocirl_node *mount)
{
	const char *d = member_string(mount, "destination");
	if (!d)
		return NULL;
	if (d[0] == '/')
		return ocirl__path_clean(d);
	char *abs = NULL;
	if (asprintf(&abs, "/%s", d) < 0)
		return NULL;
	char *c = ocirl__path_clean(abs);
	free(abs);
	return c;
}

/* 1 when the mount's cleaned destination is /sys or under it, 0 when not, -1
 * out of memory. An absolute destination that is already clean (no empty, "."
 * or ".." part, no trailing slash) is tested as it is, without allocating. */
static int mount_under_sys(ocirl_node *mount)
{
	const char *d = member_string(mount, "destination");
	if (!d)
		return -1;
	bool clean = d[0] == '/';
	for (const char *p = d; clean && *p; p++) {
		if (*p != '/')
			continue;
		if (p[1] == '/' || (p[1] == '\0' && p != d) ||
		    (p[1] == '.' && (p[2] == '/' || p[2] == '\0' || (p[2] == '.' && (p[3] == '/' || p[3] == '\0')))))
			clean = false;
	}
	if (clean)
		return ocirl__path_is_under(d, "/sys");
	char *dest = mount_destination(mount);
	if (!dest)
		return -1;
	int r = ocirl__path_is_under(dest, "/sys");
	free(dest);
	return r;
}

static ocirl_node *sys_bind_mount(ocirl_tree *t)
{
	static const char *const opts[] = { "rbind", "nosuid", "noexec", "nodev", "ro" };
	ocirl_node *m = ocirl__node_new(t, OCIRL_NODE_OBJECT);
	ocirl_node *o = ocirl__node_new(t, OCIRL_NODE_ARRAY);
	if (!m || !o)
		return NULL;
	bool ok = ocirl__node_set(t, m, "destination", ocirl__node_new_string(t, "/sys")) == 0 &&
		  ocirl__node_set(t, m, "type", ocirl__node_new_string(t, "none")) == 0 &&
		  ocirl__node_set(t, m, "source", ocirl__node_new_string(t, "/sys")) == 0;
	for (size_t i = 0; ok && i < 5; i++)
		ok = ocirl__node_append(t, o, ocirl__node_new_string(t, opts[i])) == 0;
	if (!ok || ocirl__node_set(t, m, "options", o) < 0)
		return NULL;
	return m;
}

/* Whether m is a bind of the host's /sys at /sys with at least the options
 * of sys_bind_mount(t) (rule 10 may have added locked flags to it). */
static bool is_sys_bind(ocirl_node *m, ocirl_node *bind)
{
	const char *d = member_string(m, "destination"), *src = member_string(m, "source"),
		   *t = member_string(m, "type");
	if (!d || !src || !t || strcmp(d, "/sys") != 0 || strcmp(src, "/sys") != 0 || strcmp(t, "none") != 0)
		return false;
	ocirl_node *want = member(bind, "options"), *have = member(m, "options");
	for (size_t i = 0, n = ocirl__node_len(want); i < n; i++)
		if (!options_have(have, ocirl__node_str(ocirl__node_at(want, i))))
			return false;
	return true;
}

static int rule_sys(ocirl_tree *t, ocirl_changes *changes, ocirl_node *config, ocirl_node *linux_,
		    const ocirl_context *ctx, ocirl_error **err)
{
	ns_kind net = namespace_kind(linux_, "network", ctx);
	if (net == NS_NEW)
		return 0; /* a fresh sysfs mounts fine in a network namespace the container's user namespace owns */
	if (ctx->maps->mode == OCIRL_MODE_INHERIT && net == NS_CALLER &&
	    with(ctx, OCIRL_FACT_NET_OWNER)->net_owned_by_own_userns)
		return 0; /* the caller's user namespace, which the container keeps, owns its network namespace */

	static const char reason[] = "the container has no network namespace of its own, and a fresh "
				     "sysfs can only be mounted by the user namespace that owns the network "
				     "namespace";
	ocirl_node *old = member(config, "mounts");
	size_t n = old ? ocirl__node_len(old) : 0;
	ocirl_node *mounts = ocirl__node_new(t, OCIRL_NODE_ARRAY);
	ocirl_node *bind = sys_bind_mount(t);
	if (!mounts || !bind)
		return nomem(err);
	/* A bind of /sys already there (from an earlier conversion, perhaps with
	 * the locked flags rule 10 added) is kept as it is. */
	for (size_t i = 0; i < n; i++) {
		ocirl_node *m = ocirl__node_at(old, i);
		if (is_sys_bind(m, bind)) {
			bind = m;
			break;
		}
	}
	for (size_t i = 0; i < n; i++) {
		ocirl_node *m = ocirl__node_at(old, i);
		int under = mount_under_sys(m);
		if (under < 0 || (!under && ocirl__node_append(t, mounts, m) < 0))
			return nomem(err);
	}
	if (ocirl__node_append(t, mounts, bind) < 0)
		return nomem(err);
	if (old && ocirl__node_equal(old, mounts))
		return 0;
	/* Explain before replacing: the old mounts go with the old array. A bind
	 * of /sys already there counts as moved only when a mount that stays
	 * came after it. */
	int r = 0;
	bool had_bind = false, moved = false;
	for (size_t i = 0; i < n && r == 0; i++) {
		ocirl_node *m = ocirl__node_at(old, i);
		if (mount_under_sys(m) != 1) {
			moved = moved || had_bind;
			continue;
		}
		if (!had_bind && ocirl__node_equal(m, bind)) {
			had_bind = true;
			continue;
		}
		const char *type = member_string(m, "type");
		r = ocirl__changes_add(changes, member_string(m, "destination"), "removed this %s mount: %s",
				       type ? type : "untyped", reason);
	}
	if (r == 0 && !had_bind)
		r = ocirl__changes_add(changes, "/sys",
				       "added a read-only recursive bind of the host's /sys (rbind, nosuid, noexec, "
				       "nodev, ro): %s",
				       reason);
	else if (r == 0 && moved)
		r = ocirl__changes_add(changes, "/sys", "moved the read-only bind of the host's /sys to the end of mounts");
	if (r < 0)
		return nomem(err);
	if (ocirl__node_set(t, config, "mounts", mounts) < 0)
		return nomem(err);
	return 0;
}

/* ---- rule 4: uid= and gid= mount options stay only when mapped ---- */

/* Parses the N of "uid=N"; false when it is not a plain decimal number. */
static bool option_id(const char *opt, const char *prefix, uint64_t *id)
{
	size_t n = strlen(prefix);
	if (strncmp(opt, prefix, n) != 0 || opt[n] == '\0')
		return false;
	uint64_t v = 0;
	for (const char *p = opt + n; *p; p++) {
		if (*p < '0' || *p > '9' || v > (UINT64_MAX - 9) / 10)
			return false;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	*id = v;
	return true;
}

static int rule_id_options(ocirl_changes *changes, ocirl_node *config, const ocirl_mappings *maps,
			   ocirl_error **err)
{
	ocirl_node *mounts = member(config, "mounts");
	for (size_t i = 0, n = mounts ? ocirl__node_len(mounts) : 0; i < n; i++) {
		ocirl_node *m = ocirl__node_at(mounts, i);
		ocirl_node *opts = member(m, "options");
		for (size_t j = 0; opts && j < ocirl__node_len(opts);) {
			const char *opt = ocirl__node_str(ocirl__node_at(opts, j));
			uint64_t id;
			bool is_uid = option_id(opt, "uid=", &id), is_gid = !is_uid && option_id(opt, "gid=", &id);
			bool mapped = is_uid ? ocirl__mappings_cover(maps->uid, maps->n_uid, id)
				    : is_gid ? ocirl__mappings_cover(maps->gid, maps->n_gid, id)
					     : true;
			if (mapped) {
				j++;
				continue;
			}
			if (ocirl__changes_add(changes, member_string(m, "destination"),
					       "dropped option %s: %s %" PRIu64 " is not mapped in the container",
					       opt, is_uid ? "uid" : "gid", id) < 0)
				return nomem(err);
			ocirl__node_remove_at(opts, j);
		}
	}
	return 0;
}

/* ---- rule 5: cgroup settings ---- */

static const char why_no_cgroup[] =
	"a rootless runtime cannot create or join a cgroup to apply limits without a delegated cgroup v2 "
	"subtree (runc: \"cannot set memory limit: container could not join or create cgroup\")";

static const char why_no_cgroup_path[] =
	"a rootless runtime cannot create a cgroup at a given path without a delegated cgroup v2 subtree (runc: "
	"\"mkdir /sys/fs/cgroup/...: permission denied\")";

static int drop_member(ocirl_changes *changes, ocirl_node *obj, const char *key, const char *where,
		       const char *why, ocirl_error **err)
{
	if (!(ocirl__node_find(obj, key) >= 0))
		return 0;
	ocirl__node_del(obj, key);
	if (ocirl__changes_add(changes, where, "removed: %s", why) < 0)
		return nomem(err);
	return 0;
}

/* Removes the keys of obj for which drop(key, arg) is true, explaining each
 * as "PREFIX.KEY: removed: WHY". */
static int remove_keys_where(ocirl_changes *changes, ocirl_node *obj, bool (*drop)(const char *, const void *),
			     const void *arg, const char *prefix, const char *why, ocirl_error **err)
{
	for (size_t i = 0; i < obj->obj.n;) {
		const char *k = obj->obj.m[i].key;
		if (!drop(k, arg)) {
			i++;
			continue;
		}
		char where[300];
		snprintf(where, sizeof(where), "%s.%s", prefix, k);
		if (ocirl__changes_add(changes, where, "removed: %s", why) < 0)
			return nomem(err);
		memmove(&obj->obj.m[i], &obj->obj.m[i + 1], (obj->obj.n - i - 1) * sizeof(ocirl_member));
		obj->obj.n--;
	}
	return 0;
}

static bool controller_delegated(const ocirl_context *ctx, const char *name, size_t n)
{
	char needle[64];
	if (n + 3 > sizeof(needle))
		return false;
	snprintf(needle, sizeof(needle), " %.*s ", (int)n, name);
	return ctx->cg_controllers && strstr(ctx->cg_controllers, needle);
}

/* linux.resources keys and the cgroup v2 controller each needs ("" for none). */
static const struct {
	const char *key, *controller;
} resource_controllers[] = {
	{ "memory", "memory" }, { "cpu", "cpu" },       { "pids", "pids" },  { "blockIO", "io" },
	{ "hugepageLimits", "hugetlb" }, { "rdma", "rdma" }, { "network", "" }, { "devices", "" },
};

static bool unified_key_undelegated(const char *k, const void *ctx)
{
	const char *dot = strchr(k, '.');
	return !dot || strncmp(k, "cgroup.", 7) == 0 || !controller_delegated(ctx, k, (size_t)(dot - k));
}

static int filter_resources(ocirl_changes *changes, ocirl_node *res, const ocirl_context *ctx,
			    ocirl_error **err)
{
	int r;
	for (size_t i = 0; i < sizeof(resource_controllers) / sizeof(resource_controllers[0]); i++) {
		const char *key = resource_controllers[i].key, *ctl = resource_controllers[i].controller;
		if (!(ocirl__node_find(res, key) >= 0))
			continue;
		if (*ctl && controller_delegated(ctx, ctl, strlen(ctl)))
			continue;
		char where[64], why[160];
		snprintf(where, sizeof(where), "linux.resources.%s", key);
		if (*ctl)
			snprintf(why, sizeof(why), "the controller \"%s\" is not in the caller's delegated cgroup.controllers", ctl);
		else
			snprintf(why, sizeof(why), "cgroup v2 has no %s controller a rootless runtime can use",
				 strcmp(key, "devices") == 0 ? "devices" : "network");
		if ((r = drop_member(changes, res, key, where, why, err)) < 0)
			return r;
	}
	/* cpu.cpus and cpu.mems are the cpuset controller's */
	ocirl_node *cpu = member(res, "cpu");
	if (cpu && ocirl__node_is(cpu, OCIRL_NODE_OBJECT) && !controller_delegated(ctx, "cpuset", 6)) {
		static const char why[] = "the controller \"cpuset\" is not in the caller's delegated cgroup.controllers";
		if ((r = drop_member(changes, cpu, "cpus", "linux.resources.cpu.cpus", why, err)) < 0 ||
		    (r = drop_member(changes, cpu, "mems", "linux.resources.cpu.mems", why, err)) < 0)
			return r;
	}
	/* unified: "CONTROLLER.FILE" keys */
	ocirl_node *unified = member(res, "unified");
	if (unified && ocirl__node_is(unified, OCIRL_NODE_OBJECT) &&
	    (r = remove_keys_where(changes, unified, unified_key_undelegated, ctx, "linux.resources.unified",
				   "its controller is not in the caller's delegated cgroup.controllers", err)) < 0)
		return r;
	return 0;
}

static int rule_cgroups(ocirl_changes *changes, ocirl_node *linux_, const ocirl_context *ctx,
			ocirl_error **err)
{
	if (ctx->cgroups == OCIRL_CGROUPS_KEEP)
		return 0;
	int r;
	if (!ocirl__node_get(linux_, "resources") && !ocirl__node_get(linux_, "cgroupsPath"))
		return 0; /* nothing to look at: the caller's cgroup is not read */
	if (ctx->cgroups == OCIRL_CGROUPS_DROP || !with(ctx, OCIRL_FACT_CGROUP)->cg_delegated) {
		if ((r = drop_member(changes, linux_, "resources", "linux.resources", why_no_cgroup, err)) < 0 ||
		    (r = drop_member(changes, linux_, "cgroupsPath", "linux.cgroupsPath", why_no_cgroup_path, err)) < 0)
			return r;
		return 0;
	}
	/* auto with a delegated cgroup v2 subtree: keep what it can enforce */
	ocirl_node *res = member(linux_, "resources");
	if (res && (r = filter_resources(changes, res, ctx, err)) < 0)
		return r;
	const char *path = member_string(linux_, "cgroupsPath");
	if (path) {
		_cleanup_free_ char *clean = ocirl__path_clean(path);
		if (!clean)
			return nomem(err);
		if (!ocirl__path_is_under(clean, ctx->cg_path)) {
			char why[512];
			snprintf(why, sizeof(why), "it does not lie under the caller's delegated cgroup %s", ctx->cg_path);
			if ((r = drop_member(changes, linux_, "cgroupsPath", "linux.cgroupsPath", why, err)) < 0)
				return r;
		}
	}
	return 0;
}

/* ---- rule 6: the process's user and groups must be mapped ---- */

static void format_maps(char *buf, size_t size, const ocirl_id_mapping *m, size_t n)
{
	ocirl_buf b = { 0 };
	ocirl__mappings_format(&b, m, n);
	snprintf(buf, size, "%s", b.failed || !b.data ? "?" : b.data);
	free(b.data);
}

/* Refuses a process user whose uid or gid is not mapped; runs before any change. */
static int check_process_user(ocirl_node *config, const ocirl_context *ctx, ocirl_error **err)
{
	ocirl_node *user = member(member(config, "process"), "user");
	const ocirl_mappings *m = ctx->maps;
	static const char *const keys[] = { "uid", "gid" };
	for (int i = 0; i < 2; i++) {
		uint64_t id = 0;
		if (!get_uint(member(user, keys[i]), UINT32_MAX, &id))
			id = 0; /* absent: the runtime runs the process as 0 */
		const ocirl_id_mapping *maps = i ? m->gid : m->uid;
		size_t n = i ? m->n_gid : m->n_uid;
		if (ocirl__mappings_cover(maps, n, id))
			continue;
		char list[256];
		format_maps(list, sizeof(list), maps, n);
		return ocirl__error_set(err, OCIRL_ERROR_UNSUPPORTED, EINVAL,
					"process.user.%s: %s %" PRIu64 " is not mapped in the container (%s mappings "
					"container:host:size %s, mode %s); map more ids with --mode subid, or run the "
					"process as a mapped id",
					keys[i], keys[i], id, keys[i], list, ocirl_mode_name(m->mode));
	}
	return 0;
}

static int rule_additional_gids(ocirl_changes *changes, ocirl_node *config, const ocirl_context *ctx,
				ocirl_error **err)
{
	ocirl_node *user = member(member(config, "process"), "user");
	ocirl_node *gids = member(user, "additionalGids");
	if (!gids)
		return 0;
	ocirl_mode mode = ctx->maps->mode;
	if (mode == OCIRL_MODE_SINGLE || mode == OCIRL_MODE_SUBID) {
		return drop_member(changes, user, "additionalGids", "process.user.additionalGids",
				   "a runtime run by a normal user cannot set additional groups (runc: \"cannot set "
				   "any additional groups in a rootless container\")",
				   err);
	}
	for (size_t i = 0; i < ocirl__node_len(gids);) {
		uint64_t g = 0;
		get_uint(ocirl__node_at(gids, i), UINT32_MAX, &g);
		if (ocirl__mappings_cover(ctx->maps->gid, ctx->maps->n_gid, g)) {
			i++;
			continue;
		}
		if (ocirl__changes_add(changes, "process.user.additionalGids",
				       "dropped gid %" PRIu64 ": it is not mapped in the container (setgroups would "
				       "fail with \"invalid argument\")",
				       g) < 0)
			return nomem(err);
		ocirl__node_remove_at(gids, i);
	}
	return 0;
}

/* ---- rule 7: oomScoreAdj and rlimits within the caller's ---- */

static int rule_oom_score_adj(ocirl_tree *t, ocirl_changes *changes, ocirl_node *config, const ocirl_context *ctx,
			      ocirl_error **err)
{
	ocirl_node *process = member(config, "process");
	ocirl_node *oom = member(process, "oomScoreAdj");
	if (!oom || !with(ctx, OCIRL_FACT_OOM)->oom_known)
		return 0;
	int64_t v = oom->flag ? INT64_MAX : oom->i; /* above INT64_MAX: as high as can be */
	if (v >= ctx->oom_score_adj)
		return 0;
	if (ocirl__node_set(t, process, "oomScoreAdj", ocirl__node_new_int(t, ctx->oom_score_adj)) < 0 ||
	    ocirl__changes_add(changes, "process.oomScoreAdj",
			       "raised from %" PRId64 " to %d, the caller's own: lowering it needs CAP_SYS_RESOURCE "
			       "outside any user namespace (runc: \"failed to update /proc/self/oom_score_adj: "
			       "Permission denied\")",
			       v, ctx->oom_score_adj) < 0)
		return nomem(err);
	return 0;
}

static void format_limit(char *buf, size_t size, uint64_t v)
{
	if (v == UINT64_MAX)
		snprintf(buf, size, "unlimited");
	else
		snprintf(buf, size, "%" PRIu64, v);
}

static int rule_rlimits(ocirl_tree *t, ocirl_changes *changes, ocirl_node *config, const ocirl_context *ctx,
			ocirl_error **err)
{
	ocirl_node *rlimits = member(member(config, "process"), "rlimits");
	for (size_t i = 0, n = rlimits ? ocirl__node_len(rlimits) : 0; i < n; i++) {
		ocirl_node *rl = ocirl__node_at(rlimits, i);
		const char *type = member_string(rl, "type");
		int idx = ocirl__rlimit_index(type);
		if (idx < 0 || !with(ctx, OCIRL_FACT_LIMITS)->hard_known[idx])
			continue; /* an unknown type, or a limit we could not read */
		uint64_t max = ctx->hard[idx], hard = 0, soft = 0;
		bool has_hard = get_uint(member(rl, "hard"), UINT64_MAX, &hard);
		bool has_soft = get_uint(member(rl, "soft"), UINT64_MAX, &soft);
		uint64_t new_hard = has_hard && hard > max ? max : hard;
		uint64_t new_soft = has_soft && soft > new_hard && has_hard ? new_hard : soft;
		if (has_soft && new_soft > max)
			new_soft = max;
		if (new_hard == hard && new_soft == soft)
			continue;
		char where[96], a[32], b[32], c[32], d[32], m[32];
		snprintf(where, sizeof(where), "process.rlimits[%zu]", i);
		format_limit(a, sizeof(a), hard);
		format_limit(b, sizeof(b), new_hard);
		format_limit(c, sizeof(c), soft);
		format_limit(d, sizeof(d), new_soft);
		format_limit(m, sizeof(m), max);
		char what[160];
		if (has_hard && has_soft)
			snprintf(what, sizeof(what), "hard %s, soft %s (was %s, %s)", b, d, a, c);
		else if (has_hard)
			snprintf(what, sizeof(what), "hard %s (was %s)", b, a);
		else
			snprintf(what, sizeof(what), "soft %s (was %s)", d, c);
		if ((new_hard != hard && ocirl__node_set(t, rl, "hard", ocirl__node_new_uint(t, new_hard)) < 0) ||
		    (new_soft != soft && ocirl__node_set(t, rl, "soft", ocirl__node_new_uint(t, new_soft)) < 0) ||
		    ocirl__changes_add(changes, where,
				       "%s lowered to %s: the caller's hard limit is %s, and raising a hard limit needs "
				       "CAP_SYS_RESOURCE outside any user namespace (runc: \"error setting rlimit type "
				       "N: operation not permitted\")",
				       type, what, m) < 0)
			return nomem(err);
	}
	return 0;
}

/* ---- rule 8: /proc, /dev/mqueue and /dev/shm with the caller's pid and ipc namespaces ---- */

static ocirl_node *bind_mount(ocirl_tree *t, const char *path)
{
	static const char *const opts[] = { "rbind", "nosuid", "noexec", "nodev" };
	ocirl_node *m = ocirl__node_new(t, OCIRL_NODE_OBJECT);
	ocirl_node *o = ocirl__node_new(t, OCIRL_NODE_ARRAY);
	if (!m || !o)
		return NULL;
	bool ok = ocirl__node_set(t, m, "destination", ocirl__node_new_string(t, path)) == 0 &&
		  ocirl__node_set(t, m, "type", ocirl__node_new_string(t, "bind")) == 0 &&
		  ocirl__node_set(t, m, "source", ocirl__node_new_string(t, path)) == 0;
	for (size_t i = 0; ok && i < 4; i++)
		ok = ocirl__node_append(t, o, ocirl__node_new_string(t, opts[i])) == 0;
	if (!ok || ocirl__node_set(t, m, "options", o) < 0)
		return NULL;
	return m;
}

/* Whether mount m is of the given type at the given (cleaned) destination;
 * -1 when out of memory. */
static int mount_is(ocirl_node *m, const char *dest, const char *type)
{
	const char *t = member_string(m, "type");
	if (!t || strcmp(t, type) != 0)
		return 0;
	_cleanup_free_ char *d = mount_destination(m);
	if (!d)
		return -1;
	return strcmp(d, dest) == 0;
}

/* Every mount of that type at that destination becomes, in its place, a bind
 * of the host's path (or is removed when bind is false). */
static int replace_mounts(ocirl_tree *t, ocirl_changes *changes, ocirl_node *mounts, const char *dest, const char *type,
			  bool bind, const char *why, ocirl_error **err)
{
	for (size_t i = 0; i < ocirl__node_len(mounts);) {
		int is = mount_is(ocirl__node_at(mounts, i), dest, type);
		if (is < 0)
			return nomem(err);
		if (!is) {
			i++;
			continue;
		}
		if (bind) {
			ocirl_node *b = bind_mount(t, dest);
			if (!b)
				return nomem(err);
			mounts->arr.items[i++] = b;
			if (ocirl__changes_add(changes, dest,
					       "replaced the %s mount by a recursive bind of the host's %s: %s", type, dest,
					       why) < 0)
				return nomem(err);
		} else {
			ocirl__node_remove_at(mounts, i);
			if (ocirl__changes_add(changes, dest, "removed the %s mount: %s", type, why) < 0)
				return nomem(err);
		}
	}
	return 0;
}

static int rule_shared_pid_ipc(ocirl_tree *t, ocirl_changes *changes, ocirl_node *config, ocirl_node *linux_,
			       const ocirl_context *ctx, ocirl_error **err)
{
	ocirl_node *mounts = member(config, "mounts");
	if (!mounts)
		return 0;
	int r;
	if (namespace_kind(linux_, "pid", ctx) == NS_CALLER &&
	    (r = replace_mounts(t, changes, mounts, "/proc", "proc", true,
				"the container shares the caller's pid namespace, and a fresh procfs needs a pid "
				"namespace its user namespace owns",
				err)) < 0)
		return r;
	if (namespace_kind(linux_, "ipc", ctx) != NS_CALLER)
		return 0;
	static const char why_ipc[] = "the container shares the caller's ipc namespace, and a fresh mqueue or "
				      "shm needs an ipc namespace its user namespace owns";
	/* whether the caller has an mqueue to bind is read only for a config with an mqueue mount */
	bool has_mqueue = false;
	for (size_t i = 0; i < ocirl__node_len(mounts) && !has_mqueue; i++) {
		const char *type = member_string(ocirl__node_at(mounts, i), "type");
		has_mqueue = type && strcmp(type, "mqueue") == 0;
	}
	bool bind = has_mqueue && with(ctx, OCIRL_FACT_MQUEUE)->mqueue_mounted;
	if (has_mqueue &&
	    (r = replace_mounts(t, changes, mounts, "/dev/mqueue", "mqueue", bind,
				bind ? why_ipc
				     : "the container shares the caller's ipc namespace, whose mqueue cannot be mounted "
				       "anew, and the caller has no /dev/mqueue to bind",
				err)) < 0)
		return r;
	return replace_mounts(t, changes, mounts, "/dev/shm", "tmpfs", true, why_ipc, err);
}

/* ---- rule 9: sysctls ---- */

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

static bool is_net_sysctl(const char *k, const void *unused)
{
	(void)unused;
	return strncmp(k, "net.", 4) == 0;
}

static int rule_sysctl(ocirl_tree *t, ocirl_changes *changes, ocirl_node *linux_, const ocirl_context *ctx,
		       ocirl_error **err)
{
	ocirl_node *sysctl = member(linux_, "sysctl");
	if (!sysctl)
		return 0;
	if (namespace_kind(linux_, "network", ctx) == NS_CALLER)
		return remove_keys_where(changes, sysctl, is_net_sysctl, NULL, "linux.sysctl",
					 "the container shares the caller's network namespace, whose sysctls it may not set",
					 err);
	static const char key[] = "net.ipv4.ping_group_range";
	const char *range = member_string(sysctl, key);
	uint64_t lo, hi;
	if (!range || !parse_two(range, &lo, &hi))
		return 0;
	/* the lowest and highest mapped gids inside [lo, hi] */
	bool found = false;
	uint64_t nlo = 0, nhi = 0;
	for (size_t i = 0; i < ctx->maps->n_gid; i++) {
		uint64_t a = ctx->maps->gid[i].container_id, b = a + ctx->maps->gid[i].size - 1;
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
		return drop_member(changes, sysctl, key, "linux.sysctl.net.ipv4.ping_group_range",
				   "no gid in the range is mapped in the container, and the kernel wants both ends "
				   "mapped",
				   err);
	if (nlo == lo && nhi == hi)
		return 0;
	char value[64];
	snprintf(value, sizeof(value), "%" PRIu64 " %" PRIu64, nlo, nhi);
	/* explain first: replacing the value frees the old string */
	if (ocirl__changes_add(changes, "linux.sysctl.net.ipv4.ping_group_range",
			       "narrowed from \"%s\" to \"%s\", the lowest and highest gids mapped in it: the kernel "
			       "wants both ends mapped",
			       range, value) < 0 ||
	    ocirl__node_set(t, sysctl, key, ocirl__node_new_string(t, value)) < 0)
		return nomem(err);
	return 0;
}

/* ---- rule 10: bind mounts keep the flags their source's mount has locked ---- */

static bool is_bind(ocirl_node *m)
{
	const char *type = member_string(m, "type");
	ocirl_node *opts = member(m, "options");
	return (type && strcmp(type, "bind") == 0) || options_have(opts, "bind") || options_have(opts, "rbind");
}

static int options_remove(ocirl_node *opts, const char *opt, bool *removed)
{
	*removed = false;
	for (size_t j = ocirl__node_len(opts); j-- > 0;)
		if (strcmp(ocirl__node_str(ocirl__node_at(opts, j)), opt) == 0) {
			ocirl__node_remove_at(opts, j);
			*removed = true;
		}
	return 0;
}

static int rule_locked_flags(ocirl_tree *t, ocirl_changes *changes, ocirl_node *config, const ocirl_context *ctx,
			     ocirl_error **err)
{
	static const struct {
		unsigned long flag;
		const char *opt, *contrary;
	} locked[] = {
		{ ST_NOSUID, "nosuid", "suid" },
		{ ST_NODEV, "nodev", "dev" },
		{ ST_NOEXEC, "noexec", "exec" },
		{ ST_RDONLY, "ro", "rw" },
		{ ST_NODIRATIME, "nodiratime", "diratime" },
	};
	static const char *const atime_opts[] = { "atime", "noatime", "relatime", "norelatime", "strictatime",
						   "nostrictatime" };
	ocirl_node *mounts = member(config, "mounts");
	for (size_t i = 0, n = mounts ? ocirl__node_len(mounts) : 0; i < n; i++) {
		ocirl_node *m = ocirl__node_at(mounts, i);
		const char *source = member_string(m, "source");
		if (!is_bind(m) || !source || source[0] != '/')
			continue;
		char path[4096];
		const char *root = ctx->source_root ? ctx->source_root : "";
		size_t rlen = strlen(root), slen = strlen(source);
		if (rlen + slen >= sizeof(path))
			continue; /* too long to look up: left alone */
		memcpy(path, root, rlen);
		memcpy(path + rlen, source, slen + 1);
		struct statvfs sv;
		if (statvfs(path, &sv) < 0)
			continue; /* a source that does not exist is left alone */
		const char *dest = member_string(m, "destination");
		ocirl_node *opts = member(m, "options");
		for (size_t k = 0; k < sizeof(locked) / sizeof(locked[0]); k++) {
			if (!(sv.f_flag & locked[k].flag) || options_have(opts, locked[k].opt))
				continue;
			if (!opts) {
				opts = ocirl__node_new(t, OCIRL_NODE_ARRAY);
				if (!opts || ocirl__node_set(t, m, "options", opts) < 0)
					return nomem(err);
			}
			bool removed;
			if (options_remove(opts, locked[k].contrary, &removed) < 0 ||
			    ocirl__node_append(t, opts, ocirl__node_new_string(t, locked[k].opt)) < 0 ||
			    ocirl__changes_add(changes, dest,
					       "added option %s%s%s: the source %s lies on a %s mount, a flag a user "
					       "namespace cannot clear on remount",
					       locked[k].opt, removed ? " in place of " : "", removed ? locked[k].contrary : "",
					       source, locked[k].opt) < 0)
				return nomem(err);
		}
		/* nodiratime is locked with the atime mode: asked for on a source without it, it fails the remount */
		bool removed_nodiratime = false;
		if (!(sv.f_flag & ST_NODIRATIME) && options_have(opts, "nodiratime")) {
			if (options_remove(opts, "nodiratime", &removed_nodiratime) < 0 ||
			    ocirl__changes_add(changes, dest,
					       "removed option nodiratime: the source %s lies on a mount without it, and a "
					       "user namespace cannot change the atime flags on remount",
					       source) < 0)
				return nomem(err);
		}
		/* the atime mode is locked too: any other one asked for fails the remount */
		const char *want = (sv.f_flag & ST_NOATIME) ? "noatime" : (sv.f_flag & ST_RELATIME) ? "relatime" : "strictatime";
		bool other = false, have = options_have(opts, want);
		for (size_t k = 0; k < sizeof(atime_opts) / sizeof(atime_opts[0]); k++)
			if (strcmp(atime_opts[k], want) != 0 && options_have(opts, atime_opts[k]))
				other = true;
		if (!other)
			continue;
		for (size_t k = 0; k < sizeof(atime_opts) / sizeof(atime_opts[0]); k++) {
			bool removed;
			if (strcmp(atime_opts[k], want) != 0 && options_remove(opts, atime_opts[k], &removed) < 0)
				return nomem(err);
		}
		if ((!have && ocirl__node_append(t, opts, ocirl__node_new_string(t, want)) < 0) ||
		    ocirl__changes_add(changes, dest,
				       "set the atime mode to %s: the source %s lies on a %s mount, and a user namespace "
				       "cannot change the atime mode on remount",
				       want, source, want) < 0)
			return nomem(err);
	}
	return 0;
}

/* ---- rule 11: what no rootless runtime can honour ---- */

static int rule_unsupported(ocirl_changes *changes, ocirl_node *linux_, ocirl_error **err)
{
	int r;
	if ((r = drop_member(changes, linux_, "netDevices", "linux.netDevices",
			     "moving network devices into the container needs CAP_NET_ADMIN over the host's network "
			     "namespace, which no rootless runtime has",
			     err)) < 0 ||
	    (r = drop_member(changes, linux_, "intelRdt", "linux.intelRdt",
			     "resctrl (Intel RDT) groups can only be written by root", err)) < 0)
		return r;
	return 0;
}

int ocirl__tree_convert(ocirl_changes *changes, ocirl_tree *t, ocirl_node *config, const ocirl_context *ctx,
			ocirl_error **err)
{
	if (!config || !ocirl__node_is(config, OCIRL_NODE_OBJECT))
		return ocirl__error_set(err, OCIRL_ERROR_INPUT, EINVAL, "the config must be a JSON object");
	if (!ctx || !ctx->maps)
		return ocirl__error_set(err, OCIRL_ERROR_USAGE, EINVAL, "no context given");
	const ocirl_mappings *maps = ctx->maps;
	bool inherit = maps->mode == OCIRL_MODE_INHERIT;
	int r = check_config(config, err);
	if (r < 0 || (r = check_process_user(config, ctx, err)) < 0)
		return r;
	/* In mode inherit nothing is added to linux: a missing one stays missing. */
	ocirl_node *linux_ = member(config, "linux");
	if (!inherit && (r = rule_linux(t, &linux_, changes, config, err)) < 0)
		return r;
	if (inherit) {
		if ((r = rule_no_user_namespace(changes, linux_, err)) < 0 || (r = rule_no_mappings(changes, linux_, err)) < 0)
			return r;
	} else if ((r = rule_user_namespace(t, changes, linux_, err)) < 0 ||
		   (r = rule_mappings(t, changes, linux_, "uidMappings", maps->uid, maps->n_uid, maps->mode, false, err)) < 0 ||
		   (r = rule_mappings(t, changes, linux_, "gidMappings", maps->gid, maps->n_gid, maps->mode, true, err)) < 0)
		return r;
	if ((r = rule_sys(t, changes, config, linux_, ctx, err)) < 0 ||
	    (r = rule_id_options(changes, config, maps, err)) < 0 ||
	    (r = rule_cgroups(changes, linux_, ctx, err)) < 0 ||
	    (r = rule_additional_gids(changes, config, ctx, err)) < 0 ||
	    (r = rule_oom_score_adj(t, changes, config, ctx, err)) < 0 ||
	    (r = rule_rlimits(t, changes, config, ctx, err)) < 0 ||
	    (r = rule_shared_pid_ipc(t, changes, config, linux_, ctx, err)) < 0 ||
	    (r = rule_sysctl(t, changes, linux_, ctx, err)) < 0 ||
	    (r = rule_locked_flags(t, changes, config, ctx, err)) < 0 ||
	    (r = rule_unsupported(changes, linux_, err)) < 0)
		return r;
	return 0;
}
