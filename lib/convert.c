/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The conversion rules. Every rule of oci-rootless lives in this file, in
 * the order ocirl_config_convert() applies them; each explains itself
 * through ocirl__changes_add() and changes nothing that is already as it
 * wants it, so that a second conversion changes nothing.
 *
 * The config is checked first (check_config): every field a rule reads must
 * have the right type, so no rule can fail half-way on bad input.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "internal.h"

/* ---- small helpers over json-c ---- */

/* The member key of obj, with JSON null read as absent. */
static struct json_object *member(struct json_object *obj, const char *key)
{
	struct json_object *v = NULL;
	if (!obj || !json_object_object_get_ex(obj, key, &v))
		return NULL;
	return v; /* NULL for JSON null too */
}

static const char *member_string(struct json_object *obj, const char *key)
{
	struct json_object *v = member(obj, key);
	return v ? json_object_get_string(v) : NULL;
}

static const char *type_name(json_type t)
{
	switch (t) {
	case json_type_object: return "an object";
	case json_type_array: return "an array";
	case json_type_string: return "a string";
	default: return "a value";
	}
}

/* Checks that obj.key, if present and not null, has type t; place names obj. */
static int check_member(struct json_object *obj, const char *key, json_type t, const char *place, ocirl_error **err)
{
	struct json_object *v = member(obj, key);
	if (v && !json_object_is_type(v, t))
		return ocirl__error_set(err, OCIRL_ERROR_INPUT, EINVAL, "%s%s%s: expected %s", place,
					*place ? "." : "", key, type_name(t));
	return 0;
}

static int nomem(ocirl_error **err)
{
	return ocirl__error_nomem(err);
}

/* ---- the check of the input ---- */

static bool is_user_ns(struct json_object *ns, const char **path)
{
	const char *type = member_string(ns, "type");
	const char *p = member_string(ns, "path");
	*path = p;
	return type && strcmp(type, "user") == 0;
}


static int check_config(struct json_object *config, ocirl_error **err)
{
	int r;
	struct json_object *linux_ = NULL;
	if (json_object_object_get_ex(config, "linux", &linux_) && linux_ &&
	    !json_object_is_type(linux_, json_type_object))
		return ocirl__error_set(err, OCIRL_ERROR_INPUT, EINVAL, "linux: expected an object");
	if ((r = check_member(linux_, "namespaces", json_type_array, "linux", err)) < 0)
		return r;
	struct json_object *nss = member(linux_, "namespaces");
	for (size_t i = 0, n = nss ? json_object_array_length(nss) : 0; i < n; i++) {
		struct json_object *ns = json_object_array_get_idx(nss, i);
		char place[64];
		snprintf(place, sizeof(place), "linux.namespaces[%zu]", i);
		if (!ns || !json_object_is_type(ns, json_type_object))
			return ocirl__error_set(err, OCIRL_ERROR_INPUT, EINVAL, "%s: expected an object", place);
		if (!member(ns, "type"))
			return ocirl__error_set(err, OCIRL_ERROR_INPUT, EINVAL, "%s.type: expected a string", place);
		if ((r = check_member(ns, "type", json_type_string, place, err)) < 0 ||
		    (r = check_member(ns, "path", json_type_string, place, err)) < 0)
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

	if ((r = check_member(config, "mounts", json_type_array, "", err)) < 0)
		return r;
	struct json_object *mounts = member(config, "mounts");
	for (size_t i = 0, n = mounts ? json_object_array_length(mounts) : 0; i < n; i++) {
		struct json_object *m = json_object_array_get_idx(mounts, i);
		char place[64];
		snprintf(place, sizeof(place), "mounts[%zu]", i);
		if (!m || !json_object_is_type(m, json_type_object))
			return ocirl__error_set(err, OCIRL_ERROR_INPUT, EINVAL, "%s: expected an object", place);
		if (!member(m, "destination"))
			return ocirl__error_set(err, OCIRL_ERROR_INPUT, EINVAL, "%s.destination: expected a string",
						place);
		if ((r = check_member(m, "destination", json_type_string, place, err)) < 0 ||
		    (r = check_member(m, "type", json_type_string, place, err)) < 0 ||
		    (r = check_member(m, "source", json_type_string, place, err)) < 0 ||
		    (r = check_member(m, "options", json_type_array, place, err)) < 0)
			return r;
		struct json_object *opts = member(m, "options");
		for (size_t j = 0, k = opts ? json_object_array_length(opts) : 0; j < k; j++) {
			struct json_object *o = json_object_array_get_idx(opts, j);
			if (!o || !json_object_is_type(o, json_type_string))
				return ocirl__error_set(err, OCIRL_ERROR_INPUT, EINVAL,
							"%s.options[%zu]: expected a string", place, j);
		}
	}
	return 0;
}

/* ---- rule 1: linux exists; linux.namespaces ends with one plain user namespace ---- */

static int rule_linux(struct json_object **out, ocirl_changes *changes, struct json_object *config, ocirl_error **err)
{
	struct json_object *linux_ = member(config, "linux");
	if (linux_) {
		*out = linux_;
		return 0;
	}
	bool was_null = json_object_object_get_ex(config, "linux", NULL);
	linux_ = json_object_new_object();
	if (!linux_ || json_object_object_add(config, "linux", linux_) < 0)
		return nomem(err);
	if (ocirl__changes_add(changes, "linux", "created (it was %s): the namespaces and id mappings go there",
			       was_null ? "null" : "missing") < 0)
		return nomem(err);
	*out = linux_;
	return 0;
}

static int rule_user_namespace(ocirl_changes *changes, struct json_object *linux_, ocirl_error **err)
{
	struct json_object *old = member(linux_, "namespaces");
	size_t n = old ? json_object_array_length(old) : 0;
	struct json_object *nss = json_object_new_array_ext((int)n + 1);
	if (!nss)
		return nomem(err);
	/* The first plain user entry is kept as written (with any other field it
	 * has), at the end; further ones go. check_config() refused one with a path. */
	struct json_object *user = NULL;
	size_t users = 0;
	for (size_t i = 0; i < n; i++) {
		struct json_object *ns = json_object_array_get_idx(old, i);
		const char *path;
		if (is_user_ns(ns, &path)) {
			if (users++ == 0)
				user = json_object_get(ns);
			continue;
		}
		json_object_array_add(nss, json_object_get(ns));
	}
	if (!user) {
		struct json_object *type = json_object_new_string("user");
		user = json_object_new_object();
		if (!user || !type || json_object_object_add(user, "type", type) < 0) {
			json_object_put(type);
			json_object_put(user);
			json_object_put(nss);
			return nomem(err);
		}
	}
	if (json_object_array_add(nss, user) < 0) {
		json_object_put(user);
		json_object_put(nss);
		return nomem(err);
	}
	if (old && json_object_equal(old, nss)) {
		json_object_put(nss);
		return 0;
	}
	if (json_object_object_add(linux_, "namespaces", nss) < 0)
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

static struct json_object *mappings_to_json(const ocirl_id_mapping *m, size_t n)
{
	struct json_object *arr = json_object_new_array_ext((int)n);
	if (!arr)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		struct json_object *o = json_object_new_object();
		if (!o || json_object_array_add(arr, o) < 0) {
			json_object_put(o);
			json_object_put(arr);
			return NULL;
		}
		if (json_object_object_add(o, "containerID", json_object_new_int64(m[i].container_id)) < 0 ||
		    json_object_object_add(o, "hostID", json_object_new_int64(m[i].host_id)) < 0 ||
		    json_object_object_add(o, "size", json_object_new_int64(m[i].size)) < 0) {
			json_object_put(arr);
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

static int rule_mappings(ocirl_changes *changes, struct json_object *linux_, const char *key,
			 const ocirl_id_mapping *m, size_t n, ocirl_mode mode, bool gid, ocirl_error **err)
{
	struct json_object *want = mappings_to_json(m, n);
	if (!want)
		return nomem(err);
	struct json_object *old = member(linux_, key);
	if (old && json_object_equal(old, want)) {
		json_object_put(want);
		return 0;
	}
	if (json_object_object_add(linux_, key, want) < 0)
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

/* ---- rule 3: /sys without a network namespace of its own ---- */

static bool has_own_network_ns(struct json_object *linux_)
{
	struct json_object *nss = member(linux_, "namespaces");
	for (size_t i = 0, n = nss ? json_object_array_length(nss) : 0; i < n; i++) {
		struct json_object *ns = json_object_array_get_idx(nss, i);
		const char *type = member_string(ns, "type");
		const char *path = member_string(ns, "path");
		if (type && strcmp(type, "network") == 0 && (!path || !*path))
			return true;
	}
	return false;
}

/* The destination cleaned as runc does: relative ones are taken from "/". */
static char *mount_destination(struct json_object *mount)
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

static struct json_object *sys_bind_mount(void)
{
	static const char *const opts[] = { "rbind", "nosuid", "noexec", "nodev", "ro" };
	struct json_object *m = json_object_new_object();
	struct json_object *o = json_object_new_array_ext(5);
	if (!m || !o) {
		json_object_put(m);
		json_object_put(o);
		return NULL;
	}
	bool ok = json_object_object_add(m, "destination", json_object_new_string("/sys")) == 0 &&
		  json_object_object_add(m, "type", json_object_new_string("none")) == 0 &&
		  json_object_object_add(m, "source", json_object_new_string("/sys")) == 0;
	for (size_t i = 0; ok && i < 5; i++)
		ok = json_object_array_add(o, json_object_new_string(opts[i])) == 0;
	if (!ok || json_object_object_add(m, "options", o) < 0) {
		json_object_put(m);
		return NULL;
	}
	return m;
}

static int rule_sys(ocirl_changes *changes, struct json_object *config, struct json_object *linux_,
		    ocirl_error **err)
{
	if (has_own_network_ns(linux_))
		return 0; /* a fresh sysfs mounts fine in a network namespace the new user namespace owns */

	static const char reason[] = "the container has no network namespace of its own, and a fresh "
				     "sysfs can only be mounted by the user namespace that owns the network "
				     "namespace";
	struct json_object *old = member(config, "mounts");
	size_t n = old ? json_object_array_length(old) : 0;
	struct json_object *mounts = json_object_new_array_ext((int)n + 1);
	struct json_object *bind = sys_bind_mount();
	if (!mounts || !bind) {
		json_object_put(mounts);
		json_object_put(bind);
		return nomem(err);
	}
	for (size_t i = 0; i < n; i++) {
		struct json_object *m = json_object_array_get_idx(old, i);
		_cleanup_free_ char *dest = mount_destination(m);
		if (!dest) {
			json_object_put(mounts);
			json_object_put(bind);
			return nomem(err);
		}
		if (!ocirl__path_is_under(dest, "/sys"))
			json_object_array_add(mounts, json_object_get(m));
	}
	json_object_array_add(mounts, bind);
	if (old && json_object_equal(old, mounts)) {
		json_object_put(mounts);
		return 0;
	}
	/* Explain before replacing: the old mounts go with the old array. A bind
	 * of /sys already there counts as moved only when a mount that stays
	 * came after it. */
	int r = 0;
	bool had_bind = false, moved = false;
	for (size_t i = 0; i < n && r == 0; i++) {
		struct json_object *m = json_object_array_get_idx(old, i);
		_cleanup_free_ char *dest = mount_destination(m);
		if (!dest || !ocirl__path_is_under(dest, "/sys")) {
			moved = moved || had_bind;
			continue;
		}
		if (!had_bind && json_object_equal(m, bind)) {
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
	if (r < 0) {
		json_object_put(mounts);
		return nomem(err);
	}
	if (json_object_object_add(config, "mounts", mounts) < 0)
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

static int rule_id_options(ocirl_changes *changes, struct json_object *config, const ocirl_mappings *maps,
			   ocirl_error **err)
{
	struct json_object *mounts = member(config, "mounts");
	for (size_t i = 0, n = mounts ? json_object_array_length(mounts) : 0; i < n; i++) {
		struct json_object *m = json_object_array_get_idx(mounts, i);
		struct json_object *opts = member(m, "options");
		for (size_t j = 0; opts && j < json_object_array_length(opts);) {
			const char *opt = json_object_get_string(json_object_array_get_idx(opts, j));
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
			if (json_object_array_del_idx(opts, j, 1) < 0)
				return nomem(err);
		}
	}
	return 0;
}

/* ---- rule 5: no cgroup settings ---- */

static int rule_cgroups(ocirl_changes *changes, struct json_object *linux_, ocirl_error **err)
{
	static const struct {
		const char *key, *where, *why;
	} keys[] = {
		{ "resources", "linux.resources",
		  "removed: a rootless runtime cannot create or join a cgroup to apply limits without a "
		  "delegated cgroup (runc: \"cannot set memory limit: container could not join or create "
		  "cgroup\")" },
		{ "cgroupsPath", "linux.cgroupsPath",
		  "removed: a rootless runtime cannot create a cgroup at a given path without a delegated "
		  "cgroup (runc: \"mkdir /sys/fs/cgroup/...: permission denied\")" },
	};
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (!json_object_object_get_ex(linux_, keys[i].key, NULL))
			continue;
		json_object_object_del(linux_, keys[i].key);
		if (ocirl__changes_add(changes, keys[i].where, "%s", keys[i].why) < 0)
			return nomem(err);
	}
	return 0;
}

int ocirl_config_convert(ocirl_changes *changes, struct json_object *config, const ocirl_mappings *mappings,
			 ocirl_error **err)
{
	if (!config || !json_object_is_type(config, json_type_object))
		return ocirl__error_set(err, OCIRL_ERROR_INPUT, EINVAL, "the config must be a JSON object");
	if (!mappings)
		return ocirl__error_set(err, OCIRL_ERROR_USAGE, EINVAL, "no mappings given");
	int r = check_config(config, err);
	if (r < 0)
		return r;
	struct json_object *linux_ = NULL;
	if ((r = rule_linux(&linux_, changes, config, err)) < 0 ||
	    (r = rule_user_namespace(changes, linux_, err)) < 0 ||
	    (r = rule_mappings(changes, linux_, "uidMappings", mappings->uid, mappings->n_uid, mappings->mode,
			       false, err)) < 0 ||
	    (r = rule_mappings(changes, linux_, "gidMappings", mappings->gid, mappings->n_gid, mappings->mode,
			       true, err)) < 0 ||
	    (r = rule_sys(changes, config, linux_, err)) < 0 ||
	    (r = rule_id_options(changes, config, mappings, err)) < 0 ||
	    (r = rule_cgroups(changes, linux_, err)) < 0)
		return r;
	return 0;
}
