/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The table of rules, in the order they run. It is made from the list in
 * lib/rules/meson.build (rule-list.h has one OCIRL_RULE(name) line per
 * rule, in that order); each rule is lib/rules/NAME.c.
 */
#include <string.h>

#include "rule.h"

#define OCIRL_RULE(id) extern const ocirl_rule ocirl__rule_##id;
#include "rule-list.h"
#undef OCIRL_RULE

const ocirl_rule *const ocirl__rules[] = {
#define OCIRL_RULE(id) &ocirl__rule_##id,
#include "rule-list.h"
#undef OCIRL_RULE
};

const size_t ocirl__rules_n = sizeof(ocirl__rules) / sizeof(ocirl__rules[0]);

size_t ocirl_rules_count(void)
{
	return ocirl__rules_n;
}

const char *ocirl_rule_name(size_t i)
{
	return i < ocirl__rules_n ? ocirl__rules[i]->name : NULL;
}

const char *ocirl_rule_summary(size_t i)
{
	return i < ocirl__rules_n ? ocirl__rules[i]->summary : NULL;
}

unsigned int ocirl_rule_modes(size_t i)
{
	if (i >= ocirl__rules_n)
		return 0;
	unsigned m = ocirl__rules[i]->modes;
	return m ? m : OCIRL_RULE_MODE(OCIRL_MODE_USERNS) | OCIRL_RULE_MODE(OCIRL_MODE_SINGLE) |
			       OCIRL_RULE_MODE(OCIRL_MODE_SUBID) | OCIRL_RULE_MODE(OCIRL_MODE_INHERIT);
}

bool ocirl__rule_names_add(const char **names, size_t *n, char *text, const char *seps, const char **unknown)
{
	char *save = NULL;
	for (char *name = strtok_r(text, seps, &save); name; name = strtok_r(NULL, seps, &save)) {
		size_t i;
		if (ocirl_rule_find(&i, name) < 0) {
			*unknown = name;
			return false;
		}
		bool seen = false;
		for (size_t k = 0; k < *n && !seen; k++)
			seen = strcmp(names[k], name) == 0;
		if (!seen && *n < OCIRL__RULES_MAX) /* known and once each: never more than the table */
			names[(*n)++] = name;
		names[*n] = NULL;
	}
	return true;
}

int ocirl_rule_find(size_t *out, const char *name)
{
	for (size_t i = 0; name && i < ocirl__rules_n; i++)
		if (strcmp(ocirl__rules[i]->name, name) == 0) {
			*out = i;
			return 0;
		}
	return -ENOENT;
}
