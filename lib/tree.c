/* SPDX-License-Identifier: Apache-2.0 */
/* The library's JSON tree in one arena (see tree.h for why). */
#include <stdlib.h>
#include <string.h>

#include "tree.h"

/* Blocks grow from 8 KiB to 4 MiB, doubling: a small config costs one or two
 * allocations, a huge one a few dozen. */
#define BLOCK_MIN ((size_t)8 << 10)
#define BLOCK_MAX ((size_t)4 << 20)

ocirl_tree *ocirl__tree_new(void)
{
	ocirl_tree *t = calloc(1, sizeof(*t));
	if (t)
		t->next_size = BLOCK_MIN;
	return t;
}

void ocirl__tree_free(ocirl_tree *t)
{
	if (!t)
		return;
	for (ocirl_tree_block *b = t->head, *next; b; b = next) {
		next = b->next;
		free(b);
	}
	free(t);
}

void *ocirl__tree_alloc_slow(ocirl_tree *t, size_t size)
{
	if (size > SIZE_MAX / 2)
		return NULL;
	size = (size + OCIRL_TREE_ALIGN - 1) & ~(OCIRL_TREE_ALIGN - 1);
	ocirl_tree_block *b = t->head;
	if (b && b->size - b->used >= size) {
		void *p = b->data + b->used;
		b->used += size;
		return p;
	}
	size_t want = t->next_size;
	if (size > want / 4) {
		/* a big piece gets a block of its own, behind the current one */
		ocirl_tree_block *big = malloc(sizeof(ocirl_tree_block) + size);
		if (!big)
			return NULL;
		big->size = big->used = size;
		if (b) {
			big->next = b->next;
			b->next = big;
		} else {
			big->next = NULL;
			t->head = big;
		}
		return big->data;
	}
	ocirl_tree_block *nb = malloc(sizeof(ocirl_tree_block) + want);
	if (!nb)
		return NULL;
	nb->size = want;
	nb->used = size;
	nb->next = b;
	t->head = nb;
	if (t->next_size < BLOCK_MAX)
		t->next_size *= 2;
	return nb->data;
}

ocirl_node *ocirl__tree_root(const ocirl_tree *t)
{
	return t->root;
}

void ocirl__tree_set_root(ocirl_tree *t, ocirl_node *root)
{
	t->root = root;
}

ocirl_node *ocirl__node_new(ocirl_tree *t, ocirl_node_type type)
{
	ocirl_node *n = ocirl__tree_alloc(t, sizeof(*n));
	if (n)
		*n = (ocirl_node){ .type = (uint8_t)type };
	return n;
}

ocirl_node *ocirl__node_new_string(ocirl_tree *t, const char *s)
{
	ocirl_node *n = ocirl__node_new(t, OCIRL_NODE_STRING);
	size_t len = strlen(s);
	if (!n || !(n->str.s = ocirl__tree_strndup(t, s, len)))
		return NULL;
	n->str.len = len;
	return n;
}

ocirl_node *ocirl__node_new_int(ocirl_tree *t, int64_t v)
{
	ocirl_node *n = ocirl__node_new(t, OCIRL_NODE_INT);
	if (n)
		n->i = v;
	return n;
}

ocirl_node *ocirl__node_new_uint(ocirl_tree *t, uint64_t v)
{
	if (v <= INT64_MAX)
		return ocirl__node_new_int(t, (int64_t)v);
	ocirl_node *n = ocirl__node_new(t, OCIRL_NODE_INT);
	if (n) {
		n->flag = true;
		n->u = v;
	}
	return n;
}

static bool number_equal(const ocirl_node *a, const ocirl_node *b)
{
	if (a->type == OCIRL_NODE_DOUBLE || b->type == OCIRL_NODE_DOUBLE) {
		if (a->type != b->type)
			return false;
		return a->raw_len == b->raw_len && memcmp(a->raw, b->raw, a->raw_len) == 0;
	}
	if (a->flag != b->flag)
		return false;
	return a->flag ? a->u == b->u : a->i == b->i;
}

bool ocirl__node_equal(const ocirl_node *a, const ocirl_node *b)
{
	if (a == b)
		return true;
	if (!a || !b)
		return false;
	bool num_a = a->type == OCIRL_NODE_INT || a->type == OCIRL_NODE_DOUBLE;
	bool num_b = b->type == OCIRL_NODE_INT || b->type == OCIRL_NODE_DOUBLE;
	if (num_a && num_b)
		return number_equal(a, b);
	if (a->type != b->type)
		return false;
	switch (a->type) {
	case OCIRL_NODE_NULL:
		return true;
	case OCIRL_NODE_BOOL:
		return a->flag == b->flag;
	case OCIRL_NODE_STRING:
		return a->str.len == b->str.len && memcmp(a->str.s, b->str.s, a->str.len) == 0;
	case OCIRL_NODE_ARRAY:
		if (a->arr.n != b->arr.n)
			return false;
		for (size_t i = 0; i < a->arr.n; i++)
			if (!ocirl__node_equal(a->arr.items[i], b->arr.items[i]))
				return false;
		return true;
	case OCIRL_NODE_RAW:
		return a->raw_len == b->raw_len && memcmp(a->raw, b->raw, a->raw_len) == 0;
	case OCIRL_NODE_OBJECT:
		if (a->obj.n != b->obj.n)
			return false;
		for (size_t i = 0; i < a->obj.n; i++)
			if (!ocirl__node_equal(a->obj.m[i].val, ocirl__node_get(b, a->obj.m[i].key)))
				return false;
		return true;
	default:
		return false;
	}
}

/* Room for one more item or member: the old array stays in the arena. */
static void *grow(ocirl_tree *t, void *items, uint32_t n, uint32_t *cap, size_t size)
{
	if (n < *cap)
		return items;
	if (*cap > UINT32_MAX / 2)
		return NULL;
	uint32_t ncap = *cap ? *cap * 2 : 4;
	void *d = ocirl__tree_alloc(t, ncap * size);
	if (!d)
		return NULL;
	if (n)
		memcpy(d, items, n * size);
	*cap = ncap;
	return d;
}

int ocirl__node_add(ocirl_tree *t, ocirl_node *obj, const char *key, ocirl_node *val)
{
	size_t len = strlen(key);
	char *k = ocirl__tree_strndup(t, key, len); /* first: grow() commits the new capacity */
	if (!val || !k || len > UINT32_MAX)
		return -1;
	ocirl_member *m = grow(t, obj->obj.m, obj->obj.n, &obj->obj.cap, sizeof(*m));
	if (!m)
		return -1;
	obj->obj.m = m;
	m[obj->obj.n++] = (ocirl_member){ .key = k, .key_len = (uint32_t)len, .val = val };
	return 0;
}

int ocirl__node_set(ocirl_tree *t, ocirl_node *obj, const char *key, ocirl_node *val)
{
	if (!val)
		return -1;
	long i = ocirl__node_find(obj, key);
	if (i >= 0) {
		obj->obj.m[i].val = val;
		return 0;
	}
	return ocirl__node_add(t, obj, key, val);
}

bool ocirl__node_del(ocirl_node *obj, const char *key)
{
	long i = ocirl__node_find(obj, key);
	if (i < 0)
		return false;
	memmove(&obj->obj.m[i], &obj->obj.m[i + 1], (obj->obj.n - (size_t)i - 1) * sizeof(ocirl_member));
	obj->obj.n--;
	return true;
}

int ocirl__node_append(ocirl_tree *t, ocirl_node *arr, ocirl_node *val)
{
	if (!val)
		return -1;
	ocirl_node **items = grow(t, arr->arr.items, arr->arr.n, &arr->arr.cap, sizeof(*items));
	if (!items)
		return -1;
	arr->arr.items = items;
	items[arr->arr.n++] = val;
	return 0;
}

void ocirl__node_remove_at(ocirl_node *arr, size_t i)
{
	if (i >= arr->arr.n)
		return;
	memmove(&arr->arr.items[i], &arr->arr.items[i + 1], (arr->arr.n - i - 1) * sizeof(ocirl_node *));
	arr->arr.n--;
}
