/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The public API's json-c trees, bridged to the library's own (tree.h):
 * ocirl_config_parse() parses into a tree and builds json-c objects from it,
 * ocirl_config_convert() and ocirl_config_serialize() copy a json-c tree into
 * one and work on that. ocirl_buffer_convert() (the CLI, the wrapper) never
 * comes here.
 *
 * A node copied from a json-c object remembers it (its origin), so that
 * ocirl_config_convert() can change the caller's tree in place: every object
 * and array that stays keeps its identity (a pointer the caller took with
 * json_object_object_get() stays valid), only what the rules made is new.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "internal.h"
#include "tree.h"

/* A node with the json-c object it was copied from (has_origin is set). */
typedef struct {
	ocirl_node node;
	struct json_object *origin; /* NULL for json-c's null */
} origin_node;

static struct json_object *origin_of(const ocirl_node *n)
{
	return ((const origin_node *)n)->origin;
}

/* ---- tree -> json-c ---- */

/* Removes every member of a json-c object, or every item of an array. */
static void jsonc_clear(struct json_object *o)
{
	if (json_object_is_type(o, json_type_array)) {
		size_t n = json_object_array_length(o);
		if (n)
			json_object_array_del_idx(o, 0, n);
		return;
	}
	while (json_object_object_length(o) > 0) {
		struct lh_entry *e = json_object_get_object(o)->head;
		json_object_object_del(o, (const char *)lh_entry_k(e));
	}
}

/*
 * The json-c value of node n, as a new reference. A node copied from a json-c
 * value gives that value back: a scalar as it is (a rule that changes one
 * puts a new node in its place), an object or array brought up to date in
 * place, its members or items replaced by those of n. Anything else is made.
 */
static struct json_object *to_jsonc(const ocirl_node *n, bool *nomem)
{
	struct json_object *o = NULL;
	bool container = n->type == OCIRL_NODE_OBJECT || n->type == OCIRL_NODE_ARRAY;
	if (n->has_origin && !container)
		return json_object_get(origin_of(n)); /* NULL for null */
	bool reuse = n->has_origin;
	switch (n->type) {
	case OCIRL_NODE_NULL:
		return NULL; /* json-c's null */
	case OCIRL_NODE_BOOL:
		o = json_object_new_boolean(n->flag);
		break;
	case OCIRL_NODE_INT:
		o = n->flag ? json_object_new_uint64(n->u) : json_object_new_int64(n->i);
		break;
	case OCIRL_NODE_DOUBLE: {
		/* json-c keeps the text and writes it back as read */
		char *text = strndup(n->raw, n->raw_len);
		if (text)
			o = json_object_new_double_s(strtod(text, NULL), text);
		free(text);
		break;
	}
	case OCIRL_NODE_STRING:
		o = json_object_new_string_len(n->str.s, (int)n->str.len);
		break;
	case OCIRL_NODE_RAW: {
		/* not made by ocirl_config_parse(), which keeps no text: for completeness */
		ocirl_tree *t = NULL;
		char *text = NULL;
		if (ocirl__raw_parse(&t, &text, n) < 0) {
			*nomem = true;
			return NULL;
		}
		const ocirl_node *v = ocirl__tree_root(t)->obj.m[0].val;
		o = to_jsonc(v, nomem);
		ocirl__tree_free(t);
		free(text);
		return o;
	}
	case OCIRL_NODE_ARRAY:
	case OCIRL_NODE_OBJECT: {
		bool obj = n->type == OCIRL_NODE_OBJECT;
		size_t k = obj ? n->obj.n : n->arr.n;
		/* the new values first: the old ones may be among them */
		struct json_object **vals = calloc(k ? k : 1, sizeof(*vals));
		if (!vals) {
			*nomem = true;
			return NULL;
		}
		for (size_t i = 0; i < k && !*nomem; i++)
			vals[i] = to_jsonc(obj ? n->obj.m[i].val : n->arr.items[i], nomem);
		if (!*nomem) {
			if (reuse) {
				o = json_object_get(origin_of(n));
				jsonc_clear(o);
			} else
				o = obj ? json_object_new_object() : json_object_new_array_ext((int)k);
		}
		for (size_t i = 0; i < k; i++) {
			int r = -1;
			if (o && !*nomem)
				r = obj ? json_object_object_add(o, n->obj.m[i].key, vals[i])
					: json_object_array_add(o, vals[i]);
			if (r < 0) {
				json_object_put(vals[i]);
				*nomem = true;
			}
		}
		free(vals);
		break;
	}
	}
	if (!o || *nomem) {
		*nomem = true;
		json_object_put(o);
		return NULL;
	}
	return o;
}

/* ---- json-c -> tree ---- */

static ocirl_node *node_from(ocirl_tree *t, ocirl_node_type type, struct json_object *origin)
{
	origin_node *o = ocirl__tree_alloc(t, sizeof(*o));
	if (!o)
		return NULL;
	o->node = (ocirl_node){ .type = (uint8_t)type, .has_origin = true };
	o->origin = origin;
	return &o->node;
}

static int from_jsonc(ocirl_tree *t, struct json_object *o, unsigned depth, ocirl_node **out, ocirl_error **err)
{
	ocirl_node *n = NULL;
	if (depth > OCIRL_MAX_DEPTH)
		return ocirl__error_set(err, OCIRL_ERROR_INPUT, EINVAL,
					"the config is nested deeper than the limit of %d levels", OCIRL_MAX_DEPTH);
	switch (json_object_get_type(o)) {
	case json_type_null:
		n = node_from(t, OCIRL_NODE_NULL, o);
		break;
	case json_type_boolean:
		if ((n = node_from(t, OCIRL_NODE_BOOL, o)))
			n->flag = json_object_get_boolean(o);
		break;
	case json_type_int: {
		int64_t v = json_object_get_int64(o);
		if ((n = node_from(t, OCIRL_NODE_INT, o))) {
			if (v == INT64_MAX && json_object_get_uint64(o) > INT64_MAX) {
				n->flag = true;
				n->u = json_object_get_uint64(o);
			} else
				n->i = v;
		}
		break;
	}
	case json_type_double: {
		/* the text json-c writes: the one read, for a parsed double */
		const char *text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
		if (!text)
			return ocirl__error_nomem(err);
		if ((n = node_from(t, OCIRL_NODE_DOUBLE, o))) {
			n->raw_len = (uint32_t)strlen(text);
			if (!(n->raw = ocirl__tree_strndup(t, text, n->raw_len)))
				n = NULL;
		}
		break;
	}
	case json_type_string: {
		size_t len = (size_t)json_object_get_string_len(o);
		const char *s = json_object_get_string(o);
		if ((n = node_from(t, OCIRL_NODE_STRING, o))) {
			n->str.len = (uint32_t)len;
			n->flag = memchr(s, '\0', len) != NULL;
			if (!(n->str.s = ocirl__tree_strndup(t, s, len)))
				n = NULL;
		}
		break;
	}
	case json_type_array: {
		size_t len = json_object_array_length(o);
		if (!(n = node_from(t, OCIRL_NODE_ARRAY, o)))
			break;
		for (size_t i = 0; i < len; i++) {
			ocirl_node *v = NULL;
			int r = from_jsonc(t, json_object_array_get_idx(o, i), depth + 1, &v, err);
			if (r < 0)
				return r;
			if (ocirl__node_append(t, n, v) < 0)
				return ocirl__error_nomem(err);
		}
		break;
	}
	case json_type_object:
		if (!(n = node_from(t, OCIRL_NODE_OBJECT, o)))
			break;
		json_object_object_foreach(o, key, val)
		{
			ocirl_node *v = NULL;
			int r = from_jsonc(t, val, depth + 1, &v, err);
			if (r < 0)
				return r;
			/* appended: json-c keys are unique already */
			if (ocirl__node_add(t, n, key, v) < 0)
				return ocirl__error_nomem(err);
		}
		break;
	}
	if (!n)
		return ocirl__error_nomem(err);
	*out = n;
	return 0;
}

/* ---- the public API ---- */

int ocirl_config_parse(struct json_object **out, const char *data, size_t len, const char *name,
		       ocirl_error **err)
{
	ocirl_tree *t = NULL;
	int r = ocirl__json_parse(&t, data, len, name, 0, err);
	if (r < 0)
		return r;
	bool nomem = false;
	struct json_object *o = to_jsonc(ocirl__tree_root(t), &nomem);
	ocirl__tree_free(t);
	if (nomem)
		return ocirl__error_nomem(err);
	*out = o;
	return 0;
}

int ocirl_config_serialize(char **out, size_t *out_len, struct json_object *config, ocirl_style style,
			   const char *indent, int final_newline, ocirl_error **err)
{
	ocirl_tree *t = ocirl__tree_new();
	ocirl_node *root;
	if (!t)
		return ocirl__error_nomem(err);
	int r = from_jsonc(t, config, 0, &root, err);
	if (r == 0)
		r = ocirl__json_write(out, out_len, root, style, indent, final_newline, 0, err);
	ocirl__tree_free(t);
	return r;
}

int ocirl_config_convert(ocirl_changes *changes, struct json_object *config, const ocirl_context *ctx,
			 ocirl_error **err)
{
	if (!config || !json_object_is_type(config, json_type_object))
		return ocirl__error_set(err, OCIRL_ERROR_INPUT, EINVAL, "the config must be a JSON object");
	ocirl_tree *t = ocirl__tree_new();
	ocirl_node *root;
	if (!t)
		return ocirl__error_nomem(err);
	int r = from_jsonc(t, config, 0, &root, err);
	if (r == 0)
		r = ocirl__tree_convert(changes, t, root, ctx, err);
	if (r == 0) {
		/* config is root's origin: brought up to date in place */
		bool nomem = false;
		json_object_put(to_jsonc(root, &nomem));
		if (nomem)
			r = ocirl__error_nomem(err);
	}
	ocirl__tree_free(t);
	return r;
}
