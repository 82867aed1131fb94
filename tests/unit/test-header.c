/* SPDX-License-Identifier: Apache-2.0 */
/* The public header compiles alone, with nothing before it, under strict
 * C11; and the documented defaults hold. */
#include "oci-rootless.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

int main(void)
{
	static const ocirl_options a = OCIRL_OPTIONS_INIT; /* static: zero padding, for memcmp */
	ocirl_options b;
	int n = 0, failed = 0;
#define T(cond, what)                                                                                \
	do {                                                                                         \
		int ok_ = (cond) != 0; /* once: cond may call functions */                          \
		n++;                                                                                 \
		printf("%sok %d - %s\n", ok_ ? "" : "not ", n, what);                                \
		failed += !ok_;                                                                      \
	} while (0)
	T(ocirl_options_init(&b, OCIRL_OPTIONS_VERSION) == 0, "ocirl_options_init accepts the current version");
	T(memcmp(&a, &b, sizeof(a)) == 0, "OCIRL_OPTIONS_INIT equals ocirl_options_init()");
	T(a.mode == OCIRL_MODE_AUTO && a.uid == -1 && a.gid == -1 && !a.uid_map_path,
	  "defaults: mode auto, effective ids, /proc/self maps");
	T(ocirl_options_init(&b, 0) < 0 && ocirl_options_init(&b, OCIRL_OPTIONS_VERSION + 1) < 0,
	  "an unknown options version is refused");
	T(a.skip_rules == NULL, "defaults: no rule skipped");
	/* a program built against version 1 has a struct that ends before skip_rules */
	unsigned char v1[sizeof(ocirl_options)];
	size_t end = offsetof(ocirl_options, skip_rules), k;
	memset(v1, 0xa5, sizeof(v1));
	T(ocirl_options_init((ocirl_options *)(void *)v1, 1) == 0, "ocirl_options_init accepts version 1");
	for (k = end; k < sizeof(v1) && v1[k] == 0xa5; k++)
		;
	T(k == sizeof(v1) && ((ocirl_options *)(void *)v1)->version == 1,
	  "version 1: nothing is written past the version-1 struct, and the version stays 1");
	{
		/* version 1 options with garbage where skip_rules would be: not read */
		ocirl_options o1;
		ocirl_context *ctx = NULL;
		ocirl_error *err = NULL;
		ocirl_options_init(&o1, 1);
		o1.mode = OCIRL_MODE_SINGLE;
		o1.uid = 1000;
		o1.gid = 1000;
		memset((char *)&o1 + end, 0xa5, sizeof(o1) - end);
		T(ocirl_context_new(&ctx, &o1, &err) == 0, "version 1 options: skip_rules is not read");
		ocirl_context_free(ctx);
		ocirl_error_free(err);
	}
	{
		/* version 2 ends before cgroup_manager: nothing written or read past it */
		unsigned char v2[sizeof(ocirl_options)];
		size_t end2 = offsetof(ocirl_options, cgroup_manager), j;
		memset(v2, 0xa5, sizeof(v2));
		T(ocirl_options_init((ocirl_options *)(void *)v2, 2) == 0, "ocirl_options_init accepts version 2");
		for (j = end2; j < sizeof(v2) && v2[j] == 0xa5; j++)
			;
		T(j == sizeof(v2) && ((ocirl_options *)(void *)v2)->version == 2,
		  "version 2: nothing is written past the version-2 struct");
		ocirl_options o2;
		ocirl_context *ctx = NULL;
		ocirl_error *err = NULL;
		ocirl_options_init(&o2, 2);
		o2.mode = OCIRL_MODE_SINGLE;
		o2.uid = 1000;
		o2.gid = 1000;
		memset((char *)&o2 + end2, 0xa5, sizeof(o2) - end2);
		T(ocirl_context_new(&ctx, &o2, &err) == 0, "version 2 options: cgroup_manager and container_id are not read");
		ocirl_context_free(ctx);
		ocirl_error_free(err);
	}
	{
		ocirl_cgroup_manager m = OCIRL_CGROUP_MANAGER_CGROUPFS;
		T(ocirl_cgroup_manager_parse(&m, "systemd") == 0 && m == OCIRL_CGROUP_MANAGER_SYSTEMD &&
			  ocirl_cgroup_manager_parse(&m, "x") < 0 && ocirl_cgroup_manager_parse(&m, NULL) < 0 &&
			  strcmp(ocirl_cgroup_manager_name(OCIRL_CGROUP_MANAGER_CGROUPFS), "cgroupfs") == 0 &&
			  strcmp(ocirl_cgroup_manager_name((ocirl_cgroup_manager)9), "unknown") == 0 &&
			  a.cgroup_manager == OCIRL_CGROUP_MANAGER_CGROUPFS && a.container_id == NULL,
		  "cgroup drivers: names, parsing, default cgroupfs and no container id");
	}
	{
		const char *bad[] = { "sys", "nonesuch", NULL };
		ocirl_options o2 = OCIRL_OPTIONS_INIT;
		ocirl_context *ctx = NULL;
		ocirl_error *err = NULL;
		o2.mode = OCIRL_MODE_SINGLE;
		o2.uid = 1000;
		o2.gid = 1000;
		o2.skip_rules = bad;
		T(ocirl_context_new(&ctx, &o2, &err) < 0 && err && err->kind == OCIRL_ERROR_USAGE &&
			  strstr(err->message, "unknown rule \"nonesuch\"") && !ctx,
		  "skip_rules with an unknown name: OCIRL_ERROR_USAGE naming it");
		ocirl_error_free(err);
	}
	{
		size_t i = 99, n_rules = ocirl_rules_count();
		T(n_rules > 0 && ocirl_rule_find(&i, ocirl_rule_name(n_rules - 1)) == 0 && i == n_rules - 1 &&
			  ocirl_rule_find(&i, "nonesuch") < 0 && ocirl_rule_find(&i, NULL) < 0 && !ocirl_rule_name(n_rules) &&
			  !ocirl_rule_summary(n_rules) && ocirl_rule_modes(n_rules) == 0 && ocirl_rule_summary(0) &&
			  ocirl_rule_modes(0) != 0,
		  "the rules' listing: names found back, NULL or 0 out of range");
	}
	T(strcmp(ocirl_version(), OCIRL_TEST_VERSION) == 0, "ocirl_version() is the project's version");
	ocirl_error_free(NULL);
	ocirl_mappings_free(NULL);
	ocirl_changes_free(NULL);
	T(ocirl_changes_count(NULL) == 0 && !ocirl_changes_where(NULL, 0) && !ocirl_changes_rule(NULL, 0),
	  "free and read functions accept NULL");
	printf("1..%d\n", n);
	return failed != 0;
}
