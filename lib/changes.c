/* SPDX-License-Identifier: Apache-2.0 */
/* The list of changes a conversion made, for --explain and --check. */
#include <stdio.h>
#include <string.h>

#include "internal.h"

typedef struct {
	char *where;
	char *message;
	char *what;       /* the message up to its first ": " outside quotes and brackets */
	const char *why;  /* the rest, in message */
	const char *rule; /* the rule's name, from the table (not copied) */
	ocirl_change_kind kind;
	const void *at;   /* the node, valid while the conversion runs */
	char *key;        /* its member, or NULL */
	char *pointer;    /* set by ocirl__changes_resolve(), when asked for */
	bool in_output;
} change;

struct ocirl_changes {
	change *items;
	size_t count;
	size_t cap;
	bool want_pointers;
};

void ocirl_changes_want_pointers(ocirl_changes *changes)
{
	if (changes)
		changes->want_pointers = true;
}

bool ocirl__changes_wants_pointers(const ocirl_changes *changes)
{
	return changes && changes->want_pointers;
}

ocirl_change_kind ocirl_changes_kind(const ocirl_changes *changes, size_t i)
{
	return changes && i < changes->count ? changes->items[i].kind : OCIRL_CHANGE_CHANGED;
}

const char *ocirl_changes_pointer(const ocirl_changes *changes, size_t i)
{
	return changes && i < changes->count ? changes->items[i].pointer : NULL;
}

bool ocirl_changes_in_output(const ocirl_changes *changes, size_t i)
{
	return changes && i < changes->count && changes->items[i].in_output;
}

const char *ocirl_changes_what(const ocirl_changes *changes, size_t i)
{
	return changes && i < changes->count ? changes->items[i].what : NULL;
}

const char *ocirl_changes_why(const ocirl_changes *changes, size_t i)
{
	return changes && i < changes->count ? changes->items[i].why : NULL;
}

const char *ocirl_change_kind_name(ocirl_change_kind kind)
{
	static const char *const names[] = { "changed", "removed", "added" };
	return ocirl__enum_name(names, OCIRL__N(names), (unsigned)kind);
}

/* The end of WHAT in "WHAT: WHY": the first ": " outside quotes and brackets. */
static size_t what_len(const char *m)
{
	int depth = 0;
	bool quoted = false;
	for (size_t i = 0; m[i]; i++) {
		char c = m[i];
		if (quoted) {
			if (c == '\\' && m[i + 1])
				i++;
			else if (c == '"')
				quoted = false;
		} else if (c == '"')
			quoted = true;
		else if (c == '{' || c == '[' || c == '(')
			depth++;
		else if ((c == '}' || c == ']' || c == ')') && depth > 0)
			depth--;
		else if (c == ':' && m[i + 1] == ' ' && depth == 0)
			return i;
	}
	return strlen(m);
}

int ocirl_changes_new(ocirl_changes **out)
{
	ocirl_changes *c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	*out = c;
	return 0;
}

void ocirl_changes_free(ocirl_changes *changes)
{
	if (!changes)
		return;
	for (size_t i = 0; i < changes->count; i++) {
		free(changes->items[i].where);
		free(changes->items[i].message);
		free(changes->items[i].what);
		free(changes->items[i].key);
		free(changes->items[i].pointer);
	}
	free(changes->items);
	free(changes);
}

size_t ocirl_changes_count(const ocirl_changes *changes)
{
	return changes ? changes->count : 0;
}

const char *ocirl_changes_where(const ocirl_changes *changes, size_t i)
{
	return changes && i < changes->count ? changes->items[i].where : NULL;
}

const char *ocirl_changes_message(const ocirl_changes *changes, size_t i)
{
	return changes && i < changes->count ? changes->items[i].message : NULL;
}

const char *ocirl_changes_rule(const ocirl_changes *changes, size_t i)
{
	return changes && i < changes->count ? changes->items[i].rule : NULL;
}

int ocirl__changes_vadd(ocirl_changes *changes, const char *rule, ocirl_change_kind kind, const struct ocirl_node *at,
			const char *key, const char *where, const char *fmt, va_list ap)
{
	if (!changes)
		return 0;
	if (changes->count == changes->cap) {
		size_t cap = changes->cap ? changes->cap * 2 : 16;
		change *items = realloc(changes->items, cap * sizeof(*items));
		if (!items)
			return -ENOMEM;
		changes->items = items;
		changes->cap = cap;
	}
	char *w = strdup(where), *m = NULL, *what = NULL, *k = key ? strdup(key) : NULL;
	int r = vasprintf(&m, fmt, ap);
	if (r < 0)
		m = NULL;
	size_t n = m ? what_len(m) : 0;
	if (m)
		what = strndup(m, n);
	if (!w || !m || !what || (key && !k)) {
		free(w);
		free(m);
		free(what);
		free(k);
		return -ENOMEM;
	}
	changes->items[changes->count++] = (change){
		.where = w, .message = m, .what = what, .why = m[n] ? m + n + 2 : m + n,
		.rule = rule, .kind = kind, .at = at, .key = k,
	};
	return 0;
}

static void put_member(ocirl_buf *b, const char *key, const char *value, bool first)
{
	if (!first)
		ocirl__buf_addc(b, ',');
	ocirl__json_put_string(b, key, strlen(key));
	ocirl__buf_addc(b, ':');
	if (value)
		ocirl__json_put_string(b, value, strlen(value));
	else
		ocirl__buf_adds(b, "null");
}

void ocirl__changes_json(ocirl_buf *b, const ocirl_changes *changes, size_t i)
{
	if (!changes || i >= changes->count)
		return;
	const change *c = &changes->items[i];
	ocirl__buf_addc(b, '{');
	put_member(b, "rule", c->rule, true);
	put_member(b, "change", ocirl_change_kind_name(c->kind), false);
	put_member(b, "pointer", c->pointer, false);
	put_member(b, "in", c->pointer ? (c->in_output ? "output" : "input") : NULL, false);
	put_member(b, "place", c->where, false);
	put_member(b, "what", c->what, false);
	put_member(b, "why", c->why, false);
	ocirl__buf_addc(b, '}');
}

int ocirl__changes_resolve(ocirl_changes *changes, const ocirl_ptrmap *in, const ocirl_ptrmap *out)
{
	for (size_t i = 0; changes && i < changes->count; i++) {
		change *c = &changes->items[i];
		const ocirl_ptrmap *first = c->kind == OCIRL_CHANGE_ADDED ? out : in;
		const ocirl_ptrmap *second = first == out ? in : out;
		const char *base = ocirl__ptrmap_get(first, c->at);
		bool output = first == out;
		if (!base) {
			base = ocirl__ptrmap_get(second, c->at);
			output = second == out;
		}
		c->at = NULL; /* the tree may go: only the pointer stays */
		if (!base)
			continue;
		ocirl_buf b = { 0 };
		ocirl__buf_adds(&b, base);
		if (c->key)
			ocirl__pointer_append(&b, c->key, strlen(c->key));
		if (b.failed || !b.data) {
			free(b.data);
			if (!b.failed && !b.data && (c->pointer = strdup("")))
				continue;
			return -ENOMEM;
		}
		free(c->pointer);
		c->pointer = b.data;
		c->in_output = output;
	}
	return 0;
}
