/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The public API's json-c trees, bridged to the library's own (tree.h):
 * ocirl_config_parse() parses into a tree and builds json-c objects from it,
 * ocirl_config_convert() and ocirl_config_serialize() copy a json-c tree into
 * one and work on that. ocirl_buffer_convert() (the CLI, the wrapper) never
 * comes here.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "internal.h"
#include "tree.h"

/* ---- tree -> json-c ---- */

static struct json_object *to_jsonc(const ocirl_node *n, bool *nomem)
{
	struct json_object *o = NULL;
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
	case OCIRL_NODE_ARRAY:
		if (!(o = json_object_new_array_ext((int)n->arr.n)))
			break;
		for (size_t i = 0; i < n->arr.n && !*nomem; i++) {
			struct json_object *v = to_jsonc(n->arr.items[i], nomem);
			if (!*nomem && json_object_array_add(o, v) < 0) {
				json_object_put(v);
				*nomem = true;
			}
		}
		break;
	case OCIRL_NODE_RAW: {
		/* not made by ocirl_config_parse(), which keeps no text: for completeness */
		ocirl_tree *t = NULL;
		char *text = NULL;
		if (ocirl__raw_parse(&t, &text, n) == 0)
			o = to_jsonc(ocirl__tree_root(t)->obj.m[0].val, nomem);
		ocirl__tree_free(t);
		free(text);
		if (!o && !*nomem)
			return NULL; /* a JSON null */
		break;
	}
	case OCIRL_NODE_OBJECT:
		if (!(o = json_object_new_object()))
			break;
		for (size_t i = 0; i < n->obj.n && !*nomem; i++) {
			struct json_object *v = to_jsonc(n->obj.m[i].val, nomem);
			if (!*nomem && json_object_object_add(o, n->obj.m[i].key, v) < 0) {
				json_object_put(v);
				*nomem = true;
			}
		}
		break;
	}
	if (!o || *nomem) {
		*nomem = true;
		json_object_put(o);
		return NULL;
	}
	return o;
}

/* ---- json-c -> tree ---- */

static int from_jsonc(ocirl_tree *t, struct json_object *o, unsigned depth, ocirl_node **out, ocirl_error **err)
{
	ocirl_node *n = NULL;
	if (depth > OCIRL_MAX_DEPTH)
		return ocirl__error_set(err, OCIRL_ERROR_INPUT, EINVAL,
					"the config is nested deeper than the limit of %d levels", OCIRL_MAX_DEPTH);
	switch (json_object_get_type(o)) {
	case json_type_null:
		n = ocirl__node_new(t, OCIRL_NODE_NULL);
		break;
	case json_type_boolean:
		if ((n = ocirl__node_new(t, OCIRL_NODE_BOOL)))
			n->flag = json_object_get_boolean(o);
		break;
	case json_type_int: {
		int64_t v = json_object_get_int64(o);
		n = v == INT64_MAX ? ocirl__node_new_uint(t, json_object_get_uint64(o)) : ocirl__node_new_int(t, v);
		break;
	}
	case json_type_double: {
		/* the text json-c writes: the one read, for a parsed double */
		const char *text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
		if (!text)
			return ocirl__error_nomem(err);
		if ((n = ocirl__node_new(t, OCIRL_NODE_DOUBLE))) {
			n->raw_len = strlen(text);
			if (!(n->raw = ocirl__tree_strndup(t, text, n->raw_len)))
				n = NULL;
		}
		break;
	}
	case json_type_string: {
		size_t len = (size_t)json_object_get_string_len(o);
		const char *s = json_object_get_string(o);
		if ((n = ocirl__node_new(t, OCIRL_NODE_STRING))) {
			n->str.len = len;
			n->flag = memchr(s, '\0', len) != NULL;
			if (!(n->str.s = ocirl__tree_strndup(t, s, len)))
				n = NULL;
		}
		break;
	}
	case json_type_array: {
		size_t len = json_object_array_length(o);
		if (!(n = ocirl__node_new(t, OCIRL_NODE_ARRAY)))
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
		if (!(n = ocirl__node_new(t, OCIRL_NODE_OBJECT)))
			break;
		json_object_object_foreach(o, key, val)
		{
			ocirl_node *v = NULL;
			int r = from_jsonc(t, val, depth + 1, &v, err);
			if (r < 0)
				return r;
			if (ocirl__node_set(t, n, key, v) < 0)
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
	if (r < 0) {
		ocirl__tree_free(t);
		return r;
	}
	/* The converted members replace config's, in their order: first built,
	 * then swapped in, so that running out of memory while building leaves
	 * config as it was. */
	bool nomem = false;
	struct json_object *conv = to_jsonc(root, &nomem);
	ocirl__tree_free(t);
	if (nomem)
		return ocirl__error_nomem(err);
	while (json_object_object_length(config) > 0) {
		struct lh_entry *e = json_object_get_object(config)->head;
		json_object_object_del(config, (const char *)lh_entry_k(e));
	}
	json_object_object_foreach(conv, key, val)
	{
		if (json_object_object_add(config, key, json_object_get(val)) < 0) {
			json_object_put(val);
			json_object_put(conv);
			return ocirl__error_nomem(err);
		}
	}
	json_object_put(conv);
	return 0;
}
