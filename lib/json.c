/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Reading and writing configs with json-c, strictly and faithfully:
 * parsing refuses anything but one JSON object (and integers json-c would
 * clamp); writing keeps key order, numbers as read, and the input's indent.
 */
#include <inttypes.h>
#include <string.h>

#include <json-c/json.h>

#include "internal.h"

#define OCIRL_STRINGIFY_(x) #x
#define OCIRL_STRINGIFY(x) OCIRL_STRINGIFY_(x)

/* 1-based line and column (in bytes) of offset in data. */
static void where_in_text(const char *data, size_t offset, unsigned *line, unsigned *col)
{
	unsigned l = 1, c = 1;
	for (size_t i = 0; i < offset; i++) {
		if (data[i] == '\n') {
			l++;
			c = 1;
		} else {
			c++;
		}
	}
	*line = l;
	*col = c;
}

static int error_at(ocirl_error **err, const char *name, const char *data, size_t offset, const char *what)
{
	unsigned line, col;
	where_in_text(data, offset, &line, &col);
	return ocirl__error_set(err, OCIRL_ERROR_INPUT, EINVAL, "%s:%u:%u: invalid JSON: %s", name, line, col, what);
}

/* Compares two strings of decimal digits without leading zeros as numbers. */
static int digits_cmp(const char *a, size_t na, const char *b)
{
	size_t nb = strlen(b);
	if (na != nb)
		return na < nb ? -1 : 1;
	return memcmp(a, b, na);
}

/*
 * json-c silently clamps integers beyond the int64/uint64 ranges. The data is
 * valid JSON when this runs, so a small scanner finds every number outside
 * strings and checks the integers' range.
 */
static int check_integer_ranges(const char *data, size_t len, const char *name, ocirl_error **err)
{
	size_t i = 0;
	while (i < len) {
		char ch = data[i];
		if (ch == '"') {
			for (i++; i < len && data[i] != '"'; i++)
				if (data[i] == '\\')
					i++;
			i++;
			continue;
		}
		if (ch != '-' && (ch < '0' || ch > '9')) {
			i++;
			continue;
		}
		size_t start = i;
		bool neg = ch == '-';
		if (neg)
			i++;
		size_t digits = i;
		while (i < len && data[i] >= '0' && data[i] <= '9')
			i++;
		size_t ndigits = i - digits;
		bool integer = !(i < len && (data[i] == '.' || data[i] == 'e' || data[i] == 'E'));
		while (i < len && ((data[i] >= '0' && data[i] <= '9') || data[i] == '.' || data[i] == 'e' ||
				   data[i] == 'E' || data[i] == '+' || data[i] == '-'))
			i++;
		if (!integer)
			continue;
		const char *limit = neg ? "9223372036854775808" : "18446744073709551615";
		if (digits_cmp(data + digits, ndigits, limit) > 0)
			return error_at(err, name, data, start,
					neg ? "integer below -9223372036854775808 cannot be kept exactly"
					    : "integer above 18446744073709551615 cannot be kept exactly");
	}
	return 0;
}

int ocirl_config_parse(struct json_object **out, const char *data, size_t len, const char *name,
		       ocirl_error **err)
{
	if (!name)
		name = "<input>";
	const char *nul = memchr(data, '\0', len);
	if (nul)
		return error_at(err, name, data, (size_t)(nul - data), "NUL byte");
	size_t k = 0;
	while (k < len && (data[k] == ' ' || data[k] == '\t' || data[k] == '\n' || data[k] == '\r'))
		k++;
	if (k == len)
		return ocirl__error_set(err, OCIRL_ERROR_INPUT, EINVAL, "%s: empty input: expected a JSON object",
					name);
	if (data[k] != '{')
		return error_at(err, name, data, k, "expected a JSON object at the top level");
	if (len > INT32_MAX)
		return ocirl__error_set(err, OCIRL_ERROR_INPUT, EFBIG, "%s: too large", name);

	struct json_tokener *tok = json_tokener_new_ex(OCIRL_MAX_DEPTH);
	if (!tok)
		return ocirl__error_nomem(err);
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_ALLOW_TRAILING_CHARS | JSON_TOKENER_VALIDATE_UTF8);
	struct json_object *obj = json_tokener_parse_ex(tok, data, (int)len);
	enum json_tokener_error jerr = json_tokener_get_error(tok);
	size_t end = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);

	int r = 0;
	if (jerr == json_tokener_continue)
		r = error_at(err, name, data, len, "unexpected end of input (truncated?)");
	else if (jerr == json_tokener_error_depth)
		r = error_at(err, name, data, end, "nested deeper than the limit of " OCIRL_STRINGIFY(OCIRL_MAX_DEPTH) " levels");
	else if (jerr != json_tokener_success)
		r = error_at(err, name, data, end <= len ? end : len, json_tokener_error_desc(jerr));
	else if (!obj)
		r = error_at(err, name, data, end, "expected a JSON object");
	else {
		/* Only white space may follow the object. */
		for (size_t i = end; i < len; i++)
			if (!(data[i] == ' ' || data[i] == '\t' || data[i] == '\n' || data[i] == '\r')) {
				r = error_at(err, name, data, i, "trailing data after the JSON object");
				break;
			}
	}
	if (r == 0)
		r = check_integer_ranges(data, len, name, err);
	if (r < 0) {
		json_object_put(obj);
		return r;
	}
	*out = obj;
	return 0;
}

/* ---- writing ---- */

static void put_string(ocirl_buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	ocirl__buf_reserve(b, n + 2);
	ocirl__buf_addc(b, '"');
	size_t run = 0; /* bytes copied as they are, in one go */
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		const char *esc = NULL;
		char u[7];
		switch (c) {
		case '"': esc = "\\\""; break;
		case '\\': esc = "\\\\"; break;
		case '\b': esc = "\\b"; break;
		case '\f': esc = "\\f"; break;
		case '\n': esc = "\\n"; break;
		case '\r': esc = "\\r"; break;
		case '\t': esc = "\\t"; break;
		default:
			if (c < 0x20) {
				u[0] = '\\'; u[1] = 'u'; u[2] = '0'; u[3] = '0';
				u[4] = hex[c >> 4]; u[5] = hex[c & 15]; u[6] = '\0';
				esc = u;
			}
		}
		if (!esc)
			continue;
		ocirl__buf_add(b, s + run, i - run);
		ocirl__buf_adds(b, esc);
		run = i + 1;
	}
	ocirl__buf_add(b, s + run, n - run);
	ocirl__buf_addc(b, '"');
}

static void put_number(ocirl_buf *b, struct json_object *o)
{
	if (json_object_is_type(o, json_type_int)) {
		int64_t v = json_object_get_int64(o);
		if (v == INT64_MAX)
			ocirl__buf_printf(b, "%" PRIu64, json_object_get_uint64(o));
		else
			ocirl__buf_printf(b, "%" PRId64, v);
	} else {
		/* A double parsed from text keeps that text in json-c. */
		ocirl__buf_adds(b, json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	}
}

typedef struct {
	ocirl_buf *b;
	bool pretty;
	const char *indent;
	size_t indent_len;
} writer;

static void put_newline(writer *w, unsigned depth)
{
	if (!w->pretty)
		return;
	ocirl__buf_addc(w->b, '\n');
	for (unsigned i = 0; i < depth; i++)
		ocirl__buf_add(w->b, w->indent, w->indent_len);
}

static void put_value(writer *w, struct json_object *o, unsigned depth)
{
	ocirl_buf *b = w->b;
	switch (json_object_get_type(o)) {
	case json_type_null:
		ocirl__buf_add(b, "null", 4);
		break;
	case json_type_boolean:
		ocirl__buf_adds(b, json_object_get_boolean(o) ? "true" : "false");
		break;
	case json_type_int:
	case json_type_double:
		put_number(b, o);
		break;
	case json_type_string:
		put_string(b, json_object_get_string(o), (size_t)json_object_get_string_len(o));
		break;
	case json_type_array: {
		size_t n = json_object_array_length(o);
		ocirl__buf_addc(b, '[');
		for (size_t i = 0; i < n; i++) {
			if (i)
				ocirl__buf_addc(b, ',');
			put_newline(w, depth + 1);
			put_value(w, json_object_array_get_idx(o, i), depth + 1);
		}
		if (n)
			put_newline(w, depth);
		ocirl__buf_addc(b, ']');
		break;
	}
	case json_type_object: {
		bool first = true;
		ocirl__buf_addc(b, '{');
		json_object_object_foreach(o, key, val)
		{
			if (!first)
				ocirl__buf_addc(b, ',');
			first = false;
			put_newline(w, depth + 1);
			put_string(b, key, strlen(key));
			ocirl__buf_add(b, ": ", w->pretty ? 2 : 1);
			put_value(w, val, depth + 1);
		}
		if (!first)
			put_newline(w, depth);
		ocirl__buf_addc(b, '}');
		break;
	}
	}
}

int ocirl_config_serialize(char **out, size_t *out_len, struct json_object *config, ocirl_style style,
			   const char *indent, int final_newline, ocirl_error **err)
{
	ocirl_buf b = { 0 };
	writer w = { .b = &b, .pretty = style == OCIRL_STYLE_PRETTY, .indent = indent ? indent : "\t" };
	w.indent_len = strlen(w.indent);
	put_value(&w, config, 0);
	if (final_newline)
		ocirl__buf_addc(&b, '\n');
	if (b.failed || !b.data) {
		free(b.data);
		return ocirl__error_nomem(err);
	}
	*out = b.data;
	*out_len = b.len;
	return 0;
}

/* The indent unit of a pretty-printed input: the white space that starts its
 * second line ("{" being the first); NULL when there is none. */
static char *detect_indent(const char *data, size_t len)
{
	const char *nl = memchr(data, '\n', len);
	if (!nl)
		return NULL;
	const char *s = nl + 1, *end = data + len, *e = s;
	while (e < end && (*e == ' ' || *e == '\t'))
		e++;
	size_t n = (size_t)(e - s);
	if (n == 0 || n > 16 || e == end || *e == '\n' || *e == '\r')
		return NULL;
	/* one kind of white space only */
	for (const char *p = s; p < e; p++)
		if (*p != *s)
			return NULL;
	return strndup(s, n);
}

int ocirl_buffer_convert(char **out, size_t *out_len, ocirl_changes *changes, const char *data, size_t len,
			 const char *name, const ocirl_options *opts, unsigned int flags, ocirl_error **err)
{
	struct json_object *config = NULL;
	ocirl_mappings *m = NULL;
	_cleanup_free_ char *indent = NULL;
	int r = ocirl_config_parse(&config, data, len, name, err);
	if (r < 0)
		return r;
	r = ocirl_mappings_resolve(&m, opts, err);
	if (r < 0)
		goto done;
	r = ocirl_config_convert(changes, config, m, err);
	if (r < 0) {
		ocirl__error_prefix(err, "%s", name ? name : "<input>");
		goto done;
	}
	indent = detect_indent(data, len);
	bool newline = len > 0 && data[len - 1] == '\n';
	r = ocirl_config_serialize(out, out_len, config,
				   (flags & OCIRL_CONVERT_COMPACT) ? OCIRL_STYLE_COMPACT : OCIRL_STYLE_PRETTY,
				   indent, newline, err);
done:
	ocirl_mappings_free(m);
	json_object_put(config);
	return r;
}
