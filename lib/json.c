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
 * A strict JSON validator (RFC 8259), run before json-c sees the text.
 * json-c's strict mode still takes NaN, Infinity, leading zeros, "1.",
 * single quotes, raw control characters in strings and overlong or surrogate
 * UTF-8, and silently changes some of them (integers beyond 64 bits are
 * clamped, lone surrogate escapes become U+FFFD, a key is cut at \u0000).
 * Anything json-c could not keep exactly is refused here, with its place.
 */
typedef struct {
	const char *data;
	size_t len;
	size_t i;
	const char *name;
	ocirl_error **err;
} scanner;

static int scan_fail(scanner *s, size_t at, const char *what)
{
	return error_at(s->err, s->name, s->data, at, what);
}

static int hex4(const char *p, uint32_t *out)
{
	uint32_t v = 0;
	for (int k = 0; k < 4; k++) {
		char c = p[k];
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (uint32_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (uint32_t)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (uint32_t)(c - 'A' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

/* Length of the well-formed UTF-8 sequence at p (Unicode's table 3-7), or 0. */
static size_t utf8_len(const unsigned char *p, size_t avail)
{
	unsigned char c = p[0];
	size_t n;
	unsigned char lo = 0x80, hi = 0xBF;
	if (c >= 0xC2 && c <= 0xDF)
		n = 2;
	else if (c >= 0xE0 && c <= 0xEF) {
		n = 3;
		if (c == 0xE0)
			lo = 0xA0;
		else if (c == 0xED)
			hi = 0x9F; /* no surrogates */
	} else if (c >= 0xF0 && c <= 0xF4) {
		n = 4;
		if (c == 0xF0)
			lo = 0x90;
		else if (c == 0xF4)
			hi = 0x8F; /* nothing above U+10FFFF */
	} else
		return 0;
	if (avail < n || p[1] < lo || p[1] > hi)
		return 0;
	for (size_t k = 2; k < n; k++)
		if (p[k] < 0x80 || p[k] > 0xBF)
			return 0;
	return n;
}

static int scan_string(scanner *s, bool key)
{
	const char *d = s->data;
	s->i++;
	for (;;) {
		if (s->i >= s->len)
			return scan_fail(s, s->len, "unexpected end of input in a string (truncated?)");
		unsigned char c = (unsigned char)d[s->i];
		if (c == '"') {
			s->i++;
			return 0;
		}
		if (c < 0x20)
			return scan_fail(s, s->i, c == 0 ? "NUL byte" : "control character in a string (it must be escaped)");
		if (c >= 0x80) {
			size_t n = utf8_len((const unsigned char *)d + s->i, s->len - s->i);
			if (!n)
				return scan_fail(s, s->i, "invalid UTF-8");
			s->i += n;
			continue;
		}
		if (c != '\\') {
			s->i++;
			continue;
		}
		size_t esc = s->i;
		if (s->i + 1 >= s->len)
			return scan_fail(s, s->len, "unexpected end of input in a string (truncated?)");
		char e = d[s->i + 1];
		if (strchr("\"\\/bfnrt", e) && e) {
			s->i += 2;
			continue;
		}
		if (e != 'u')
			return scan_fail(s, esc, "invalid escape in a string");
		uint32_t u;
		if (s->i + 6 > s->len || hex4(d + s->i + 2, &u) < 0)
			return scan_fail(s, esc, "invalid \\u escape in a string");
		s->i += 6;
		if (u >= 0xDC00 && u <= 0xDFFF)
			return scan_fail(s, esc, "a lone surrogate escape (\\uDC00-\\uDFFF) cannot be kept");
		if (u >= 0xD800 && u <= 0xDBFF) {
			uint32_t lo;
			if (s->i + 6 > s->len || d[s->i] != '\\' || d[s->i + 1] != 'u' || hex4(d + s->i + 2, &lo) < 0 ||
			    lo < 0xDC00 || lo > 0xDFFF)
				return scan_fail(s, esc, "a lone surrogate escape (\\uD800-\\uDBFF) cannot be kept");
			s->i += 6;
		}
		if (u == 0 && key)
			return scan_fail(s, esc, "\\u0000 in a key cannot be kept");
	}
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int scan_number(scanner *s)
{
	const char *d = s->data;
	size_t start = s->i;
	bool neg = d[s->i] == '-';
	if (neg)
		s->i++;
	size_t digits = s->i;
	if (s->i >= s->len || !is_digit(d[s->i]))
		return scan_fail(s, start, "invalid number");
	if (d[s->i] == '0' && s->i + 1 < s->len && is_digit(d[s->i + 1]))
		return scan_fail(s, start, "invalid number (a leading zero)");
	while (s->i < s->len && is_digit(d[s->i]))
		s->i++;
	size_t ndigits = s->i - digits;
	bool integer = true;
	if (s->i < s->len && d[s->i] == '.') {
		integer = false;
		s->i++;
		if (s->i >= s->len || !is_digit(d[s->i]))
			return scan_fail(s, start, "invalid number (no digit after '.')");
		while (s->i < s->len && is_digit(d[s->i]))
			s->i++;
	}
	if (s->i < s->len && (d[s->i] == 'e' || d[s->i] == 'E')) {
		integer = false;
		s->i++;
		if (s->i < s->len && (d[s->i] == '+' || d[s->i] == '-'))
			s->i++;
		if (s->i >= s->len || !is_digit(d[s->i]))
			return scan_fail(s, start, "invalid number (no digit in the exponent)");
		while (s->i < s->len && is_digit(d[s->i]))
			s->i++;
	}
	if (integer) {
		const char *limit = neg ? "9223372036854775808" : "18446744073709551615";
		if (digits_cmp(d + digits, ndigits, limit) > 0)
			return scan_fail(s, start,
					 neg ? "integer below -9223372036854775808 cannot be kept exactly"
					     : "integer above 18446744073709551615 cannot be kept exactly");
	}
	return 0;
}

static int validate(const char *data, size_t len, const char *name, ocirl_error **err)
{
	scanner s = { data, len, 0, name, err };
	char stack[OCIRL_MAX_DEPTH];
	size_t sp = 0;
	enum { VALUE, VALUE_OR_END, KEY, KEY_OR_END, COLON, COMMA_OR_END, DONE } st = VALUE;
	int r;
	for (;;) {
		while (s.i < len && (data[s.i] == ' ' || data[s.i] == '\t' || data[s.i] == '\n' || data[s.i] == '\r'))
			s.i++;
		if (s.i == len) {
			if (st == DONE)
				return 0;
			return scan_fail(&s, len, "unexpected end of input (truncated?)");
		}
		char c = data[s.i];
		if (c == '\0')
			return scan_fail(&s, s.i, "NUL byte");
		switch (st) {
		case DONE:
			return scan_fail(&s, s.i, "trailing data after the JSON object");
		case COLON:
			if (c != ':')
				return scan_fail(&s, s.i, "expected ':' after a key");
			s.i++;
			st = VALUE;
			continue;
		case COMMA_OR_END: {
			char close = stack[sp - 1] == '{' ? '}' : ']';
			if (c == ',') {
				s.i++;
				st = stack[sp - 1] == '{' ? KEY : VALUE;
				continue;
			}
			if (c != close)
				return scan_fail(&s, s.i, close == '}' ? "expected ',' or '}'" : "expected ',' or ']'");
			s.i++;
			sp--;
			st = sp ? COMMA_OR_END : DONE;
			continue;
		}
		case KEY:
		case KEY_OR_END:
			if (c == '}' && st == KEY_OR_END) {
				s.i++;
				sp--;
				st = sp ? COMMA_OR_END : DONE;
				continue;
			}
			if (c != '"')
				return scan_fail(&s, s.i, st == KEY ? "expected a key in double quotes (no trailing comma)"
								    : "expected a key in double quotes or '}'");
			if ((r = scan_string(&s, true)) < 0)
				return r;
			st = COLON;
			continue;
		case VALUE:
		case VALUE_OR_END:
			if (c == ']' && st == VALUE_OR_END) {
				s.i++;
				sp--;
				st = sp ? COMMA_OR_END : DONE;
				continue;
			}
			if (sp == 0 && c != '{')
				return scan_fail(&s, s.i, "expected a JSON object at the top level");
			if (c == '{' || c == '[') {
				if (sp == OCIRL_MAX_DEPTH)
					return scan_fail(&s, s.i, "nested deeper than the limit of " OCIRL_STRINGIFY(
									  OCIRL_MAX_DEPTH) " levels");
				stack[sp++] = c;
				s.i++;
				st = c == '{' ? KEY_OR_END : VALUE_OR_END;
				continue;
			}
			if (c == '"')
				r = scan_string(&s, false);
			else if (c == '-' || is_digit(c))
				r = scan_number(&s);
			else if (len - s.i >= 4 && memcmp(data + s.i, "true", 4) == 0)
				s.i += 4, r = 0;
			else if (len - s.i >= 5 && memcmp(data + s.i, "false", 5) == 0)
				s.i += 5, r = 0;
			else if (len - s.i >= 4 && memcmp(data + s.i, "null", 4) == 0)
				s.i += 4, r = 0;
			else
				r = scan_fail(&s, s.i, "unexpected character (expected a value)");
			if (r < 0)
				return r;
			st = COMMA_OR_END;
			continue;
		}
	}
}

int ocirl_config_parse(struct json_object **out, const char *data, size_t len, const char *name,
		       ocirl_error **err)
{
	if (!name)
		name = "<input>";
	size_t k = 0;
	while (k < len && (data[k] == ' ' || data[k] == '\t' || data[k] == '\n' || data[k] == '\r'))
		k++;
	if (k == len)
		return ocirl__error_set(err, OCIRL_ERROR_INPUT, EINVAL, "%s: empty input: expected a JSON object",
					name);
	if (len > INT32_MAX)
		return ocirl__error_set(err, OCIRL_ERROR_INPUT, EFBIG, "%s: larger than 2 GiB", name);
	int r = validate(data, len, name, err);
	if (r < 0)
		return r;

	/* The text is valid JSON that json-c keeps exactly: parse it. */
	struct json_tokener *tok = json_tokener_new_ex(OCIRL_MAX_DEPTH + 1);
	if (!tok)
		return ocirl__error_nomem(err);
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_ALLOW_TRAILING_CHARS);
	struct json_object *obj = json_tokener_parse_ex(tok, data, (int)len);
	enum json_tokener_error jerr = json_tokener_get_error(tok);
	size_t end = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	if (jerr != json_tokener_success || !obj || !json_object_is_type(obj, json_type_object)) {
		json_object_put(obj);
		if (jerr == json_tokener_success)
			return ocirl__error_nomem(err); /* json-c could not allocate the tree */
		/* Not expected after validate(): report json-c's word for it. */
		return error_at(err, name, data, end <= len ? end : len, json_tokener_error_desc(jerr));
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

/* True when the JSON text (without its final white space) is on one line. */
static bool is_one_line(const char *data, size_t len)
{
	while (len > 0 && (data[len - 1] == '\n' || data[len - 1] == '\r' || data[len - 1] == ' ' ||
			   data[len - 1] == '\t'))
		len--;
	return memchr(data, '\n', len) == NULL;
}

int ocirl_buffer_convert(char **out, size_t *out_len, ocirl_changes *changes, const char *data, size_t len,
			 const char *name, const ocirl_options *opts, unsigned int flags, ocirl_error **err)
{
	struct json_object *config = NULL;
	ocirl_context *ctx = NULL;
	_cleanup_free_ char *indent = NULL;
	int r = ocirl_config_parse(&config, data, len, name, err);
	if (r < 0)
		return r;
	r = ocirl_context_new(&ctx, opts, err);
	if (r < 0)
		goto done;
	r = ocirl_config_convert(changes, config, ctx, err);
	if (r < 0) {
		ocirl__error_prefix(err, "%s", name ? name : "<input>");
		goto done;
	}
	/* The output looks like the input: one line stays one line, an indented
	 * text keeps its indent unit, a final newline stays; flags override. */
	bool compact = (flags & OCIRL_CONVERT_COMPACT) ||
		       (!(flags & OCIRL_CONVERT_PRETTY) && is_one_line(data, len));
	indent = compact ? NULL : detect_indent(data, len);
	bool newline = len > 0 && data[len - 1] == '\n';
	r = ocirl_config_serialize(out, out_len, config, compact ? OCIRL_STYLE_COMPACT : OCIRL_STYLE_PRETTY, indent,
				   newline, err);
done:
	ocirl_context_free(ctx);
	json_object_put(config);
	return r;
}
