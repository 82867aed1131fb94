/* SPDX-License-Identifier: Apache-2.0 */
/*
 * oci-rootless-runtime: its own messages in runc's log format (logrus:
 * TextFormatter or JSONFormatter), appended to the --log file, and on
 * stderr.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "log.h"

static const char program[] = "oci-rootless-runtime";

void rt_log_init(rt_log *log, const char *log_opt, const char *log_format, bool debug)
{
	const char *d = getenv("OCI_ROOTLESS_RUNTIME_DEBUG");
	log->file = NULL;
	if (log_opt && *log_opt) {
		if (strncmp(log_opt, "file:", 5) == 0)
			log->file = log_opt[5] ? log_opt + 5 : NULL;
		else if (strncmp(log_opt, "journald:", 9) != 0 && strncmp(log_opt, "syslog:", 7) != 0)
			log->file = log_opt;
	}
	log->json = log_format && strcmp(log_format, "json") == 0;
	log->debug = debug;
	log->env_debug = d && *d && strcmp(d, "0") != 0;
}

void rt_log_time(char *buf, size_t size)
{
	time_t now = time(NULL);
	struct tm tm;
	if (!localtime_r(&now, &tm)) {
		snprintf(buf, size, "1970-01-01T00:00:00Z");
		return;
	}
	size_t n = strftime(buf, size, "%Y-%m-%dT%H:%M:%S", &tm);
	long off = tm.tm_gmtoff;
	if (off == 0) {
		snprintf(buf + n, size - n, "Z");
	} else {
		char sign = off < 0 ? '-' : '+';
		if (off < 0)
			off = -off;
		snprintf(buf + n, size - n, "%c%02ld:%02ld", sign, off / 3600, off / 60 % 60);
	}
}

/* A growing string. */
typedef struct {
	char *p;
	size_t len, cap;
} strbuf;

static bool sb_reserve(strbuf *b, size_t more)
{
	if (b->len + more + 1 <= b->cap)
		return true;
	size_t cap = (b->len + more + 1) * 2;
	char *p = realloc(b->p, cap);
	if (!p)
		return false;
	b->p = p;
	b->cap = cap;
	return true;
}

static bool sb_add(strbuf *b, const char *s)
{
	size_t n = strlen(s);
	if (!sb_reserve(b, n))
		return false;
	memcpy(b->p + b->len, s, n + 1);
	b->len += n;
	return true;
}

/* s in double quotes, escaped as Go's %q does (logrus's TextFormatter
 * quotes values that way). */
static bool sb_add_quoted(strbuf *b, const char *s)
{
	if (!sb_reserve(b, 4 * strlen(s) + 2))
		return false;
	char *o = b->p + b->len;
	*o++ = '"';
	for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
		switch (*c) {
		case '"': *o++ = '\\'; *o++ = '"'; break;
		case '\\': *o++ = '\\'; *o++ = '\\'; break;
		case '\n': *o++ = '\\'; *o++ = 'n'; break;
		case '\r': *o++ = '\\'; *o++ = 'r'; break;
		case '\t': *o++ = '\\'; *o++ = 't'; break;
		default:
			if (*c < 0x20 || *c == 0x7f)
				o += sprintf(o, "\\x%02x", *c);
			else
				*o++ = (char)*c;
		}
	}
	*o++ = '"';
	*o = '\0';
	b->len = (size_t)(o - b->p);
	return true;
}

static char *text_line(const char *level, const char *msg, const char *time)
{
	strbuf b = { 0 };
	if (sb_add(&b, "time=") && sb_add_quoted(&b, time) && sb_add(&b, " level=") && sb_add(&b, level) &&
	    sb_add(&b, " msg=") && sb_add_quoted(&b, msg) && sb_add(&b, "\n"))
		return b.p;
	free(b.p);
	return NULL;
}

/* One field more of a JSON line; false when out of memory. */
static bool add_field(json_object *obj, const char *key, const char *value)
{
	json_object *v = value ? json_object_new_string(value) : NULL;
	if (value && !v)
		return false;
	if (json_object_object_add(obj, key, v) != 0) {
		json_object_put(v);
		return false;
	}
	return true;
}

/* A change as a JSON log line: level, msg and time as runc writes them, and
 * the fields of oci-rootless --explain=json, all keys sorted as logrus
 * sorts them. */
static char *json_change_line(const char *level, const char *msg, const char *time, const ocirl_changes *ch, size_t i)
{
	json_object *obj = json_object_new_object();
	char *line = NULL;
	const char *pointer = ocirl_changes_pointer(ch, i);
	if (obj && add_field(obj, "change", ocirl_change_kind_name(ocirl_changes_kind(ch, i))) &&
	    add_field(obj, "in", pointer ? (ocirl_changes_in_output(ch, i) ? "output" : "input") : NULL) &&
	    add_field(obj, "level", level) && add_field(obj, "msg", msg) &&
	    add_field(obj, "place", ocirl_changes_where(ch, i)) && add_field(obj, "pointer", pointer) &&
	    add_field(obj, "rule", ocirl_changes_rule(ch, i)) && add_field(obj, "time", time) &&
	    add_field(obj, "what", ocirl_changes_what(ch, i)) && add_field(obj, "why", ocirl_changes_why(ch, i))) {
		const char *s = json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
		if (s && asprintf(&line, "%s\n", s) < 0)
			line = NULL;
	}
	json_object_put(obj);
	return line;
}

static char *json_line(const char *level, const char *msg, const char *time)
{
	/* logrus's JSONFormatter: the keys sorted, as encoding/json writes a map. */
	json_object *obj = json_object_new_object();
	if (!obj)
		return NULL;
	json_object *l = json_object_new_string(level), *m = json_object_new_string(msg),
		    *t = json_object_new_string(time);
	char *line = NULL;
	if (l && m && t && json_object_object_add(obj, "level", l) == 0) {
		l = NULL;
		if (json_object_object_add(obj, "msg", m) == 0) {
			m = NULL;
			if (json_object_object_add(obj, "time", t) == 0) {
				t = NULL;
				const char *s = json_object_to_json_string_ext(
					obj, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
				if (s && asprintf(&line, "%s\n", s) < 0)
					line = NULL;
			}
		}
	}
	json_object_put(l);
	json_object_put(m);
	json_object_put(t);
	json_object_put(obj);
	return line;
}

char *rt_log_format_line(bool json, const char *level, const char *msg, const char *time)
{
	return json ? json_line(level, msg, time) : text_line(level, msg, time);
}

static void write_all(int fd, const char *s, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, s, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return;
		}
		s += n;
		len -= (size_t)n;
	}
}

/* Appends one line to the log file, in one write; with a change's fields
 * when ch is not NULL and the format is json. */
static void log_file_line(const rt_log *log, const char *level, const char *msg, const ocirl_changes *ch, size_t i)
{
	char time[32];
	rt_log_time(time, sizeof(time));
	char *line = log->json && ch ? json_change_line(level, msg, time, ch, i)
				     : rt_log_format_line(log->json, level, msg, time);
	if (!line)
		return;
	int fd = open(log->file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0644);
	if (fd >= 0) {
		write_all(fd, line, strlen(line));
		close(fd);
	}
	free(line);
}

static void stderr_line(const char *msg)
{
	/* One write, so that lines of concurrent writers do not mix. */
	char *line = NULL;
	if (asprintf(&line, "%s\n", msg) >= 0) {
		write_all(STDERR_FILENO, line, strlen(line));
		free(line);
	}
}

static char *vmessage(const char *fmt, va_list ap)
{
	char *body = NULL, *msg = NULL;
	if (vasprintf(&body, fmt, ap) < 0)
		return NULL;
	if (asprintf(&msg, "%s: %s", program, body) < 0)
		msg = NULL;
	free(body);
	return msg;
}

void rt_log_error(const rt_log *log, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = vmessage(fmt, ap);
	va_end(ap);
	if (!msg) {
		stderr_line("oci-rootless-runtime: out of memory");
		return;
	}
	if (log->file)
		log_file_line(log, "error", msg, NULL, 0);
	stderr_line(msg);
	free(msg);
}

void rt_log_debug(const rt_log *log, const char *fmt, ...)
{
	if (!log->env_debug && !log->debug)
		return;
	va_list ap;
	va_start(ap, fmt);
	char *msg = vmessage(fmt, ap);
	va_end(ap);
	if (!msg)
		return;
	if (log->env_debug || !log->file)
		stderr_line(msg);
	if (log->debug && log->file)
		log_file_line(log, "debug", msg, NULL, 0);
	free(msg);
}

bool rt_log_wants_fields(const rt_log *log)
{
	return log->debug && log->file && log->json;
}

void rt_log_debug_change(const rt_log *log, const ocirl_changes *ch, size_t i)
{
	if (!log->env_debug && !log->debug)
		return;
	char *msg = NULL;
	if (asprintf(&msg, "%s: %s: %s [%s]", program, ocirl_changes_where(ch, i), ocirl_changes_message(ch, i),
		     ocirl_changes_rule(ch, i)) < 0)
		return;
	if (log->env_debug || !log->file)
		stderr_line(msg);
	if (log->debug && log->file)
		log_file_line(log, "debug", msg, ch, i);
	free(msg);
}
