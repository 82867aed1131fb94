/* SPDX-License-Identifier: Apache-2.0 */
/*
 * oci-rootless-runtime: its own messages, written the way runc writes its
 * log so that the client (containerd's shim, conmon) shows them.
 */
#ifndef OCIRL_RUNTIME_LOG_H
#define OCIRL_RUNTIME_LOG_H

#include <stdbool.h>

#include "oci-rootless.h"

typedef struct {
	const char *file; /* --log FILE, or NULL: no log file */
	bool json;        /* --log-format json, else text */
	bool debug;       /* --debug */
	bool env_debug;   /* OCI_ROOTLESS_RUNTIME_DEBUG */
} rt_log;

/* From the global options: crun's "file:PATH" is PATH, and its
 * "journald:" and "syslog:" drivers mean no file. */
void rt_log_init(rt_log *log, const char *log_opt, const char *log_format, bool debug);

/* An error: a line in the log file, when there is one, as runc's logrus
 * writes it (level "error"), and a plain line on stderr. */
__attribute__((format(printf, 2, 3))) void rt_log_error(const rt_log *log, const char *fmt, ...);

/* A note on what the wrapper did. With OCI_ROOTLESS_RUNTIME_DEBUG set (not
 * "0"), on stderr. With --debug, at level "debug" in the log file when
 * there is one (where runc writes its own debug lines: clients read the
 * runtime's stderr and stdout as data), else on stderr. */
__attribute__((format(printf, 2, 3))) void rt_log_debug(const rt_log *log, const char *fmt, ...);

/* The time as RFC 3339 with the local offset ("2024-05-01T12:00:00+02:00",
 * "...Z" in UTC), as Go's time.RFC3339. buf needs 32 bytes. */
void rt_log_time(char *buf, size_t size);

/* Change i of ch as a debug note, as rt_log_debug() writes one; in a --log
 * file with --log-format json, with the fields of oci-rootless
 * --explain=json (change, in, place, pointer, rule, what, why) beside level,
 * msg and time. */
void rt_log_debug_change(const rt_log *log, const ocirl_changes *ch, size_t i);
/* Whether the notes go to a JSON log file, which wants the changes' pointers. */
bool rt_log_wants_fields(const rt_log *log);

/* The line for msg in runc's log format, with a final newline: text is
 * time="..." level=LEVEL msg="..." (values quoted as Go's %q), json is
 * {"level":"...","msg":"...","time":"..."} written with json-c. NULL when
 * out of memory; free() it. */
char *rt_log_format_line(bool json, const char *level, const char *msg, const char *time);

#endif
