/* SPDX-License-Identifier: Apache-2.0 */
/* The public header compiles alone, with nothing before it, under strict
 * C11; and the documented defaults hold. */
#include "oci-rootless.h"

#include <stdio.h>
#include <string.h>

int main(void)
{
	ocirl_options a = OCIRL_OPTIONS_INIT, b;
	int n = 0, failed = 0;
#define T(cond, what)                                                                                \
	do {                                                                                         \
		n++;                                                                                 \
		printf("%sok %d - %s\n", (cond) ? "" : "not ", n, what);                             \
		failed += !(cond);                                                                   \
	} while (0)
	T(ocirl_options_init(&b, OCIRL_OPTIONS_VERSION) == 0, "ocirl_options_init accepts the current version");
	T(memcmp(&a, &b, sizeof(a)) == 0, "OCIRL_OPTIONS_INIT equals ocirl_options_init()");
	T(a.mode == OCIRL_MODE_AUTO && a.uid == -1 && a.gid == -1 && !a.uid_map_path,
	  "defaults: mode auto, effective ids, /proc/self maps");
	T(ocirl_options_init(&b, 0) < 0, "an unknown options version is refused");
	T(strcmp(ocirl_version(), OCIRL_TEST_VERSION) == 0, "ocirl_version() is the project's version");
	ocirl_error_free(NULL);
	ocirl_mappings_free(NULL);
	ocirl_changes_free(NULL);
	T(ocirl_changes_count(NULL) == 0 && !ocirl_changes_where(NULL, 0), "free and read functions accept NULL");
	printf("1..%d\n", n);
	return failed != 0;
}
