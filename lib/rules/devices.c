/* SPDX-License-Identifier: Apache-2.0 */
/*
 * devices: each linux.devices entry becomes a bind of the host's node, as
 * Podman does for --device when rootless: in a user namespace no device
 * node can be created (mknod), and its major, minor, mode and owner are
 * the host's anyway. crun 1.8.1 fails on any entry with a user namespace
 * ("unshare CLONE_NEWNS: Operation not permitted"); runc binds the host's
 * node at the entry's path and fails when there is none ("error creating
 * device nodes: mount /dev/fuse1 ... no such file or directory"). The node
 * bound is the host's at the same path when it is that device (type, major
 * and minor as the entry says), else the one the kernel names for that
 * major:minor (/sys/dev/char/MAJ:MIN/uevent, DEVNAME), looked up under
 * --source-root; with none, the entry goes. Binds go at the end of mounts,
 * after the rest, so that /dev is mounted first.
 */
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "rule.h"

static const ocirl_field reads[] = {
	{ "linux", OCIRL_FIELD_OBJECT, 0 },
	{ "linux.devices", OCIRL_FIELD_ARRAY, 0 },
	{ "linux.devices[]", OCIRL_FIELD_OBJECT, 0 },
	{ "linux.devices[].path", OCIRL_FIELD_STRING, OCIRL_FIELD_REQUIRED },
	{ "linux.devices[].type", OCIRL_FIELD_STRING, 0 },
	{ "linux.devices[].major", OCIRL_FIELD_INT, 0 },
	{ "linux.devices[].minor", OCIRL_FIELD_INT, 0 },
	OCIRL_FIELDS_MOUNTS,
	{ NULL, 0, 0 },
};

static const char *const bind_options[] = { "bind", "nosuid", "noexec" };

/* Whether root+path is the device the entry names (a character device for
 * type c or u, a block one for b; major and minor when given). */
static bool is_device(const char *root, const char *path, const char *type, const ocirl_node *major,
		      const ocirl_node *minor)
{
	char p[4096];
	struct stat st;
	if ((size_t)snprintf(p, sizeof(p), "%s%s", root, path) >= sizeof(p) || stat(p, &st) < 0)
		return false;
	bool block = type && strcmp(type, "b") == 0;
	if (block ? !S_ISBLK(st.st_mode) : !S_ISCHR(st.st_mode))
		return false;
	return (!major || (!major->flag && major->i == (int64_t)major(st.st_rdev))) &&
	       (!minor || (!minor->flag && minor->i == (int64_t)minor(st.st_rdev)));
}

/* The host's node for the entry into out ("/dev/NAME"), or false. */
static bool host_node(const ocirl_rule_env *e, const ocirl_node *dev, char *out, size_t size)
{
	const char *root = e->ctx->source_root ? e->ctx->source_root : "";
	const char *path = rule_get_str(dev, "path"), *type = rule_get_str(dev, "type");
	ocirl_node *major = rule_get(dev, "major"), *minor = rule_get(dev, "minor");
	if (!path || path[0] != '/' || (type && strcmp(type, "c") != 0 && strcmp(type, "u") != 0 && strcmp(type, "b") != 0))
		return false;
	if (is_device(root, path, type, major, minor))
		return (size_t)snprintf(out, size, "%s", path) < size;
	if (!major || !minor || major->flag || minor->flag || major->i < 0 || minor->i < 0)
		return false;
	char uevent[4096];
	snprintf(uevent, sizeof(uevent), "%s/sys/dev/%s/%" PRId64 ":%" PRId64 "/uevent", root,
		 type && strcmp(type, "b") == 0 ? "block" : "char", major->i, minor->i);
	_cleanup_free_ char *text = NULL;
	size_t len;
	if (ocirl__file_read(&text, &len, uevent, 65536, NULL) < 0)
		return false;
	const char *name = strstr(text, "DEVNAME=");
	if (!name || (name != text && name[-1] != '\n'))
		return false;
	name += 8;
	size_t n = strcspn(name, "\n");
	if (n == 0 || (size_t)snprintf(out, size, "/dev/%.*s", (int)n, name) >= size || strstr(out, "/../"))
		return false;
	return is_device(root, out, type, major, minor);
}

static int apply(ocirl_rule_env *e)
{
	ocirl_node *devs = rule_get(e->linux_, "devices");
	if (!ocirl__node_len(devs))
		return 0;
	ocirl_tree *t = e->tree;
	ocirl_node *mounts = rule_get(e->config, "mounts");
	if (!mounts && (!(mounts = ocirl__node_new(t, OCIRL_NODE_ARRAY)) || ocirl__node_set(t, e->config, "mounts", mounts) < 0))
		return rule_nomem(e);
	while (ocirl__node_len(devs)) {
		ocirl_node *dev = ocirl__node_at(devs, 0);
		const char *path = rule_get_str(dev, "path"), *type = rule_get_str(dev, "type");
		ocirl_node *major = rule_get(dev, "major"), *minor = rule_get(dev, "minor");
		char what[128], source[4096];
		snprintf(what, sizeof(what), "%s %" PRId64 ":%" PRId64, type ? type : "?", major && !major->flag ? major->i : -1,
			 minor && !minor->flag ? minor->i : -1);
		int r;
		if (host_node(e, dev, source, sizeof(source))) {
			ocirl_node *b = ocirl__rule_bind_mount(t, path, "bind", bind_options,
							       sizeof(bind_options) / sizeof(bind_options[0]));
			if (!b || ocirl__node_set(t, b, "source", ocirl__node_new_string(t, source)) < 0 ||
			    ocirl__node_append(t, mounts, b) < 0)
				return rule_nomem(e);
			r = ocirl__rule_change(e, OCIRL_CHANGE_CHANGED, dev, NULL, "linux.devices",
					       "%s (%s) became a bind of the host's %s: a user namespace cannot create a "
					       "device node, and its major, minor, mode and owner are the host's (crun: "
					       "\"unshare CLONE_NEWNS: Operation not permitted\")",
					       path, what, source);
		} else {
			r = ocirl__rule_change(e, OCIRL_CHANGE_REMOVED, dev, NULL, "linux.devices",
					       "removed %s (%s): the host has no such device to bind, and a user namespace "
					       "cannot create one (runc: \"error creating device nodes: ... no such file or "
					       "directory\")",
					       path, what);
		}
		if (r < 0)
			return r;
		ocirl__node_remove_at(devs, 0);
	}
	return 0; /* linux.devices stays, empty */
}

const ocirl_rule ocirl__rule_devices = {
	.name = "devices",
	.summary = "each linux.devices entry becomes a bind of the host's node, or goes when the host has none",
	.reads = reads,
	.apply = apply,
};
