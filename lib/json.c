/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Reading and writing configs with json-c, strictly and faithfully:
 * parsing refuses anything but one JSON object (and integers json-c would
 * clamp); writing keeps key order, numbers as read, and the input's indent.
 */
#include <inttypes.h>
#include <stdio.h>
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
	ocirl_buf str;      /* the decoded value of the last string scanned */
	const char *sval;   /* that value: into data when it had no escape, else str.data */
	size_t slen;
} scanner;

static void put_utf8(ocirl_buf *b, uint32_t u)
{
	char o[4];
	size_t n;
	if (u < 0x80) {
		o[0] = (char)u;
		n = 1;
	} else if (u < 0x800) {
		o[0] = (char)(0xC0 | (u >> 6));
		o[1] = (char)(0x80 | (u & 0x3F));
		n = 2;
	} else if (u < 0x10000) {
		o[0] = (char)(0xE0 | (u >> 12));
		o[1] = (char)(0x80 | ((u >> 6) & 0x3F));
		o[2] = (char)(0x80 | (u & 0x3F));
		n = 3;
	} else {
		o[0] = (char)(0xF0 | (u >> 18));
		o[1] = (char)(0x80 | ((u >> 12) & 0x3F));
		o[2] = (char)(0x80 | ((u >> 6) & 0x3F));
		o[3] = (char)(0x80 | (u & 0x3F));
		n = 4;
	}
	ocirl__buf_add(b, o, n);
}

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

/* Bytes that end a run of plain ASCII in a JSON string: control characters,
 * '"', '\\' and the start of a UTF-8 sequence. */
static const unsigned char special[256] = {
	[0 ... 0x1f] = 1, ['"'] = 1, ['\\'] = 1, [0x80 ... 0xff] = 1,
};

/* Scans the string at s->i, checking it and decoding its value into
 * s->sval / s->slen (no copy when it has no escape). */
static int scan_string(scanner *s, bool key)
{
	const char *d = s->data;
	size_t start = ++s->i, run = start;
	bool escaped = false;
	s->str.len = 0;
	for (;;) {
		/* the common case: plain ASCII */
		while (s->i < s->len && !special[(unsigned char)d[s->i]])
			s->i++;
		if (s->i >= s->len)
			return scan_fail(s, s->len, "unexpected end of input in a string (truncated?)");
		unsigned char c = (unsigned char)d[s->i];
		if (c == '"') {
			if (escaped) {
				ocirl__buf_add(&s->str, d + run, s->i - run);
				if (s->str.failed)
					return ocirl__error_nomem(s->err);
				s->sval = s->str.data;
				s->slen = s->str.len;
			} else {
				s->sval = d + start;
				s->slen = s->i - start;
			}
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
		/* a backslash */
		size_t esc = s->i;
		if (!escaped) {
			escaped = true;
			ocirl__buf_reserve(&s->str, 64);
		}
		ocirl__buf_add(&s->str, d + run, s->i - run);
		if (s->i + 1 >= s->len)
			return scan_fail(s, s->len, "unexpected end of input in a string (truncated?)");
		char e = d[s->i + 1];
		static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
		const char *k = e ? strchr(from, e) : NULL;
		if (k) {
			ocirl__buf_addc(&s->str, to[k - from]);
			s->i += 2;
			run = s->i;
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
			u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
		}
		if (u == 0 && key)
			return scan_fail(s, esc, "\\u0000 in a key cannot be kept");
		put_utf8(&s->str, u);
		run = s->i;
	}
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Scans the number at s->i into a new json-c value in *out: an int64, a
 * uint64 above INT64_MAX, or a double that keeps its text. */
static int scan_number(scanner *s, struct json_object **out)
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
		uint64_t v = 0;
		for (size_t k = digits; k < s->i; k++)
			v = v * 10 + (uint64_t)(d[k] - '0'); /* in range: checked above */
		if (neg && v == 0)
			*out = json_object_new_double_s(-0.0, "-0"); /* written back as read */
		else if (neg)
			*out = json_object_new_int64((int64_t)(~v + 1)); /* -2^63 fits */
		else if (v > INT64_MAX)
			*out = json_object_new_uint64(v);
		else
			*out = json_object_new_int64((int64_t)v);
	} else {
		char text[64];
		_cleanup_free_ char *big = NULL;
		size_t n = s->i - start;
		char *t = text;
		if (n >= sizeof(text) && !(t = big = malloc(n + 1)))
			return ocirl__error_nomem(s->err);
		memcpy(t, d + start, n);
		t[n] = '\0';
		/* json-c keeps the text and writes it back as read */
		*out = json_object_new_double_s(strtod(t, NULL), t);
	}
	if (!*out)
		return ocirl__error_nomem(s->err);
	return 0;
}

/* One open container of the parse: its value and, in an object, the key
 * waiting for its value. */
typedef struct {
	struct json_object *obj;
	ocirl_buf key; /* reused from one key to the next: no allocation per key */
	size_t key_at; /* where that key starts, for an error */
} frame;

/* Attaches val to the innermost open container (it takes val). Returns 1
 * when val's key was already in the object. */
static int attach(frame *top, struct json_object *val, ocirl_error **err)
{
	int r;
	if (json_object_is_type(top->obj, json_type_array))
		r = json_object_array_add(top->obj, val);
	else {
		/* A repeated key is refused: runc (Go) would merge repeated
		 * objects, json-c keeps the last value, and a rule could then judge
		 * another value than the runtime will see. json-c replaces a
		 * repeated key in place, so the count tells (no second lookup). */
		int before = json_object_object_length(top->obj);
		r = json_object_object_add(top->obj, top->key.data, val);
		if (r == 0 && json_object_object_length(top->obj) == before)
			return 1; /* repeated */
	}
	if (r < 0) {
		json_object_put(val);
		return ocirl__error_nomem(err);
	}
	return 0;
}

/*
 * The parser: one pass that checks strict JSON (RFC 8259) and builds the
 * json-c tree. json-c's own tokener is not used: in strict mode it still
 * takes NaN, Infinity, leading zeros, "1.", single quotes, raw control
 * characters in strings and overlong or surrogate UTF-8, and it silently
 * changes some values (integers beyond 64 bits are clamped, lone surrogate
 * escapes become U+FFFD, a key is cut at \u0000). Anything that could not be
 * kept exactly is refused here, with its line and column.
 */
static int parse_strict(struct json_object **out, const char *data, size_t len, const char *name, ocirl_error **err)
{
	scanner s = { .data = data, .len = len, .name = name, .err = err };
	frame stack[OCIRL_MAX_DEPTH];
	size_t sp = 0, used = 0; /* used: frames whose key buffer is allocated */
	struct json_object *root = NULL;
	enum { VALUE, VALUE_OR_END, KEY, KEY_OR_END, COLON, COMMA_OR_END, DONE } st = VALUE;
	int r = 0;
	for (;;) {
		while (s.i < len && (data[s.i] == ' ' || data[s.i] == '\t' || data[s.i] == '\n' || data[s.i] == '\r'))
			s.i++;
		if (s.i == len) {
			if (st == DONE)
				break;
			r = scan_fail(&s, len, "unexpected end of input (truncated?)");
			goto fail;
		}
		char c = data[s.i];
		if (c == '\0') {
			r = scan_fail(&s, s.i, "NUL byte");
			goto fail;
		}
		switch (st) {
		case DONE:
			r = scan_fail(&s, s.i, "trailing data after the JSON object");
			goto fail;
		case COLON:
			if (c != ':') {
				r = scan_fail(&s, s.i, "expected ':' after a key");
				goto fail;
			}
			s.i++;
			st = VALUE;
			continue;
		case COMMA_OR_END: {
			bool in_obj = json_object_is_type(stack[sp - 1].obj, json_type_object);
			char close = in_obj ? '}' : ']';
			if (c == ',') {
				s.i++;
				st = in_obj ? KEY : VALUE;
				continue;
			}
			if (c != close) {
				r = scan_fail(&s, s.i, in_obj ? "expected ',' or '}'" : "expected ',' or ']'");
				goto fail;
			}
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
			if (c != '"') {
				r = scan_fail(&s, s.i, st == KEY ? "expected a key in double quotes (no trailing comma)"
								 : "expected a key in double quotes or '}'");
				goto fail;
			}
			stack[sp - 1].key_at = s.i;
			if ((r = scan_string(&s, true)) < 0)
				goto fail;
			stack[sp - 1].key.len = 0;
			ocirl__buf_add(&stack[sp - 1].key, s.sval, s.slen);
			if (stack[sp - 1].key.failed) {
				r = ocirl__error_nomem(err);
				goto fail;
			}
			st = COLON;
			continue;
		case VALUE:
		case VALUE_OR_END: {
			if (c == ']' && st == VALUE_OR_END) {
				s.i++;
				sp--;
				st = sp ? COMMA_OR_END : DONE;
				continue;
			}
			if (sp == 0 && c != '{') {
				r = scan_fail(&s, s.i, "expected a JSON object at the top level");
				goto fail;
			}
			struct json_object *val = NULL;
			bool container = c == '{' || c == '[';
			if (container) {
				if (sp == OCIRL_MAX_DEPTH) {
					r = scan_fail(&s, s.i,
						      "nested deeper than the limit of " OCIRL_STRINGIFY(OCIRL_MAX_DEPTH) " levels");
					goto fail;
				}
				val = c == '{' ? json_object_new_object() : json_object_new_array_ext(4); /* most arrays are short */
				if (!val) {
					r = ocirl__error_nomem(err);
					goto fail;
				}
				s.i++;
			} else if (c == '"') {
				if ((r = scan_string(&s, false)) < 0)
					goto fail;
				if (!(val = json_object_new_string_len(s.sval, (int)s.slen))) {
					r = ocirl__error_nomem(err);
					goto fail;
				}
			} else if (c == '-' || is_digit(c)) {
				if ((r = scan_number(&s, &val)) < 0)
					goto fail;
			} else if (len - s.i >= 4 && memcmp(data + s.i, "true", 4) == 0) {
				s.i += 4;
				val = json_object_new_boolean(1);
			} else if (len - s.i >= 5 && memcmp(data + s.i, "false", 5) == 0) {
				s.i += 5;
				val = json_object_new_boolean(0);
			} else if (len - s.i >= 4 && memcmp(data + s.i, "null", 4) == 0) {
				s.i += 4;
				val = NULL; /* json-c's null */
			} else {
				r = scan_fail(&s, s.i, "unexpected character (expected a value)");
				goto fail;
			}
			if (sp == 0)
				root = val;
			else if ((r = attach(&stack[sp - 1], val, err)) != 0) {
				if (r > 0) {
					char what[160];
					snprintf(what, sizeof(what), "the key \"%.100s\" appears twice in this object",
						 stack[sp - 1].key.data);
					r = scan_fail(&s, stack[sp - 1].key_at, what);
				}
				goto fail;
			}
			if (container) {
				if (sp == used)
					stack[used++] = (frame){ NULL, { 0 }, 0 };
				stack[sp++].obj = val;
				st = c == '{' ? KEY_OR_END : VALUE_OR_END;
			} else
				st = COMMA_OR_END;
			continue;
		}
		}
	}
	r = 0;
	goto done;
fail:
	json_object_put(root);
	root = NULL;
done:
	for (size_t k = 0; k < used; k++)
		free(stack[k].key.data);
	free(s.str.data);
	if (r == 0)
		*out = root;
	return r;
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
	return parse_strict(out, data, len, name, err);
}

/* ---- writing ---- */

/* Bytes the writer escapes: control characters, '"' and '\\'. */
static const unsigned char escaped_by_writer[256] = {
	[0 ... 0x1f] = 1, ['"'] = 1, ['\\'] = 1,
};

static void put_string(ocirl_buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	ocirl__buf_reserve(b, n + 2);
	ocirl__buf_addc(b, '"');
	size_t run = 0; /* bytes copied as they are, in one go */
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!escaped_by_writer[c])
			continue; /* the common case: copied with its run */
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
	ocirl_buf *b = w->b;
	size_t n = 1 + (size_t)depth * w->indent_len;
	ocirl__buf_reserve(b, n);
	if (b->failed)
		return;
	char *p = b->data + b->len;
	*p++ = '\n';
	if (w->indent_len == 1)
		memset(p, w->indent[0], depth);
	else
		for (unsigned i = 0; i < depth; i++, p += w->indent_len)
			memcpy(p, w->indent, w->indent_len);
	b->len += n;
	b->data[b->len] = '\0';
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
	ocirl__buf_reserve(&b, 4096);
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

/* True when the input's lines end with "\r\n" (its first line does). */
static bool uses_crlf(const char *data, size_t len)
{
	const char *nl = memchr(data, '\n', len);
	return nl && nl > data && nl[-1] == '\r';
}

/* Rewrites every "\n" of *out as "\r\n" (the writer escapes newlines in strings). */
static int to_crlf(char **out, size_t *out_len, ocirl_error **err)
{
	size_t n = 0;
	for (size_t i = 0; i < *out_len; i++)
		n += (*out)[i] == '\n';
	if (n == 0)
		return 0;
	char *d = malloc(*out_len + n + 1);
	if (!d)
		return ocirl__error_nomem(err);
	size_t w = 0;
	for (size_t i = 0; i < *out_len; i++) {
		if ((*out)[i] == '\n')
			d[w++] = '\r';
		d[w++] = (*out)[i];
	}
	d[w] = '\0';
	free(*out);
	*out = d;
	*out_len = w;
	return 0;
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
	if (r == 0 && uses_crlf(data, len) && (r = to_crlf(out, out_len, err)) < 0) {
		free(*out);
		*out = NULL;
	}
done:
	ocirl_context_free(ctx);
	json_object_put(config);
	return r;
}
