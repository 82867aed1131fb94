/* SPDX-License-Identifier: Apache-2.0 */
/* Helpers that several rules share (rule.h). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "rule.h"

int ocirl__rule_change(ocirl_rule_env *e, ocirl_change_kind kind, const ocirl_node *at, const char *key,
		       const char *where, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = ocirl__changes_vadd(e->changes, e->rule->name, kind, at, key, where, fmt, ap);
	va_end(ap);
	return r < 0 ? rule_nomem(e) : 0;
}

ocirl_node *ocirl__rule_linux(ocirl_rule_env *e)
{
	if (e->linux_)
		return e->linux_;
	bool was_null = ocirl__node_find(e->config, "linux") >= 0;
	ocirl_node *linux_ = ocirl__node_new(e->tree, OCIRL_NODE_OBJECT);
	if (!linux_ || ocirl__node_set(e->tree, e->config, "linux", linux_) < 0) {
		rule_nomem(e);
		return NULL;
	}
	if (ocirl__rule_change(e, OCIRL_CHANGE_ADDED, e->config, "linux", "linux",
			       "created (it was %s): the namespaces and id mappings go there", was_null ? "null" : "missing") < 0)
		return NULL;
	return e->linux_ = linux_;
}

bool ocirl__rule_uint(const ocirl_node *v, uint64_t max, uint64_t *out)
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

bool ocirl__rule_options_have(const ocirl_node *opts, const char *opt)
{
	for (size_t j = 0, k = ocirl__node_len(opts); j < k; j++)
		if (strcmp(ocirl__node_str(ocirl__node_at(opts, j)), opt) == 0)
			return true;
	return false;
}

bool ocirl__rule_options_have_part(const ocirl_node *opts, const char *opt)
{
	size_t len = strlen(opt);
	for (size_t j = 0, k = ocirl__node_len(opts); j < k; j++)
		for (const char *p = ocirl__node_str(ocirl__node_at(opts, j)); p && *p;) {
			size_t n = strcspn(p, ",");
			if (n == len && memcmp(p, opt, len) == 0)
				return true;
			p += n + (p[n] == ',');
		}
	return false;
}

size_t ocirl__rule_option_split(const char *opt, bool (*drop)(const char *p, size_t n, ocirl_buf *dropped, void *arg),
				void *arg, ocirl_buf *kept, ocirl_buf *dropped)
{
	size_t n_kept = 0, n_dropped = 0;
	for (const char *p = opt;;) {
		size_t len = strcspn(p, ",");
		if (drop(p, len, dropped, arg))
			n_dropped++;
		else {
			if (n_kept++)
				ocirl__buf_addc(kept, ',');
			ocirl__buf_add(kept, p, len);
		}
		if (!p[len])
			break;
		p += len + 1;
	}
	return n_dropped;
}

bool ocirl__rule_options_remove(ocirl_node *opts, const char *opt)
{
	bool removed = false;
	for (size_t j = ocirl__node_len(opts); j-- > 0;)
		if (strcmp(ocirl__node_str(ocirl__node_at(opts, j)), opt) == 0) {
			ocirl__node_remove_at(opts, j);
			removed = true;
		}
	return removed;
}

int ocirl__rule_drop(ocirl_rule_env *e, ocirl_node *obj, const char *key, const char *where, const char *why)
{
	if (!ocirl__node_del(obj, key))
		return 0;
	return ocirl__rule_change(e, OCIRL_CHANGE_REMOVED, obj, key, where, "removed: %s", why);
}

int ocirl__rule_drop_names(ocirl_rule_env *e, const char *why)
{
	int r;
	if ((r = ocirl__rule_drop(e, e->config, "hostname", "hostname", why)) < 0 ||
	    (r = ocirl__rule_drop(e, e->config, "domainname", "domainname", why)) < 0)
		return r;
	return 0;
}

int ocirl__rule_drop_keys(ocirl_rule_env *e, ocirl_node *obj, bool (*drop)(const char *, const void *),
			  const void *arg, const char *prefix, const char *why)
{
	for (size_t i = 0; i < obj->obj.n;) {
		const char *k = obj->obj.m[i].key;
		if (!drop(k, arg)) {
			i++;
			continue;
		}
		char where[300];
		snprintf(where, sizeof(where), "%s.%s", prefix, k);
		if (ocirl__rule_change(e, OCIRL_CHANGE_REMOVED, obj, k, where, "removed: %s", why) < 0)
			return -ENOMEM;
		memmove(&obj->obj.m[i], &obj->obj.m[i + 1], (obj->obj.n - i - 1) * sizeof(ocirl_member));
		obj->obj.n--;
	}
	return 0;
}

int ocirl__rule_kernel_at_least(const ocirl_rule_env *e, unsigned major, unsigned minor)
{
	const ocirl_context *ctx = rule_facts(e, OCIRL_FACT_KERNEL);
	if (!ctx->kernel_known)
		return -1;
	return ctx->kernel_major > major || (ctx->kernel_major == major && ctx->kernel_minor >= minor);
}

/* The caller's own namespace of a config's type, or NULL for another type. */
const ocirl_ns_id *ocirl__rule_caller_ns(const ocirl_context *ctx, const char *type)
{
	if (strcmp(type, "pid") == 0)
		return &ctx->ns_pid;
	if (strcmp(type, "network") == 0)
		return &ctx->ns_net;
	if (strcmp(type, "ipc") == 0)
		return &ctx->ns_ipc;
	if (strcmp(type, "uts") == 0)
		return &ctx->ns_uts;
	if (strcmp(type, "cgroup") == 0)
		return &ctx->ns_cgroup;
	return NULL;
}

ocirl_ns_kind ocirl__rule_namespace_path(const ocirl_rule_env *e, const char *type, const char **out_path)
{
	*out_path = NULL;
	ocirl_node *nss = rule_get(e->linux_, "namespaces");
	for (size_t i = 0, n = ocirl__node_len(nss); i < n; i++) {
		ocirl_node *ns = ocirl__node_at(nss, i);
		const char *t = rule_get_str(ns, "type");
		const char *path = rule_get_str(ns, "path");
		if (!t || strcmp(t, type) != 0)
			continue;
		if (!path || !*path)
			return OCIRL_NS_NEW;
		*out_path = path;
		return ocirl__rule_path_is_callers(e, type, path) ? OCIRL_NS_CALLER : OCIRL_NS_OTHER;
	}
	return OCIRL_NS_CALLER;
}

bool ocirl__rule_path_is_callers(const ocirl_rule_env *e, const char *type, const char *path)
{
	const ocirl_ns_id *caller = ocirl__rule_caller_ns(rule_facts(e, OCIRL_FACT_NS), type);
	ocirl_ns_id id = caller && caller->known ? ocirl__ns_id(path) : (ocirl_ns_id){ 0 };
	return id.known && id.dev == caller->dev && id.ino == caller->ino;
}

ocirl_ns_kind ocirl__rule_namespace(const ocirl_rule_env *e, const char *type)
{
	const char *path;
	return ocirl__rule_namespace_path(e, type, &path);
}

int ocirl__rule_ns_owner(const ocirl_rule_env *e, const char *type)
{
	const char *path;
	ocirl_ns_kind kind = ocirl__rule_namespace_path(e, type, &path);
	if (kind == OCIRL_NS_NEW)
		return 1;
	if (e->maps->mode != OCIRL_MODE_INHERIT)
		return 0;
	const ocirl_context *ctx = rule_facts(e, OCIRL_FACT_NS_OWNER);
	if (kind == OCIRL_NS_OTHER) {
		_cleanup_free_ char *user = NULL;
		return asprintf(&user, "%s/ns/user", ctx->proc_self) < 0 ? -1 : ocirl__ns_owner(path, user);
	}
	return strcmp(type, "network") == 0 ? ctx->owns_net : strcmp(type, "pid") == 0 ? ctx->owns_pid
										     : strcmp(type, "ipc") == 0 && ctx->owns_ipc;
}

bool ocirl__rule_ns_owned(const ocirl_rule_env *e, const char *type)
{
	return ocirl__rule_ns_owner(e, type) == 1;
}

char *ocirl__rule_mount_destination(const ocirl_node *mount)
{
	const char *d = rule_get_str(mount, "destination");
	if (!d)
		return NULL;
	if (d[0] == '/')
		return ocirl__path_clean(d);
	_cleanup_free_ char *abs = NULL;
	if (asprintf(&abs, "/%s", d) < 0)
		return NULL;
	return ocirl__path_clean(abs);
}

ocirl_node *ocirl__rule_bind_mount(ocirl_tree *t, const char *path, const char *type, const char *const *opts,
				   size_t n_opts)
{
	ocirl_node *m = ocirl__node_new(t, OCIRL_NODE_OBJECT);
	ocirl_node *o = ocirl__node_new(t, OCIRL_NODE_ARRAY);
	if (!m || !o)
		return NULL;
	bool ok = ocirl__node_add(t, m, "destination", ocirl__node_new_string(t, path)) == 0 &&
		  ocirl__node_add(t, m, "type", ocirl__node_new_string(t, type)) == 0 &&
		  ocirl__node_add(t, m, "source", ocirl__node_new_string(t, path)) == 0;
	for (size_t i = 0; ok && i < n_opts; i++)
		ok = ocirl__node_append(t, o, ocirl__node_new_string(t, opts[i])) == 0;
	if (!ok || ocirl__node_add(t, m, "options", o) < 0)
		return NULL;
	return m;
}

/* Whether mount m is of the given type at the given (cleaned) destination;
 * -1 when out of memory. */
static int mount_is(const ocirl_node *m, const char *dest, const char *type)
{
	const char *t = rule_get_str(m, "type");
	if (!t || strcmp(t, type) != 0)
		return 0;
	_cleanup_free_ char *d = ocirl__rule_mount_destination(m);
	if (!d)
		return -1;
	return strcmp(d, dest) == 0;
}

int ocirl__rule_keep_restrictive(ocirl_tree *t, ocirl_node *opts, const ocirl_node *old)
{
	/* the flags that take something away; the atime ones are not here: a
	 * bind gets its source mount's atime mode whatever it asks for */
	static const char *const restrictive[] = { "ro",     "rro",	"nosuid",      "rnosuid",     "nodev",
						   "rnodev", "noexec", "rnoexec",     "nosymfollow", "rnosymfollow" };
	/* each comma-separated part: the kernel reads "ro" in mount data too */
	for (size_t j = 0, n = ocirl__node_len(old); j < n; j++) {
		const char *o = ocirl__node_str(ocirl__node_at(old, j));
		for (const char *p = o; p && *p;) {
			size_t len = strcspn(p, ",");
			for (size_t k = 0; k < sizeof(restrictive) / sizeof(restrictive[0]); k++)
				if (strlen(restrictive[k]) == len && memcmp(p, restrictive[k], len) == 0 &&
				    !ocirl__rule_options_have(opts, restrictive[k]) &&
				    ocirl__node_append(t, opts, ocirl__node_new_string(t, restrictive[k])) < 0)
					return -1;
			p += len + (p[len] == ',');
		}
	}
	return 0;
}

int ocirl__rule_replace_mounts(ocirl_rule_env *e, const char *dest, const char *type, bool bind, const char *why)
{
	static const char *const opts[] = { "rbind", "nosuid", "noexec", "nodev" };
	ocirl_node *mounts = rule_get(e->config, "mounts");
	for (size_t i = 0; i < ocirl__node_len(mounts);) {
		int is = mount_is(ocirl__node_at(mounts, i), dest, type);
		if (is < 0)
			return rule_nomem(e);
		if (!is) {
			i++;
			continue;
		}
		ocirl_node *old = ocirl__node_at(mounts, i);
		if (bind) {
			ocirl_node *b = ocirl__rule_bind_mount(e->tree, dest, "bind", opts, sizeof(opts) / sizeof(opts[0]));
			if (!b || ocirl__rule_keep_restrictive(e->tree, rule_get(b, "options"),
							       rule_get(ocirl__node_at(mounts, i), "options")) < 0)
				return rule_nomem(e);
			mounts->arr.items[i++] = b;
			/* the flags kept from the mount it replaces, after the four of every bind */
			ocirl_buf kept = { 0 };
			ocirl_node *o = rule_get(b, "options");
			for (size_t k = sizeof(opts) / sizeof(opts[0]); k < ocirl__node_len(o); k++)
				ocirl__buf_printf(&kept, "%s%s", kept.len ? ", " : " (keeping its ",
						  ocirl__node_str(ocirl__node_at(o, k)));
			if (kept.len)
				ocirl__buf_adds(&kept, ")");
			int r = kept.failed ? rule_nomem(e)
					    : ocirl__rule_change(e, OCIRL_CHANGE_CHANGED, old, NULL, dest,
								 "replaced the %s mount by a recursive bind of the host's %s%s: %s",
								 type, dest, kept.len ? kept.data : "", why);
			free(kept.data);
			if (r < 0)
				return r;
		} else {
			ocirl__node_remove_at(mounts, i);
			if (ocirl__rule_change(e, OCIRL_CHANGE_REMOVED, old, NULL, dest, "removed the %s mount: %s", type, why) < 0)
				return -ENOMEM;
		}
	}
	return 0;
}

bool ocirl__rule_id_option(const char *opt, size_t len, bool *is_uid, uint64_t *id)
{
	if (len < 5 || (opt[0] != 'u' && opt[0] != 'g') || opt[1] != 'i' || opt[2] != 'd' || opt[3] != '=')
		return false;
	uint64_t v = 0;
	for (size_t i = 4; i < len; i++) {
		char c = opt[i];
		if (c < '0' || c > '9' || v > (UINT64_MAX - 9) / 10)
			return false;
		v = v * 10 + (uint64_t)(c - '0');
	}
	*is_uid = opt[0] == 'u';
	*id = v;
	return true;
}
