/* SPDX-License-Identifier: Apache-2.0 */
/* oci-rootless-runtime: a bundle's config, read and replaced inside the bundle (bundle.h). */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "internal.h"

#include "bundle.h"
#include "settings.h"

static const char *file_kind(mode_t m)
{
	return S_ISDIR(m)    ? "a folder"
	       : S_ISFIFO(m) ? "a FIFO"
	       : S_ISCHR(m)  ? "a character device"
	       : S_ISBLK(m)  ? "a block device"
	       : S_ISSOCK(m) ? "a socket"
			     : "not a regular file";
}

static int take_error(ocirl_error *err, char **msg)
{
	int r = rt_set_msg(msg, "%s", err && err->message ? err->message : "out of memory");
	ocirl_error_free(err);
	return r;
}

/* The folder rel (no link anywhere in it) beneath the open folder dir. */
static int open_beneath(int dir, const char *rel)
{
	struct open_how how = {
		.flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};
	return (int)syscall(SYS_openat2, dir, rel, &how, sizeof(how));
}

void rt_bundle_config_clear(rt_bundle_config *where)
{
	if (where->dir >= 0)
		close(where->dir);
	free(where->name);
	free(where->path);
	*where = (rt_bundle_config){ .dir = -1 };
}

/* The folder and name of the config into *w: for a link, its target inside
 * the bundle, reached from the bundle's folder without following links. */
static int locate(rt_bundle_config *w, const char *path, const char *bundle, bool in_bundle, char **msg)
{
	struct stat st;
	if (lstat(path, &st) < 0)
		return rt_set_msg(msg, "%s: %s", path, strerror(errno));
	_cleanup_free_ char *copy = strdup(path), *base_copy = strdup(path);
	if (!copy || !base_copy || !(w->path = strdup(path)))
		return rt_set_msg(msg, "out of memory");
	if (!S_ISLNK(st.st_mode)) {
		/* BUNDLE/config.json, or crun's -f FILE as its caller named it */
		const char *dir = in_bundle ? (bundle ? bundle : ".") : dirname(copy);
		if ((w->dir = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
			return rt_set_msg(msg, "%s: %s", dir, strerror(errno));
		return (w->name = strdup(basename(base_copy))) ? 0 : rt_set_msg(msg, "out of memory");
	}
	_cleanup_free_ char *real = realpath(path, NULL);
	if (!real)
		return rt_set_msg(msg, "%s: a symbolic link that does not resolve: %s", path, strerror(errno));
	const char *b = bundle ? bundle : ".";
	_cleanup_free_ char *dir = realpath(b, NULL);
	if (!dir)
		return rt_set_msg(msg, "%s: %s", b, strerror(errno));
	if (!ocirl__path_is_under(real, dir) || strcmp(real, dir) == 0)
		return rt_set_msg(msg,
				  "%s is a symbolic link to %s, outside the bundle folder %s: refused (the wrapper writes "
				  "only inside the bundle)",
				  path, real, dir);
	_cleanup_close_ int bfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (bfd < 0)
		return rt_set_msg(msg, "%s: %s", dir, strerror(errno));
	/* the target relative to the bundle: folders, then its name */
	char *rel = real + strlen(dir) + (strcmp(dir, "/") != 0);
	char *slash = strrchr(rel, '/');
	if (!(w->name = strdup(slash ? slash + 1 : rel)))
		return rt_set_msg(msg, "out of memory");
	if (!slash) {
		w->dir = bfd;
		bfd = -1;
		return 0;
	}
	*slash = '\0';
	if ((w->dir = open_beneath(bfd, rel)) < 0) {
		if (errno == ENOSYS)
			return rt_set_msg(msg,
					  "%s is a symbolic link into the folder %s of the bundle, which this kernel "
					  "cannot open safely (openat2, Linux 5.6): refused",
					  path, rel);
		return rt_set_msg(msg, "%s: the folder %s of the bundle, opened without following links: %s: refused",
				  path, rel, strerror(errno));
	}
	return 0;
}

int rt_bundle_config_read(char **out, size_t *out_len, rt_bundle_config *where, const char *path,
			  const char *bundle, bool in_bundle, size_t max, char **msg)
{
	rt_bundle_config w = { .dir = -1 };
	if (locate(&w, path, bundle, in_bundle, msg) < 0) {
		rt_bundle_config_clear(&w);
		return -1;
	}
	/* O_NOFOLLOW: the name itself is no link now; O_NONBLOCK: a FIFO put
	 * there must not hang the wrapper */
	_cleanup_close_ int fd = openat(w.dir, w.name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	struct stat st;
	int r = 0;
	if (fd < 0)
		r = rt_set_msg(msg, "%s: %s", path, errno == ELOOP ? "became a symbolic link: refused" : strerror(errno));
	else if (fstat(fd, &st) < 0)
		r = rt_set_msg(msg, "%s: %s", path, strerror(errno));
	else if (!S_ISREG(st.st_mode))
		r = rt_set_msg(msg, "%s is %s, not a regular file: refused", path, file_kind(st.st_mode));
	else {
		ocirl_error *err = NULL;
		if (ocirl__fd_read(out, out_len, fd, path, max, &err) < 0)
			r = take_error(err, msg);
	}
	if (r < 0) {
		rt_bundle_config_clear(&w);
		return r;
	}
	*where = w;
	return 0;
}

int rt_bundle_config_replace(const rt_bundle_config *where, const char *data, size_t len, char **msg)
{
	ocirl_error *err = NULL;
	if (ocirl__file_replace_at(where->dir, where->name, where->path, data, len, OCIRL__REPLACE_NO_SYNC, &err) < 0)
		return take_error(err, msg);
	return 0;
}
