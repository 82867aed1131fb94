/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The "never widens" property of a conversion (docs/threat-model.md): the
 * converted config is never less isolated than the one it came from, except
 * where the rule that made a change documents why. Checked by the golden
 * driver (tests/golden/run.sh, through never-widens-main.c), the fuzz target
 * tests/fuzz/fuzz-convert.c and tests/unit/test-never-widens.c; the
 * properties and their exceptions are listed in never-widens.c.
 *
 * A test helper, independent of the library's code on purpose (its own path
 * cleaning, its own reading of mount options): an oracle that shared the
 * rules' helpers would share their bugs.
 */
#ifndef OCIRL_NEVER_WIDENS_H
#define OCIRL_NEVER_WIDENS_H

#include <stddef.h>

struct json_object;

/* Compares out, the conversion of in, with in. rules[0..n_rules) are the
 * names of the rules that made the conversion's changes (ocirl_changes_rule(),
 * or the " [RULE]" ending each --explain line; repeats allowed): an
 * exception applies only when its rule is among them.
 *
 * Returns 0 when out keeps everything it must; 1 for the first violation,
 * described in why (size bytes, truncated when longer) naming its place,
 * such as "linux.maskedPaths: /proc/kcore was removed"; -1 when out of
 * memory (also described). */
int ocirl_never_widens(struct json_object *in, struct json_object *out, const char *const *rules, size_t n_rules,
		       char *why, size_t size);

#endif
