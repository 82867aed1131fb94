/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The library's own JSON tree, the one the rules work on (lib/rules/).
 *
 * Why not json-c's objects: a json-c object is one malloc() plus a 16-bucket
 * hash table, every key a strdup(), every value its own allocation, and the
 * whole tree is freed node by node; on a config with many mounts that was
 * most of the time (bench/results.md). Here every node, key and string of a
 * tree lives in one arena freed at once, unchanged strings and numbers point
 * at their text in the input, and the writer copies that text as it was.
 * json-c stays the tree of the public API: lib/jsonc.c converts both ways.
 *
 * Objects keep their members in order, in an array searched linearly (a
 * config's objects are small; a rule looks up a few fixed keys). Nodes are
 * never freed one by one: a removed node stays in the arena until the tree
 * goes, and a node may be referenced from two places while a rule builds a
 * new array out of an old one.
 */
#ifndef OCIRL_TREE_H
#define OCIRL_TREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "oci-rootless.h"

typedef enum {
	OCIRL_NODE_NULL,
	OCIRL_NODE_BOOL,
	OCIRL_NODE_INT,    /* an integer in [-2^63, 2^64) */
	OCIRL_NODE_DOUBLE, /* any other number (a fraction, an exponent, -0): only its text is kept */
	OCIRL_NODE_STRING,
	OCIRL_NODE_ARRAY,
	OCIRL_NODE_OBJECT,
	/* A container no rule reads (see ocirl__rules_read()), checked but kept
	 * as its text in raw; flag: the text holds white space between tokens. */
	OCIRL_NODE_RAW,
} ocirl_node_type;

typedef struct ocirl_node ocirl_node;
typedef struct ocirl_tree ocirl_tree;

/* Sizes are 32-bit (a config is at most 2 GiB: ocirl__json_parse() refuses
 * more), so that a node takes 32 bytes and a member 32. */
typedef struct {
	const char *key;     /* decoded, NUL-terminated (keys hold no \u0000) */
	const char *raw_key; /* its JSON text with the quotes, NULL when made by a rule */
	ocirl_node *val;
	uint32_t key_len;
	uint32_t raw_key_len;
} ocirl_member;

struct ocirl_node {
	uint8_t type;    /* ocirl_node_type */
	bool flag;       /* BOOL: its value; INT: above INT64_MAX (read u); STRING: holds a \u0000 */
	bool has_origin; /* copied from a json-c value, which follows the node (lib/jsonc.c) */
	uint32_t raw_len;
	const char *raw; /* STRING, INT, DOUBLE: the text as read (a string with its quotes); NULL when made */
	union {
		struct {
			const char *s; /* decoded, NUL-terminated */
			uint32_t len;
		} str;
		int64_t i; /* INT, unless flag */
		uint64_t u; /* INT with flag */
		struct {
			ocirl_node **items;
			uint32_t n, cap;
		} arr;
		struct {
			ocirl_member *m;
			uint32_t n, cap;
		} obj;
	};
};

/* ---- the arena ---- */

/* A new empty tree (no root yet); NULL when out of memory. */
ocirl_tree *ocirl__tree_new(void);
/* Frees the tree and every node in it; NULL is allowed. */
void ocirl__tree_free(ocirl_tree *t);
/* The arena's blocks (the struct is here so that allocating inlines). */
typedef struct ocirl_tree_block {
	struct ocirl_tree_block *next;
	size_t size, used;
	_Alignas(16) unsigned char data[];
} ocirl_tree_block;

struct ocirl_tree {
	ocirl_tree_block *head; /* the block being filled; older ones follow */
	size_t next_size;
	ocirl_node *root;
};

#define OCIRL_TREE_ALIGN ((size_t)8)

void *ocirl__tree_alloc_slow(ocirl_tree *t, size_t size);

/* size bytes from the arena, aligned for any node; NULL when out of memory. */
static inline void *ocirl__tree_alloc(ocirl_tree *t, size_t size)
{
	ocirl_tree_block *b = t->head;
	size_t n = (size + OCIRL_TREE_ALIGN - 1) & ~(OCIRL_TREE_ALIGN - 1);
	if (b && n >= size && b->size - b->used >= n) {
		void *p = b->data + b->used;
		b->used += n;
		return p;
	}
	return ocirl__tree_alloc_slow(t, size);
}

/* A NUL-terminated copy of s[0..n) in the arena. */
static inline char *ocirl__tree_strndup(ocirl_tree *t, const char *s, size_t n)
{
	char *d = ocirl__tree_alloc(t, n + 1);
	if (d) {
		memcpy(d, s, n);
		d[n] = '\0';
	}
	return d;
}
ocirl_node *ocirl__tree_root(const ocirl_tree *t);
void ocirl__tree_set_root(ocirl_tree *t, ocirl_node *root);

/* ---- making nodes (NULL when out of memory) ---- */
ocirl_node *ocirl__node_new(ocirl_tree *t, ocirl_node_type type);
ocirl_node *ocirl__node_new_string(ocirl_tree *t, const char *s); /* copies s */
ocirl_node *ocirl__node_new_int(ocirl_tree *t, int64_t v);
ocirl_node *ocirl__node_new_uint(ocirl_tree *t, uint64_t v);

/* ---- reading ---- */

static inline bool ocirl__node_is(const ocirl_node *n, ocirl_node_type type)
{
	return n && n->type == type;
}

/* The index of obj.key in obj->obj.m, or -1. Inline: the rules look up
 * literal keys, whose length the compiler knows. */
static inline __attribute__((always_inline)) long ocirl__node_find(const ocirl_node *obj, const char *key)
{
	if (!ocirl__node_is(obj, OCIRL_NODE_OBJECT))
		return -1;
	size_t len = strlen(key);
	for (uint32_t i = 0; i < obj->obj.n; i++) {
		const ocirl_member *m = &obj->obj.m[i];
		if (m->key_len == len && m->key[0] == key[0] && memcmp(m->key, key, len) == 0)
			return (long)i;
	}
	return -1;
}

/* The member key of obj, or NULL (also when obj is NULL or not an object).
 * JSON null comes back as a node of type OCIRL_NODE_NULL. */
static inline __attribute__((always_inline)) ocirl_node *ocirl__node_get(const ocirl_node *obj, const char *key)
{
	long i = ocirl__node_find(obj, key);
	return i < 0 ? NULL : obj->obj.m[i].val;
}
/* The number of items of an array (0 for anything else). */
static inline size_t ocirl__node_len(const ocirl_node *arr)
{
	return ocirl__node_is(arr, OCIRL_NODE_ARRAY) ? arr->arr.n : 0;
}
static inline ocirl_node *ocirl__node_at(const ocirl_node *arr, size_t i)
{
	return i < ocirl__node_len(arr) ? arr->arr.items[i] : NULL;
}
/* The value of a string node, or NULL. */
static inline const char *ocirl__node_str(const ocirl_node *n)
{
	return ocirl__node_is(n, OCIRL_NODE_STRING) ? n->str.s : NULL;
}
/* Deep equality: objects regardless of member order, numbers by value
 * (doubles by their text). */
bool ocirl__node_equal(const ocirl_node *a, const ocirl_node *b);

/* ---- changing (-1 when out of memory) ---- */

/* Sets obj.key to val: in its place when key is there, else at the end. */
int ocirl__node_set(ocirl_tree *t, ocirl_node *obj, const char *key, ocirl_node *val);
/* Appends key: val to obj, without looking for key first (the caller knows
 * it is not there). */
int ocirl__node_add(ocirl_tree *t, ocirl_node *obj, const char *key, ocirl_node *val);
/* Removes obj.key; false when it was not there. */
bool ocirl__node_del(ocirl_node *obj, const char *key);
int ocirl__node_append(ocirl_tree *t, ocirl_node *arr, ocirl_node *val);
void ocirl__node_remove_at(ocirl_node *arr, size_t i);

/* ---- text (lib/json.c) ---- */

/* Flags of ocirl__json_parse(). */
enum {
	/* Containers no rule reads (ocirl__rules_read()) are checked as
	 * everything else but become OCIRL_NODE_RAW nodes, not trees: a
	 * Docker or Podman config is half seccomp profile. */
	OCIRL__PARSE_SKIP = 1 << 0,
};

/* Parses data as ocirl_config_parse() documents into a new tree *out. Its
 * strings and numbers point at their text in data (raw), which must outlive
 * the tree. */
int ocirl__json_parse(ocirl_tree **out, const char *data, size_t len, const char *name, unsigned flags,
		      ocirl_error **err);
/* Writes the tree at root as ocirl_config_serialize() does; what has raw text
 * is written as read. size_hint: the expected size (the input's). */
int ocirl__json_write(char **out, size_t *out_len, const ocirl_node *root, ocirl_style style, const char *indent,
		      int final_newline, size_t size_hint, ocirl_error **err);

/* ---- the rules (lib/rules/) ---- */

/* Whether a rule reads the member key of the root object (parent NULL) or of
 * the root's member parent: made from the fields every rule lists in its
 * reads (lib/rules/driver.c), so a member no rule names is kept as text.
 * Under a parent whose members no rule names one by one, every key counts
 * as read (the parent is read whole). */
bool ocirl__rules_read(const char *parent, const char *key);

/* A tree of the raw text of node (OCIRL_NODE_RAW) into *out, whose root is
 * an object with the value as its only member; free it with
 * ocirl__tree_free(), and *text (which it points into) with free(). */
int ocirl__raw_parse(ocirl_tree **out, char **text, const ocirl_node *node);

/* ocirl_config_convert() on a tree: config is its root object. */
int ocirl__tree_convert(ocirl_changes *changes, ocirl_tree *t, ocirl_node *config, const ocirl_context *ctx,
			ocirl_error **err);

#endif
