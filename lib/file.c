/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Replacing a file atomically: the new content goes to a file in the same
 * folder, is synced, gets the old file's mode (and owner, where allowed),
 * and is renamed over the old one. Readers see the whole old file or the
 * whole new one; on any error the old file is untouched and nothing is left
 * behind. Where the file system has O_TMPFILE the new file has no name until
 * it is complete, so even a process killed half-way leaves no stray file.
 */
#include <fcntl.h>
#include <limits.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "internal.h"

int ocirl_file_read(char **out, size_t *out_len, const char *path, size_t max, ocirl_error **err)
{
	return ocirl__file_read(out, out_len, path, max, err);
}

int ocirl_fd_read(char **out, size_t *out_len, int fd, const char *name, size_t max, ocirl_error **err)
{
	return ocirl__fd_read(out, out_len, fd, name ? name : "<input>", max, err);
}

static int write_all(int fd, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, data, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Replaces the entry base of the open folder dfd (a regular file, never
 * followed: a link put there meanwhile is replaced itself); path names it
 * in messages. */
static int replace_at(int dfd, const char *base, const char *path, const char *data, size_t len, bool sync,
		      ocirl_error **err)
{
	struct stat st;
	if (fstatat(dfd, base, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return ocirl__error_set(err, OCIRL_ERROR_IO, errno, "%s: %s", path, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return ocirl__error_set(err, OCIRL_ERROR_IO, EINVAL, "%s: not a regular file", path);

	char tmp[NAME_MAX + 1];
	bool named = false, try_tmpfile = true;
	int e;
	const char *what;
again:;
	_cleanup_close_ int fd = try_tmpfile ? openat(dfd, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600) : -1;
	if (fd < 0) {
		/* No O_TMPFILE here (or no /proc to link it): a named temporary file. */
		try_tmpfile = false;
		for (unsigned i = 0; i < 100 && fd < 0; i++) {
			snprintf(tmp, sizeof(tmp), ".%.200s.%ld.%u.tmp", base, (long)getpid(), i);
			fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
			if (fd < 0 && errno != EEXIST)
				break;
		}
		if (fd < 0)
			return ocirl__error_set(err, OCIRL_ERROR_IO, errno, "%s: cannot create a file beside it: %s",
						path, strerror(errno));
		named = true;
	}

	e = write_all(fd, data, len);
	what = "writing";
	if (e == 0 && fchmod(fd, st.st_mode & 07777) < 0)
		e = -errno, what = "setting the mode of";
	if (e == 0 && (geteuid() == 0 || st.st_uid == geteuid()))
		(void)!fchown(fd, st.st_uid, st.st_gid); /* best effort, as cp -p */
	if (e == 0 && sync && fsync(fd) < 0)
		e = -errno, what = "syncing";
	if (e == 0 && !named) {
		/* give the complete file its temporary name through /proc */
		char procfd[64];
		snprintf(procfd, sizeof(procfd), "/proc/self/fd/%d", fd);
		for (unsigned i = 0; i < 100; i++) {
			snprintf(tmp, sizeof(tmp), ".%.200s.%ld.%u.tmp", base, (long)getpid(), i);
			if (linkat(AT_FDCWD, procfd, dfd, tmp, AT_SYMLINK_FOLLOW) == 0) {
				named = true;
				break;
			}
			if (errno != EEXIST)
				break;
		}
		if (!named) {
			/* no /proc (or no permission to link): start again with a named file */
			close(fd);
			fd = -1;
			try_tmpfile = false;
			goto again;
		}
	}
	if (e == 0 && renameat(dfd, tmp, dfd, base) < 0)
		e = -errno, what = "renaming over";
	if (e < 0) {
		if (named)
			unlinkat(dfd, tmp, 0);
		return ocirl__error_set(err, OCIRL_ERROR_IO, -e, "%s: %s a new version: %s (the file is unchanged)",
					path, what, strerror(-e));
	}
	if (sync)
		(void)fsync(dfd);
	return 0;
}

int ocirl_file_replace(const char *path, const char *data, size_t len, ocirl_error **err)
{
	/* Replace the target of a symbolic link, not the link. */
	_cleanup_free_ char *real = realpath(path, NULL);
	if (!real)
		return ocirl__error_set(err, OCIRL_ERROR_IO, errno, "%s: %s", path, strerror(errno));
	_cleanup_free_ char *dircopy = strdup(real), *basecopy = strdup(real);
	if (!dircopy || !basecopy)
		return ocirl__error_nomem(err);
	const char *dir = dirname(dircopy);
	_cleanup_close_ int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return ocirl__error_set(err, OCIRL_ERROR_IO, errno, "%s: %s", dir, strerror(errno));
	return replace_at(dfd, basename(basecopy), path, data, len, true, err);
}

int ocirl__file_replace_at(int dfd, const char *name, const char *path, const char *data, size_t len, unsigned flags,
			   ocirl_error **err)
{
	return replace_at(dfd, name, path, data, len, !(flags & OCIRL__REPLACE_NO_SYNC), err);
}
