/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: the kernel id map parser (/proc/PID/uid_map). Every accepted
 * line has a non-zero count and stays within 32-bit ids. */
#include <stdint.h>
#include <stdlib.h>

#include "oci-rootless.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	ocirl_id_mapping *m = NULL;
	size_t n = 0;
	ocirl_error *err = NULL;
	if (ocirl_idmap_parse(&m, &n, (const char *)data, size, "fuzz", &err) < 0) {
		if (!err || !err->message || err->kind != OCIRL_ERROR_INPUT)
			abort();
		ocirl_error_free(err);
		return 0;
	}
	if (n > OCIRL_MAX_MAPPINGS)
		abort();
	for (size_t i = 0; i < n; i++)
		if (m[i].size == 0 || (uint64_t)m[i].container_id + m[i].size - 1 > UINT32_MAX ||
		    (uint64_t)m[i].host_id + m[i].size - 1 > UINT32_MAX)
			abort();
	free(m);
	return 0;
}
