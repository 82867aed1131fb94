/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The driver: runs the table of rules (registry.c) on a tree.
 *
 * The fields the rules read (each rule's reads) are merged into one
 * schema, a tree of the members and items the rules look at, with the type
 * each needs and which rules need it. From it come both the type checks of
 * a conversion (one walk of the config, before any rule runs) and what the
 * fast parser must build nodes for (ocirl__rules_read()).
 *
 * The merge runs at build time: schema-gen.c, linked with this file built
 * without OCIRL_SCHEMA_TABLE, writes the merged schema as C
 * (schema-table.h), which the library includes; a table whose fields cannot
 * be merged fails the build. Merging at every start would cost a quarter of
 * the instructions of converting a runc spec.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "rule.h"

/* ---- the schema ---- */

#define SCHEMA_MAX 160     /* nodes: the rules read about 60 fields */
#define SCHEMA_KEYS 4096   /* bytes of keys */
#define SCHEMA_DEPTH 16

typedef struct {
	const char *key;   /* a member; NULL for the items of an array */
	ocirl_field_type type;
	uint64_t typed;    /* the rules that need that type (explicitly or as a parent) */
	uint64_t required; /* the rules that need it present */
	uint16_t child, next; /* first child and next sibling; 0 for none (0 is the root) */
} schema_node;

static const char *type_name(ocirl_field_type t)
{
	switch (t) {
	case OCIRL_FIELD_OBJECT: return "an object";
	case OCIRL_FIELD_ARRAY: return "an array";
	case OCIRL_FIELD_STRING: return "a string";
	case OCIRL_FIELD_INT: return "an integer";
	case OCIRL_FIELD_UINT32: return "an integer from 0 to 4294967295";
	case OCIRL_FIELD_UINT64: return "an integer from 0 to 18446744073709551615";
	default: return "a value";
	}
}

#ifdef OCIRL_SCHEMA_TABLE

/* static const struct { schema_node n[]; size_t count; } schema */
#include "schema-table.h"

#else /* the merge, for schema-gen.c */

static struct {
	schema_node n[SCHEMA_MAX];
	size_t count;
	char keys[SCHEMA_KEYS];
	size_t keys_used;
	char error[256]; /* a table that cannot be merged: "" when fine */
} schema;

static pthread_once_t schema_once = PTHREAD_ONCE_INIT;

static bool schema_fail(const ocirl_rule *rule, const char *path, const char *what)
{
	if (!schema.error[0])
		snprintf(schema.error, sizeof(schema.error), "rule %s: field \"%s\": %s", rule->name, path, what);
	return false;
}

/* The child of node parent with that key (NULL: the items), made when missing. */
static int schema_child(int parent, const char *key, size_t len)
{
	int last = 0;
	for (int c = schema.n[parent].child; c; c = schema.n[c].next) {
		const char *k = schema.n[c].key;
		if ((!key && !k) || (key && k && strlen(k) == len && memcmp(k, key, len) == 0))
			return c;
		last = c;
	}
	if (schema.count == SCHEMA_MAX || (key && schema.keys_used + len + 1 > SCHEMA_KEYS))
		return -1;
	int c = (int)schema.count++;
	schema_node *n = &schema.n[c];
	if (key) {
		char *k = schema.keys + schema.keys_used;
		memcpy(k, key, len);
		k[len] = '\0';
		schema.keys_used += len + 1;
		n->key = k;
	}
	if (last)
		schema.n[last].next = (uint16_t)c;
	else
		schema.n[parent].child = (uint16_t)c;
	return c;
}

static bool schema_type(int node, ocirl_field_type type, uint64_t rule_bit, const ocirl_rule *rule, const char *path)
{
	schema_node *n = &schema.n[node];
	if (type == OCIRL_FIELD_ANY)
		return true;
	if (n->type != OCIRL_FIELD_ANY && n->type != type)
		return schema_fail(rule, path, "its type differs from another rule's");
	n->type = type;
	n->typed |= rule_bit;
	return true;
}

static bool schema_add(const ocirl_rule *rule, uint64_t rule_bit, const ocirl_field *f)
{
	const char *p = f->path;
	int node = 0;
	while (*p) {
		const char *key = NULL;
		size_t len = 0;
		if (p[0] == '[' && p[1] == ']') {
			p += 2;
		} else if (p[0] == '[') {
			const char *end = strchr(p, ']');
			if (!end || end == p + 1)
				return schema_fail(rule, f->path, "a [ without its ]");
			key = p + 1;
			len = (size_t)(end - key);
			p = end + 1;
		} else {
			key = p;
			len = strcspn(p, ".[");
			if (!len)
				return schema_fail(rule, f->path, "an empty key");
			p += len;
		}
		/* a dot only between keys */
		if (*p == '.' && (!p[1] || p[1] == '.' || p[1] == '['))
			return schema_fail(rule, f->path, "a dot without a key after it");
		if (*p == '.')
			p++;
		if (!key && node == 0)
			return schema_fail(rule, f->path, "the config is an object, not an array");
		/* the parent of this step is an object for a key, an array for [] */
		if (!schema_type(node, key ? OCIRL_FIELD_OBJECT : OCIRL_FIELD_ARRAY, node ? rule_bit : 0, rule, f->path))
			return false;
		if ((node = schema_child(node, key, len)) < 0)
			return schema_fail(rule, f->path, "the schema is full (raise SCHEMA_MAX or SCHEMA_KEYS)");
	}
	if (!node)
		return schema_fail(rule, f->path, "an empty path");
	if (!schema_type(node, f->type, rule_bit, rule, f->path))
		return false;
	if (f->flags & OCIRL_FIELD_REQUIRED)
		schema.n[node].required |= rule_bit;
	return true;
}

static void schema_build(void)
{
	schema.count = 1; /* the root */
	schema.n[0].type = OCIRL_FIELD_OBJECT;
	if (ocirl__rules_n > 64) {
		snprintf(schema.error, sizeof(schema.error), "more than 64 rules");
		return;
	}
	for (size_t i = 0; i < ocirl__rules_n; i++) {
		const ocirl_rule *rule = ocirl__rules[i];
		for (const ocirl_field *f = rule->reads; f && f->path; f++)
			if (!schema_add(rule, (uint64_t)1 << i, f))
				return;
	}
}

/* What is wrong with the table of rules (fields that cannot be merged), or
 * NULL. */
static const char *schema_error(void)
{
	pthread_once(&schema_once, schema_build);
	return schema.error[0] ? schema.error : NULL;
}

static const char *const field_type_names[] = {
	"OCIRL_FIELD_ANY", "OCIRL_FIELD_OBJECT", "OCIRL_FIELD_ARRAY", "OCIRL_FIELD_STRING",
	"OCIRL_FIELD_INT", "OCIRL_FIELD_UINT32", "OCIRL_FIELD_UINT64",
};

int ocirl__rules_schema_write(FILE *f)
{
	const char *e = schema_error();
	if (e) {
		fprintf(stderr, "the table of rules cannot be merged: %s\n", e);
		return -1;
	}
	fprintf(f, "/* Made by lib/rules/schema-gen.c from the rules' fields: do not edit. */\n"
		   "static const struct {\n\tschema_node n[%zu];\n\tsize_t count;\n} schema = {\n\t{\n",
		schema.count);
	for (size_t i = 0; i < schema.count; i++) {
		const schema_node *n = &schema.n[i];
		fprintf(f, "\t\t{ %s%s%s, %s, 0x%" PRIx64 ", 0x%" PRIx64 ", %u, %u },\n", n->key ? "\"" : "",
			n->key ? n->key : "NULL", n->key ? "\"" : "", field_type_names[n->type], n->typed, n->required,
			(unsigned)n->child, (unsigned)n->next);
	}
	fprintf(f, "\t},\n\t%zu,\n};\n", schema.count);
	return ferror(f) ? -1 : 0;
}

#endif /* OCIRL_SCHEMA_TABLE */

static int schema_find(int parent, const char *key)
{
	for (int c = schema.n[parent].child; c; c = schema.n[c].next)
		if (schema.n[c].key && strcmp(schema.n[c].key, key) == 0)
			return c;
	return -1;
}

bool ocirl__rules_read(const char *parent, const char *key)
{
#ifndef OCIRL_SCHEMA_TABLE
	pthread_once(&schema_once, schema_build);
#endif
	int node = 0;
	if (parent) {
		node = schema_find(0, parent);
		if (node < 0 || !schema.n[node].child)
			return true; /* not looked into: read whole */
	}
	return schema_find(node, key) >= 0;
}

/* ---- the type checks ---- */

typedef struct {
	uint64_t active;
	ocirl_error **err;
	/* the place: a key, or an index when key is NULL */
	struct {
		const char *key;
		size_t index;
	} at[SCHEMA_DEPTH];
	size_t depth;
} walker;

/* Fails with "PLACE: WHAT". */
static int fail(walker *w, const char *what)
{
	ocirl_buf b = { 0 };
	for (size_t i = 0; i < w->depth; i++) {
		if (w->at[i].key)
			ocirl__buf_printf(&b, "%s%s", i ? "." : "", w->at[i].key);
		else
			ocirl__buf_printf(&b, "[%zu]", w->at[i].index);
	}
	int r = ocirl__error_set(w->err, OCIRL_ERROR_INPUT, EINVAL, "%s: %s", b.failed || !b.data ? "?" : b.data, what);
	free(b.data);
	return r;
}

static int fail_type(walker *w, ocirl_field_type t)
{
	char what[64];
	snprintf(what, sizeof(what), "expected %s", type_name(t));
	return fail(w, what);
}

static bool has_type(const ocirl_node *v, ocirl_field_type t)
{
	uint64_t u;
	switch (t) {
	case OCIRL_FIELD_OBJECT: return ocirl__node_is(v, OCIRL_NODE_OBJECT);
	case OCIRL_FIELD_ARRAY: return ocirl__node_is(v, OCIRL_NODE_ARRAY);
	case OCIRL_FIELD_STRING: return ocirl__node_is(v, OCIRL_NODE_STRING);
	case OCIRL_FIELD_INT: return ocirl__node_is(v, OCIRL_NODE_INT);
	case OCIRL_FIELD_UINT32: return ocirl__rule_uint(v, UINT32_MAX, &u);
	case OCIRL_FIELD_UINT64: return ocirl__rule_uint(v, UINT64_MAX, &u);
	default: return true;
	}
}

/* v (present) against schema node s; w->at[w->depth - 1] is its place. */
static int check_value(walker *w, int s, const ocirl_node *v)
{
	const schema_node *n = &schema.n[s];
	ocirl_field_type t = (n->typed & w->active) || s == 0 ? n->type : OCIRL_FIELD_ANY;
	if (!has_type(v, t))
		return fail_type(w, t);
	/* only an escape (\u0000) can put a NUL in a string: flag */
	if (t == OCIRL_FIELD_STRING && v->flag)
		return fail(w, "a \\u0000 in this string is not allowed");
	if (!n->child || w->depth == SCHEMA_DEPTH)
		return 0;
	int r;
	if (v->type == OCIRL_NODE_OBJECT) {
		for (int c = n->child; c; c = schema.n[c].next) {
			const schema_node *cn = &schema.n[c];
			if (!cn->key)
				continue;
			ocirl_node *cv = rule_get(v, cn->key);
			if (!cv && !(cn->required & w->active))
				continue;
			w->at[w->depth].key = cn->key;
			w->depth++;
			r = cv ? check_value(w, c, cv) : fail_type(w, cn->type);
			w->depth--;
			if (r < 0)
				return r;
		}
	} else if (v->type == OCIRL_NODE_ARRAY) {
		int c = n->child;
		while (c && schema.n[c].key)
			c = schema.n[c].next;
		if (!c)
			return 0;
		w->at[w->depth].key = NULL;
		w->depth++;
		for (size_t i = 0; i < v->arr.n; i++) {
			w->at[w->depth - 1].index = i;
			if ((r = check_value(w, c, v->arr.items[i])) < 0) {
				w->depth--;
				return r;
			}
		}
		w->depth--;
	}
	return 0;
}

/* ---- the conversion ---- */

/* The rules that run for this context: not skipped, and made for its mode. */
static uint64_t active_rules(const ocirl_context *ctx)
{
	uint64_t active = 0;
	for (size_t i = 0; i < ocirl__rules_n; i++) {
		const ocirl_rule *rule = ocirl__rules[i];
		if (ctx->skip & ((uint64_t)1 << i))
			continue;
		if (rule->modes && !(rule->modes & OCIRL_RULE_MODE(ctx->maps->mode)))
			continue;
		active |= (uint64_t)1 << i;
	}
	return active;
}

int ocirl__tree_convert(ocirl_changes *changes, ocirl_tree *t, ocirl_node *config, const ocirl_context *ctx,
			ocirl_error **err)
{
	if (!config || !ocirl__node_is(config, OCIRL_NODE_OBJECT))
		return ocirl__error_set(err, OCIRL_ERROR_INPUT, EINVAL, "the config must be a JSON object");
	if (!ctx || !ctx->maps)
		return ocirl__error_set(err, OCIRL_ERROR_USAGE, EINVAL, "no context given");
	uint64_t active = active_rules(ctx);

	walker w = { .active = active, .err = err };
	int r = check_value(&w, 0, config);
	if (r < 0)
		return r;

	ocirl_node *linux_ = rule_get(config, "linux");
	ocirl_rule_env e = {
		.tree = t,
		.config = config,
		.linux_ = ocirl__node_is(linux_, OCIRL_NODE_OBJECT) ? linux_ : NULL,
		.ctx = ctx,
		.maps = ctx->maps,
		.changes = changes,
		.err = err,
	};
	for (size_t i = 0; i < ocirl__rules_n; i++) {
		e.rule = ocirl__rules[i];
		if ((active & ((uint64_t)1 << i)) && e.rule->check && (r = e.rule->check(&e)) < 0)
			return r;
	}
	/* the places of the changes as JSON Pointers, when asked: the input's
	 * nodes before the rules run, the output's after */
	bool pointers = ocirl__changes_wants_pointers(changes);
	ocirl_ptrmap in = { 0 }, out = { 0 };
	if (pointers && ocirl__ptrmap_build(&in, config) < 0) {
		ocirl__ptrmap_free(&in);
		return ocirl__error_nomem(err);
	}
	for (size_t i = 0; i < ocirl__rules_n; i++) {
		e.rule = ocirl__rules[i];
		if ((active & ((uint64_t)1 << i)) && e.rule->apply && (r = e.rule->apply(&e)) < 0) {
			ocirl__ptrmap_free(&in);
			return r;
		}
	}
	if (pointers && (ocirl__ptrmap_build(&out, config) < 0 || ocirl__changes_resolve(changes, &in, &out) < 0))
		r = ocirl__error_nomem(err);
	ocirl__ptrmap_free(&in);
	ocirl__ptrmap_free(&out);
	return r < 0 ? r : 0;
}
