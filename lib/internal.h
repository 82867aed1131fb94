/* SPDX-License-Identifier: Apache-2.0 */
/* Private helpers of the library: errors, cleanup, a growable buffer. */
#ifndef OCIRL_INTERNAL_H
#define OCIRL_INTERNAL_H

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <unistd.h>

#include "oci-rootless.h"

/* ---- cleanup (as systemd and crun do); destructors accept NULL ---- */
static inline void ocirl__freep(void *p)
{
	free(*(void **)p);
}
static inline void ocirl__closep(int *fd)
{
	if (*fd >= 0)
		close(*fd);
}
#define _cleanup_free_ __attribute__((cleanup(ocirl__freep)))
#define _cleanup_close_ __attribute__((cleanup(ocirl__closep)))

/* ---- errors ----
 * ocirl__error_set() always returns -errnum (or -EINVAL when errnum is 0),
 * so a failing path is one line:
 *     return ocirl__error_set(err, OCIRL_ERROR_INPUT, 0, "%s: expected a string", where);
 */
int ocirl__error_set(ocirl_error **err, ocirl_error_kind kind, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Out of memory: sets *err without allocating a message buffer if it can't. */
int ocirl__error_nomem(ocirl_error **err);
/* Prefixes the message of *err with "PREFIX: " (best effort). */
void ocirl__error_prefix(ocirl_error **err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---- a growable byte buffer, NUL-terminated ---- */
typedef struct {
	char *data;
	size_t len;
	size_t cap;
	bool failed; /* an allocation failed: the content is incomplete */
} ocirl_buf;

void ocirl__buf_reserve(ocirl_buf *b, size_t more);
void ocirl__buf_add(ocirl_buf *b, const char *s, size_t n);
void ocirl__buf_adds(ocirl_buf *b, const char *s);
void ocirl__buf_addc(ocirl_buf *b, char c);
void ocirl__buf_printf(ocirl_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---- files ---- */
/* Reads a whole file (at most max bytes) into a new NUL-terminated buffer. */
int ocirl__file_read(char **out, size_t *out_len, const char *path, size_t max, ocirl_error **err);
/* The same from an open file descriptor; name is used in messages. */
int ocirl__fd_read(char **out, size_t *out_len, int fd, const char *name, size_t max, ocirl_error **err);

/* ---- ids ---- */
/* True when id lies inside [container_id, container_id + size) of one of the mappings. */
bool ocirl__mappings_cover(const ocirl_id_mapping *m, size_t n, uint64_t id);
/* Writes "C:H:S,C:H:S" into b. */
void ocirl__mappings_format(ocirl_buf *b, const ocirl_id_mapping *m, size_t n);

/* ---- changes ---- */
int ocirl__changes_add(ocirl_changes *changes, const char *where, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* ---- paths ---- */
/* Cleans a path lexically, as Go's filepath.Clean: "//sys/." -> "/sys". */
char *ocirl__path_clean(const char *path);
/* True when path (already cleaned) is prefix or lies under it. */
bool ocirl__path_is_under(const char *path, const char *prefix);

#endif
