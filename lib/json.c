/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Reading and writing configs, strictly and faithfully: parsing refuses
 * anything but one strict JSON object (and what could not be kept exactly);
 * writing keeps key order, strings and numbers as read, and the input's
 * indent. The tree is the library's own (tree.h); lib/jsonc.c bridges it to
 * json-c for the public API.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "tree.h"

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

/* The scanner of the strict parser (parse_strict() below). */
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

/* JSON's white space. */
static const bool is_space[256] = { [' '] = 1, ['\t'] = 1, ['\n'] = 1, ['\r'] = 1 };

/* Bytes that end a run of plain ASCII in a JSON string: control characters,
 * '"', '\\' and the start of a UTF-8 sequence. */
static const unsigned char special[256] = {
	[0 ... 0x1f] = 1, ['"'] = 1, ['\\'] = 1, [0x80 ... 0xff] = 1,
};

/* The first byte at or after i that ends a run of plain ASCII in a string
 * (or len). Eight bytes at a time where the machine is little-endian: a
 * byte b is flagged when b >= 0x80, b < 0x20, b == '"' or b == '\\' (the
 * classic "has a zero byte" tests; the lowest flag is always a true one). */
static size_t skip_plain(const char *d, size_t i, size_t len)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	const uint64_t ones = 0x0101010101010101ULL, high = 0x8080808080808080ULL;
	while (len - i >= 8) {
		uint64_t w, q, b;
		memcpy(&w, d + i, 8);
		q = w ^ (ones * '"');
		b = w ^ (ones * '\\');
		uint64_t m = (w & high) | ((w - ones * 0x20) & ~w & high) | ((q - ones) & ~q & high) |
			     ((b - ones) & ~b & high);
		if (m)
			return i + ((size_t)__builtin_ctzll(m) >> 3);
		i += 8;
	}
#endif
	while (i < len && !special[(unsigned char)d[i]])
		i++;
	return i;
}

/* Scans the string at s->i, checking it and decoding its value into
 * s->sval / s->slen (no copy when it has no escape). */
static int scan_string(scanner *s, bool key)
{
	const char *d = s->data;
	size_t start = s->i + 1, run = start;
	/* the common case: plain ASCII up to the closing quote */
	size_t end = skip_plain(d, start, s->len);
	if (end < s->len && d[end] == '"') {
		s->sval = d + start;
		s->slen = end - start;
		s->i = end + 1;
		return 0;
	}
	s->i = end;
	bool escaped = false;
	s->str.len = 0;
	for (;;) {
		/* the common case: plain ASCII */
		s->i = skip_plain(d, s->i, s->len);
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

/* Scans the number at s->i into a new node: an INT when it is an integer in
 * [-2^63, 2^64), else a DOUBLE (a fraction, an exponent, -0) that keeps only
 * its text. Either way the text is kept, and written back as read. With out
 * NULL the number is only checked. */
static int scan_number(scanner *s, ocirl_tree *t, ocirl_node **out)
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
					     : "integer above 18446744073709551615 cannot be kept exactly (a number "
					       "such as 18446744073709552000 usually comes from a tool that went through "
					       "a double, as jq 1.6 does; unlimited is 18446744073709551615)");
	}
	if (!out)
		return 0; /* checked only: inside a subtree no rule reads */
	ocirl_node *n = ocirl__node_new(t, OCIRL_NODE_DOUBLE);
	if (!n)
		return ocirl__error_nomem(s->err);
	n->raw = d + start;
	n->raw_len = (uint32_t)(s->i - start);
	if (integer) {
		uint64_t v = 0;
		for (size_t k = digits; k < s->i; k++)
			v = v * 10 + (uint64_t)(d[k] - '0'); /* in range: checked above */
		if (!(neg && v == 0)) { /* -0 stays a DOUBLE, written back as read */
			n->type = OCIRL_NODE_INT;
			if (neg)
				n->i = (int64_t)(~v + 1); /* -2^63 fits */
			else if (v > INT64_MAX) {
				n->flag = true;
				n->u = v;
			} else
				n->i = (int64_t)v;
		}
	}
	*out = n;
	return 0;
}

/* The members and items of the containers being read, one stack for all of
 * them: a container's own go into the arena, in one piece, when it closes. */
typedef struct {
	ocirl_member *m;
	size_t n, cap;
	ocirl_node **items;
	size_t n_items, cap_items;
} scratch;

static bool scratch_grow(void **p, size_t *cap, size_t size)
{
	size_t ncap = *cap ? *cap * 2 : 64;
	void *d = realloc(*p, ncap * size);
	if (!d)
		return false;
	*p = d;
	*cap = ncap;
	return true;
}

/* One open container of the parse: its node (NULL inside a subtree kept as
 * text), whether it is an object, the key it is the value of (NULL in an
 * array or inside a subtree kept as text), and where its members or items
 * start on the scratch stack. */
typedef struct {
	ocirl_node *node;
	bool is_obj;
	const char *key;
	size_t start;
} frame;

static int cmp_member(const void *a, const void *b)
{
	const ocirl_member *x = *(ocirl_member *const *)a, *y = *(ocirl_member *const *)b;
	if (x->key_len != y->key_len)
		return x->key_len < y->key_len ? -1 : 1;
	int c = memcmp(x->key, y->key, x->key_len);
	if (c)
		return c;
	return x->raw_key < y->raw_key ? -1 : x->raw_key > y->raw_key;
}

/* A repeated key is refused: runc (Go) would merge repeated objects, json-c
 * would keep the last value, and a rule could then judge another value than
 * the runtime will see. Returns the second of the first repeated key in the
 * text, or NULL (or sets *nomem). Small objects are compared pairwise, big
 * ones sorted. */
static const ocirl_member *repeated_key(const ocirl_member *m, size_t n, bool *nomem)
{
	const ocirl_member *first = NULL;
	if (n <= 16) {
		for (size_t j = 1; j < n; j++)
			for (size_t i = 0; i < j; i++)
				if (m[i].key_len == m[j].key_len && memcmp(m[i].key, m[j].key, m[j].key_len) == 0) {
					if (!first || m[j].raw_key < first->raw_key)
						first = &m[j];
					break;
				}
		return first;
	}
	const ocirl_member **v = malloc(n * sizeof(*v));
	if (!v) {
		*nomem = true;
		return NULL;
	}
	for (size_t i = 0; i < n; i++)
		v[i] = &m[i];
	qsort(v, n, sizeof(*v), cmp_member);
	for (size_t i = 1; i < n; i++)
		if (v[i]->key_len == v[i - 1]->key_len && memcmp(v[i]->key, v[i - 1]->key, v[i]->key_len) == 0 &&
		    (!first || v[i]->raw_key < first->raw_key))
			first = v[i];
	free(v);
	return first;
}

/* Moves the members or items of the container closing (top) from the
 * scratch stack into the arena. */
static int close_container(scanner *s, ocirl_tree *t, scratch *sc, frame *top)
{
	ocirl_node *c = top->node;
	if (top->is_obj) {
		size_t n = sc->n - top->start;
		const ocirl_member *src = n ? sc->m + top->start : NULL; /* no arithmetic on NULL */
		bool nomem = false;
		const ocirl_member *rep = repeated_key(src, n, &nomem);
		if (nomem)
			return ocirl__error_nomem(s->err);
		if (rep) {
			char what[160];
			snprintf(what, sizeof(what), "the key \"%.*s\" appears twice in this object",
				 (int)(rep->key_len < 100 ? rep->key_len : 100), rep->key);
			return scan_fail(s, (size_t)(rep->raw_key - s->data), what);
		}
		if (!c || c->type == OCIRL_NODE_RAW) { /* kept as text: its keys were only checked */
			sc->n = top->start;
			return 0;
		}
		if (n && !(c->obj.m = ocirl__tree_alloc(t, n * sizeof(ocirl_member))))
			return ocirl__error_nomem(s->err);
		if (n)
			memcpy(c->obj.m, src, n * sizeof(ocirl_member));
		c->obj.n = c->obj.cap = n;
		sc->n = top->start;
	} else if (c && c->type != OCIRL_NODE_RAW) {
		size_t n = sc->n_items - top->start;
		if (n && !(c->arr.items = ocirl__tree_alloc(t, n * sizeof(ocirl_node *))))
			return ocirl__error_nomem(s->err);
		if (n)
			memcpy(c->arr.items, sc->items + top->start, n * sizeof(ocirl_node *));
		c->arr.n = c->arr.cap = n;
		sc->n_items = top->start;
	}
	return 0;
}

/*
 * The parser: one pass that checks strict JSON (RFC 8259) and builds the
 * tree. json-c's own tokener is not used: in strict mode it still takes NaN,
 * Infinity, leading zeros, "1.", single quotes, raw control characters in
 * strings and overlong or surrogate UTF-8, and json-c's objects would
 * silently change some values (integers beyond 64 bits clamped, lone
 * surrogate escapes made U+FFFD, a key cut at \u0000). Anything that could
 * not be kept exactly is refused here, with its line and column.
 */
static int parse_strict(ocirl_tree *t, const char *data, size_t len, const char *name, unsigned flags,
			ocirl_error **err)
{
	scanner s = { .data = data, .len = len, .name = name, .err = err };
	size_t i = 0; /* the place in data: s.i only around the scan_ functions, so that i can stay in a register */
	frame stack[OCIRL_MAX_DEPTH];
	scratch sc = { 0 };
	size_t sp = 0;
	/* Inside a subtree no rule reads (OCIRL__PARSE_SKIP): the values are
	 * checked as everywhere, but no node is made; raw_node holds its text. */
	ocirl_node *raw_node = NULL;
	size_t raw_sp = 0; /* the depth of its container */
	enum { VALUE, VALUE_OR_END, KEY, KEY_OR_END, COLON, COMMA_OR_END, DONE } st = VALUE;
	int r = 0;
	for (;;) {
		if (i < len && is_space[(unsigned char)data[i]]) {
			do
				i++;
			while (i < len && is_space[(unsigned char)data[i]]);
			if (raw_node)
				raw_node->flag = true; /* white space inside: not copied as is into one line */
		}
		if (i == len) {
			if (st == DONE)
				break;
			r = scan_fail(&s, len, "unexpected end of input (truncated?)");
			goto done;
		}
		char c = data[i];
		if (c == '\0') {
			r = scan_fail(&s, i, "NUL byte");
			goto done;
		}
		if (c == '/' && i + 1 < len && (data[i + 1] == '/' || data[i + 1] == '*')) {
			/* outside a string a '/' is never JSON: say what it is */
			r = scan_fail(&s, i, "a comment: comments are not allowed in JSON");
			goto done;
		}
		switch (st) {
		case DONE:
			r = scan_fail(&s, i, "trailing data after the JSON object");
			goto done;
		case COLON:
			if (c != ':') {
				r = scan_fail(&s, i, "expected ':' after a key");
				goto done;
			}
			i++;
			st = VALUE;
			continue;
		case COMMA_OR_END: {
			bool in_obj = stack[sp - 1].is_obj;
			char close = in_obj ? '}' : ']';
			if (c == ',') {
				i++;
				st = in_obj ? KEY : VALUE;
				continue;
			}
			if (c != close) {
				r = scan_fail(&s, i, in_obj ? "expected ',' or '}'" : "expected ',' or ']'");
				goto done;
			}
			break; /* to the close below */
		}
		case KEY:
		case KEY_OR_END: {
			if (c == '}' && st == KEY_OR_END) {
				break; /* to the close below */
			}
			if (c != '"') {
				r = scan_fail(&s, i, st == KEY ? "expected a key in double quotes (no trailing comma)"
								 : "expected a key in double quotes or '}'");
				goto done;
			}
			size_t at = i;
			if ((s.i = i, r = scan_string(&s, true), i = s.i, r) < 0)
				goto done;
			if (sc.n == sc.cap && !scratch_grow((void **)&sc.m, &sc.cap, sizeof(*sc.m))) {
				r = ocirl__error_nomem(err);
				goto done;
			}
			ocirl_member *m = &sc.m[sc.n];
			/* A key only checked for repeats may stay in the input, unless it
			 * was decoded into the scanner's buffer, which the next string
			 * overwrites. */
			if (raw_node && s.sval != s.str.data)
				m->key = s.sval;
			else if (!(m->key = ocirl__tree_strndup(t, s.sval, s.slen))) {
				r = ocirl__error_nomem(err);
				goto done;
			}
			m->key_len = (uint32_t)s.slen;
			m->raw_key = data + at;
			m->raw_key_len = (uint32_t)(i - at);
			m->val = NULL;
			sc.n++;
			st = COLON;
			continue;
		}
		case VALUE:
		case VALUE_OR_END: {
			if (c == ']' && st == VALUE_OR_END) {
				break; /* to the close below */
			}
			if (sp == 0 && c != '{') {
				r = scan_fail(&s, i, "expected a JSON object at the top level");
				goto done;
			}
			ocirl_node *val = NULL;
			bool container = c == '{' || c == '[';
			bool skip = raw_node != NULL; /* inside a subtree kept as text */
			const char *key = sp && stack[sp - 1].is_obj && !skip ? sc.m[sc.n - 1].key : NULL;
			if (container) {
				if (sp == OCIRL_MAX_DEPTH) {
					r = scan_fail(&s, i,
						      "nested deeper than the limit of " OCIRL_STRINGIFY(OCIRL_MAX_DEPTH) " levels");
					goto done;
				}
				if (!skip && key && (flags & OCIRL__PARSE_SKIP) && sp <= 2 &&
				    !ocirl__rules_read(sp == 2 ? stack[1].key : NULL, key)) {
					/* no rule reads it: checked, kept as text */
					if ((val = raw_node = ocirl__node_new(t, OCIRL_NODE_RAW)))
						val->raw = data + i;
					raw_sp = sp + 1;
				} else if (!skip)
					val = ocirl__node_new(t, c == '{' ? OCIRL_NODE_OBJECT : OCIRL_NODE_ARRAY);
				i++;
			} else if (c == '"') {
				size_t at = i;
				if ((s.i = i, r = scan_string(&s, false), i = s.i, r) < 0)
					goto done;
				if (!skip && (val = ocirl__node_new(t, OCIRL_NODE_STRING))) {
					val->raw = data + at;
					val->raw_len = (uint32_t)(i - at);
					val->str.len = (uint32_t)s.slen;
					/* only an escape (\u0000) can put a NUL in a string */
					val->flag = s.sval != data + at + 1 && memchr(s.sval, '\0', s.slen) != NULL;
					if (!(val->str.s = ocirl__tree_strndup(t, s.sval, s.slen)))
						val = NULL;
				}
			} else if (c == '-' || is_digit(c)) {
				if ((s.i = i, r = scan_number(&s, t, skip ? NULL : &val), i = s.i, r) < 0)
					goto done;
			} else if (len - i >= 4 && memcmp(data + i, "true", 4) == 0) {
				i += 4;
				if (!skip && (val = ocirl__node_new(t, OCIRL_NODE_BOOL)))
					val->flag = true;
			} else if (len - i >= 5 && memcmp(data + i, "false", 5) == 0) {
				i += 5;
				if (!skip)
					val = ocirl__node_new(t, OCIRL_NODE_BOOL);
			} else if (len - i >= 4 && memcmp(data + i, "null", 4) == 0) {
				i += 4;
				if (!skip)
					val = ocirl__node_new(t, OCIRL_NODE_NULL);
			} else {
				r = scan_fail(&s, i, "unexpected character (expected a value)");
				goto done;
			}
			if (!skip && !val) {
				r = ocirl__error_nomem(err);
				goto done;
			}
			if (skip && val != raw_node) {
				/* nothing to attach */
			} else if (sp == 0)
				ocirl__tree_set_root(t, val);
			else if (stack[sp - 1].is_obj)
				sc.m[sc.n - 1].val = val;
			else {
				if (sc.n_items == sc.cap_items &&
				    !scratch_grow((void **)&sc.items, &sc.cap_items, sizeof(*sc.items))) {
					r = ocirl__error_nomem(err);
					goto done;
				}
				sc.items[sc.n_items++] = val;
			}
			if (container) {
				stack[sp] = (frame){ .node = skip && val != raw_node ? NULL : val,
						     .is_obj = c == '{',
						     .key = skip && val != raw_node ? NULL : key,
						     .start = c == '{' ? sc.n : sc.n_items };
				sp++;
				st = c == '{' ? KEY_OR_END : VALUE_OR_END;
			} else
				st = COMMA_OR_END;
			continue;
		}
		}
		/* Only a closing bracket breaks out of the switch: the innermost
		 * container ends at i. */
		i++;
		if ((r = close_container(&s, t, &sc, &stack[--sp])) < 0)
			goto done;
		if (raw_node && sp + 1 == raw_sp) {
			raw_node->raw_len = (uint32_t)(data + i - raw_node->raw);
			raw_node = NULL;
		}
		st = sp ? COMMA_OR_END : DONE;
	}
	r = 0;
done:
	free(sc.m);
	free(sc.items);
	free(s.str.data);
	return r;
}

int ocirl__json_parse(ocirl_tree **out, const char *data, size_t len, const char *name, unsigned flags,
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
	ocirl_tree *t = ocirl__tree_new();
	if (!t)
		return ocirl__error_nomem(err);
	int r = parse_strict(t, data, len, name, flags, err);
	if (r < 0) {
		ocirl__tree_free(t);
		return r;
	}
	*out = t;
	return 0;
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

void ocirl__json_put_string(ocirl_buf *b, const char *s, size_t n)
{
	put_string(b, s, n);
}

static void put_number(ocirl_buf *b, const ocirl_node *n)
{
	if (n->raw) /* as read */
		ocirl__buf_add(b, n->raw, n->raw_len);
	else if (n->flag)
		ocirl__buf_printf(b, "%" PRIu64, n->u);
	else
		ocirl__buf_printf(b, "%" PRId64, n->i);
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

static void put_value(writer *w, const ocirl_node *o, unsigned depth)
{
	ocirl_buf *b = w->b;
	switch (o->type) {
	case OCIRL_NODE_NULL:
		ocirl__buf_add(b, "null", 4);
		break;
	case OCIRL_NODE_BOOL:
		if (o->flag)
			ocirl__buf_add(b, "true", 4);
		else
			ocirl__buf_add(b, "false", 5);
		break;
	case OCIRL_NODE_INT:
	case OCIRL_NODE_DOUBLE:
		put_number(b, o);
		break;
	case OCIRL_NODE_STRING:
		/* as read: its escapes too */
		if (o->raw)
			ocirl__buf_add(b, o->raw, o->raw_len);
		else
			put_string(b, o->str.s, o->str.len);
		break;
	case OCIRL_NODE_ARRAY: {
		size_t n = o->arr.n;
		ocirl__buf_addc(b, '[');
		for (size_t i = 0; i < n; i++) {
			if (i)
				ocirl__buf_addc(b, ',');
			put_newline(w, depth + 1);
			put_value(w, o->arr.items[i], depth + 1);
		}
		if (n)
			put_newline(w, depth);
		ocirl__buf_addc(b, ']');
		break;
	}
	case OCIRL_NODE_RAW:
		if (!w->pretty && !o->flag) {
			ocirl__buf_add(b, o->raw, o->raw_len); /* one line already, as read */
		} else {
			ocirl_tree *t = NULL;
			char *text = NULL;
			if (ocirl__raw_parse(&t, &text, o) < 0)
				b->failed = true;
			else
				put_value(w, ocirl__tree_root(t)->obj.m[0].val, depth);
			ocirl__tree_free(t);
			free(text);
		}
		break;
	case OCIRL_NODE_OBJECT: {
		size_t n = o->obj.n;
		ocirl__buf_addc(b, '{');
		for (size_t i = 0; i < n; i++) {
			const ocirl_member *m = &o->obj.m[i];
			if (i)
				ocirl__buf_addc(b, ',');
			put_newline(w, depth + 1);
			if (m->raw_key)
				ocirl__buf_add(b, m->raw_key, m->raw_key_len);
			else
				put_string(b, m->key, m->key_len);
			ocirl__buf_add(b, ": ", w->pretty ? 2 : 1);
			put_value(w, m->val, depth + 1);
		}
		if (n)
			put_newline(w, depth);
		ocirl__buf_addc(b, '}');
		break;
	}
	}
}

int ocirl__raw_parse(ocirl_tree **out, char **text, const ocirl_node *node)
{
	/* {"v":TEXT}: the text was checked when it was read */
	size_t n = node->raw_len + 6;
	char *d = malloc(n);
	if (!d)
		return -ENOMEM;
	memcpy(d, "{\"v\":", 5);
	memcpy(d + 5, node->raw, node->raw_len);
	d[n - 1] = '}';
	int r = ocirl__json_parse(out, d, n, "raw", 0, NULL);
	if (r < 0) {
		free(d);
		return r;
	}
	*text = d;
	return 0;
}

int ocirl__json_write(char **out, size_t *out_len, const ocirl_node *root, ocirl_style style, const char *indent,
		      int final_newline, size_t size_hint, ocirl_error **err)
{
	ocirl_buf b = { 0 };
	ocirl__buf_reserve(&b, size_hint > 4096 ? size_hint + size_hint / 8 : 4096);
	writer w = { .b = &b, .pretty = style == OCIRL_STYLE_PRETTY, .indent = indent ? indent : "\t" };
	w.indent_len = strlen(w.indent);
	put_value(&w, root, 0);
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
	ocirl_tree *t = NULL;
	ocirl_context *ctx = NULL;
	_cleanup_free_ char *indent = NULL;
	/* The output looks like the input: one line stays one line, an indented
	 * text keeps its indent unit, a final newline stays; flags override. */
	bool compact = (flags & OCIRL_CONVERT_COMPACT) ||
		       (!(flags & OCIRL_CONVERT_PRETTY) && len > 0 && is_one_line(data, len));
	/* Written on one line, a container no rule reads is copied as read
	 * (OCIRL__PARSE_SKIP); indented, it would have to be parsed again. */
	int r = ocirl__json_parse(&t, data, len, name, compact ? OCIRL__PARSE_SKIP : 0, err);
	if (r < 0)
		return r;
	/* the caller's facts are read as the rules need them (lib/rules/) */
	r = ocirl__context_new(&ctx, opts, 0, err);
	if (r < 0)
		goto done;
	r = ocirl__tree_convert(changes, t, ocirl__tree_root(t), ctx, err);
	if (r < 0) {
		ocirl__error_prefix(err, "%s", name ? name : "<input>");
		goto done;
	}
	indent = compact ? NULL : detect_indent(data, len);
	bool newline = len > 0 && data[len - 1] == '\n';
	r = ocirl__json_write(out, out_len, ocirl__tree_root(t), compact ? OCIRL_STYLE_COMPACT : OCIRL_STYLE_PRETTY,
			      indent, newline, len, err);
	if (r == 0 && uses_crlf(data, len) && (r = to_crlf(out, out_len, err)) < 0) {
		free(*out);
		*out = NULL;
	}
done:
	ocirl_context_free(ctx);
	ocirl__tree_free(t);
	return r;
}
