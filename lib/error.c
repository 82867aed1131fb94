/* SPDX-License-Identifier: Apache-2.0 */
/* Errors, the growable buffer and reading files: the library's plumbing. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "internal.h"
#include "ocirl-config.h"

const char *ocirl_version(void)
{
	return OCIRL_VERSION_STRING;
}

void ocirl_error_free(ocirl_error *err)
{
	if (!err)
		return;
	free(err->message);
	free(err);
}

static int error_setv(ocirl_error **err, ocirl_error_kind kind, int errnum, const char *fmt, va_list ap)
{
	int ret = errnum > 0 ? -errnum : -EINVAL;
	if (!err)
		return ret;
	ocirl_error *e = calloc(1, sizeof(*e));
	if (!e) {
		*err = NULL;
		return -ENOMEM;
	}
	e->kind = kind;
	e->errnum = errnum;
	if (vasprintf(&e->message, fmt, ap) < 0) {
		e->message = NULL;
		e->kind = OCIRL_ERROR_NOMEM;
		e->errnum = ENOMEM;
	}
	*err = e;
	return ret;
}

int ocirl__error_set(ocirl_error **err, ocirl_error_kind kind, int errnum, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = error_setv(err, kind, errnum, fmt, ap);
	va_end(ap);
	return r;
}

int ocirl__error_nomem(ocirl_error **err)
{
	return ocirl__error_set(err, OCIRL_ERROR_NOMEM, ENOMEM, "out of memory");
}

void ocirl__error_prefix(ocirl_error **err, const char *fmt, ...)
{
	if (!err || !*err || !(*err)->message)
		return;
	char *prefix = NULL, *joined = NULL;
	va_list ap;
	va_start(ap, fmt);
	int r = vasprintf(&prefix, fmt, ap);
	va_end(ap);
	if (r < 0)
		return;
	if (asprintf(&joined, "%s: %s", prefix, (*err)->message) >= 0) {
		free((*err)->message);
		(*err)->message = joined;
	}
	free(prefix);
}

void ocirl__buf_reserve(ocirl_buf *b, size_t more)
{
	if (b->failed)
		return;
	if (b->len + more + 1 <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < b->len + more + 1) {
		if (cap > SIZE_MAX / 2) {
			b->failed = true;
			return;
		}
		cap *= 2;
	}
	char *d = realloc(b->data, cap);
	if (!d) {
		b->failed = true;
		return;
	}
	b->data = d;
	b->cap = cap;
}

void ocirl__buf_printf(ocirl_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->failed = true;
		return;
	}
	ocirl__buf_reserve(b, (size_t)n);
	if (b->failed)
		return;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

int ocirl__fd_read(char **out, size_t *out_len, int fd, const char *name, size_t max, ocirl_error **err)
{
	struct stat st;
	bool known = fstat(fd, &st) == 0;
	if (known && S_ISDIR(st.st_mode))
		return ocirl__error_set(err, OCIRL_ERROR_IO, EISDIR, "%s: %s", name, strerror(EISDIR));
	/* A regular file is read into a buffer of its size (and one byte to
	 * see the end); a pipe or a /proc file (size 0) into 4 KiB, doubled as
	 * needed. Untouched memory costs page faults on every container start. */
	size_t first = 4096;
	if (known && S_ISREG(st.st_mode) && st.st_size > 0 && (uint64_t)st.st_size < max)
		first = (size_t)st.st_size + 1;
	ocirl_buf b = { 0 };
	for (;;) {
		if (!b.data || b.cap - b.len - 1 == 0)
			ocirl__buf_reserve(&b, b.data ? b.len : first);
		if (b.failed) {
			free(b.data);
			return ocirl__error_nomem(err);
		}
		ssize_t n = read(fd, b.data + b.len, b.cap - b.len - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			int e = errno;
			free(b.data);
			return ocirl__error_set(err, OCIRL_ERROR_IO, e, "%s: %s", name, strerror(e));
		}
		if (n == 0)
			break;
		b.len += (size_t)n;
		if (b.len > max) {
			free(b.data);
			return ocirl__error_set(err, OCIRL_ERROR_INPUT, EFBIG,
						"%s: larger than the limit of %zu bytes", name, max);
		}
	}
	b.data[b.len] = '\0';
	*out = b.data;
	*out_len = b.len;
	return 0;
}

int ocirl__file_read(char **out, size_t *out_len, const char *path, size_t max, ocirl_error **err)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return ocirl__error_set(err, OCIRL_ERROR_IO, errno, "%s: %s", path, strerror(errno));
	return ocirl__fd_read(out, out_len, fd, path, max, err);
}
