/* SPDX-License-Identifier: Apache-2.0 */
/*
 * JSON Pointers (RFC 6901) of a tree's nodes, for the places of the changes
 * (ocirl_changes_pointer()): a map from each node to its pointer, made by
 * one walk of the tree before the rules run (the input) and one after (the
 * output). Only made when a list of changes asks for pointers.
 */
#include <stdint.h>
#include <string.h>

#include "internal.h"
#include "tree.h"

void ocirl__pointer_append(ocirl_buf *b, const char *key, size_t len)
{
	ocirl__buf_addc(b, '/');
	for (size_t i = 0; i < len; i++) {
		if (key[i] == '~')
			ocirl__buf_adds(b, "~0");
		else if (key[i] == '/')
			ocirl__buf_adds(b, "~1");
		else
			ocirl__buf_addc(b, key[i]);
	}
}

static size_t slot_of(const ocirl_ptrmap *m, const ocirl_node *n)
{
	uintptr_t h = (uintptr_t)n;
	h ^= h >> 17;
	h *= (uintptr_t)0x9e3779b97f4a7c15ull;
	return (size_t)(h ^ (h >> 29)) & (m->cap - 1);
}

static int put(ocirl_ptrmap *m, const ocirl_node *n, const char *p, size_t len)
{
	if ((m->n + 1) * 2 > m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 256;
		ocirl_ptrslot *old = m->slots, *s = calloc(cap, sizeof(*s));
		size_t old_cap = m->cap;
		if (!s)
			return -ENOMEM;
		m->slots = s;
		m->cap = cap;
		for (size_t i = 0; i < old_cap; i++)
			if (old[i].node) {
				size_t j = slot_of(m, old[i].node);
				while (m->slots[j].node)
					j = (j + 1) & (m->cap - 1);
				m->slots[j] = old[i];
			}
		free(old);
	}
	size_t j = slot_of(m, n);
	while (m->slots[j].node && m->slots[j].node != n)
		j = (j + 1) & (m->cap - 1);
	if (m->slots[j].node)
		return 0; /* a node reached twice keeps its first place */
	char *copy = strndup(p, len);
	if (!copy)
		return -ENOMEM;
	m->slots[j].node = n;
	m->slots[j].ptr = copy;
	m->n++;
	return 0;
}

static int walk(ocirl_ptrmap *m, ocirl_buf *b, const ocirl_node *n)
{
	if (put(m, n, b->data ? b->data : "", b->len) < 0)
		return -ENOMEM;
	size_t at = b->len;
	if (ocirl__node_is(n, OCIRL_NODE_ARRAY)) {
		for (uint32_t i = 0; i < n->arr.n; i++) {
			ocirl__buf_printf(b, "/%u", i);
			if (b->failed || walk(m, b, n->arr.items[i]) < 0)
				return -ENOMEM;
			b->len = at;
			b->data[at] = '\0';
		}
	} else if (ocirl__node_is(n, OCIRL_NODE_OBJECT)) {
		for (uint32_t i = 0; i < n->obj.n; i++) {
			ocirl__pointer_append(b, n->obj.m[i].key, n->obj.m[i].key_len);
			if (b->failed || walk(m, b, n->obj.m[i].val) < 0)
				return -ENOMEM;
			b->len = at;
			b->data[at] = '\0';
		}
	}
	return 0;
}

int ocirl__ptrmap_build(ocirl_ptrmap *m, const ocirl_node *root)
{
	ocirl_buf b = { 0 };
	ocirl__buf_reserve(&b, 64);
	int r = b.failed ? -ENOMEM : walk(m, &b, root);
	free(b.data);
	return r;
}

const char *ocirl__ptrmap_get(const ocirl_ptrmap *m, const ocirl_node *n)
{
	if (!m->cap || !n)
		return NULL;
	for (size_t j = slot_of(m, n); m->slots[j].node; j = (j + 1) & (m->cap - 1))
		if (m->slots[j].node == n)
			return m->slots[j].ptr;
	return NULL;
}

void ocirl__ptrmap_free(ocirl_ptrmap *m)
{
	for (size_t i = 0; i < m->cap; i++)
		free(m->slots[i].ptr);
	free(m->slots);
	*m = (ocirl_ptrmap){ 0 };
}
