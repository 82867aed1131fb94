/* SPDX-License-Identifier: Apache-2.0 */
/* oci-rootless-runtime: a bundle's config, read and replaced inside the bundle (bundle.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

#include "bundle.h"
#include "settings.h"

static const char *file_kind(mode_t m)
{
	return S_ISDIR(m) ? "a folder" : S_ISFIFO(m) ? "a FIFO" : S_ISCHR(m) ? "a character device" : S_ISBLK(m) ? "a block device" : S_ISSOCK(m) ? "a socket" : "not a regular file";
}

/* Whether path (resolved) is dir (resolved) or lies under it. */
static bool is_under(const char *path, const char *dir)
{
	size_t n = strlen(dir);
	if (n == 1 && dir[0] == '/')
		return true;
	return strncmp(path, dir, n) == 0 && (path[n] == '/' || path[n] == '\0');
}

static int take_error(ocirl_error *err, char **msg)
{
	int r = rt_set_msg(msg, "%s", err && err->message ? err->message : "out of memory");
	ocirl_error_free(err);
	return r;
}

int rt_bundle_config_read(char **out, size_t *out_len, char **target, const char *path, const char *bundle,
			  size_t max, char **msg)
{
	struct stat st;
	if (lstat(path, &st) < 0)
		return rt_set_msg(msg, "%s: %s", path, strerror(errno));
	_cleanup_free_ char *use = NULL;
	if (S_ISLNK(st.st_mode)) {
		_cleanup_free_ char *real = realpath(path, NULL);
		if (!real)
			return rt_set_msg(msg, "%s: a symbolic link that does not resolve: %s", path, strerror(errno));
		_cleanup_free_ char *dir = realpath(bundle ? bundle : ".", NULL);
		if (!dir)
			return rt_set_msg(msg, "%s: %s", bundle ? bundle : ".", strerror(errno));
		if (!is_under(real, dir))
			return rt_set_msg(msg,
				       "%s is a symbolic link to %s, outside the bundle folder %s: refused (the wrapper "
				       "writes only inside the bundle)",
				       path, real, dir);
		use = real;
		real = NULL;
	} else if (!(use = strdup(path)))
		return rt_set_msg(msg, "out of memory");
	/* O_NONBLOCK: a FIFO put there must not hang the wrapper */
	_cleanup_close_ int fd = open(use, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return rt_set_msg(msg, "%s: %s", use, strerror(errno));
	if (fstat(fd, &st) < 0)
		return rt_set_msg(msg, "%s: %s", use, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return rt_set_msg(msg, "%s is %s, not a regular file: refused", use, file_kind(st.st_mode));
	ocirl_error *err = NULL;
	if (ocirl__fd_read(out, out_len, fd, use, max, &err) < 0)
		return take_error(err, msg);
	*target = use;
	use = NULL;
	return 0;
}

int rt_bundle_config_replace(const char *target, const char *data, size_t len, char **msg)
{
	ocirl_error *err = NULL;
	if (ocirl__file_replace_nofollow(target, data, len, OCIRL__REPLACE_NO_SYNC, &err) < 0)
		return take_error(err, msg);
	return 0;
}
