/* SPDX-License-Identifier: Apache-2.0 */
/* The list of changes a conversion made, for --explain and --check. */
#include <stdio.h>
#include <string.h>

#include "internal.h"

typedef struct {
	char *where;
	char *message;
	const char *rule; /* the rule's name, from the table (not copied) */
} change;

struct ocirl_changes {
	change *items;
	size_t count;
	size_t cap;
};

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

int ocirl__changes_vadd(ocirl_changes *changes, const char *rule, const char *where, const char *fmt, va_list ap)
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
	char *w = strdup(where), *m = NULL;
	int r = vasprintf(&m, fmt, ap);
	if (!w || r < 0) {
		free(w);
		return -ENOMEM;
	}
	changes->items[changes->count++] = (change){ w, m, rule };
	return 0;
}
