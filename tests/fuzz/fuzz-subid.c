/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: the /etc/subuid parser. The ranges returned are sorted,
 * non-empty, within 32-bit ids, and neither overlap nor touch (merged). */
#include <stdint.h>
#include <stdlib.h>

#include "oci-rootless.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	ocirl_id_mapping *m = NULL;
	size_t n = 0;
	ocirl_error *err = NULL;
	if (ocirl_subid_parse(&m, &n, (const char *)data, size, "alice", 1000, "fuzz", &err) < 0) {
		if (!err || !err->message || err->kind != OCIRL_ERROR_INPUT)
			abort();
		ocirl_error_free(err);
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		if (m[i].size == 0 || (uint64_t)m[i].host_id + m[i].size - 1 > UINT32_MAX)
			abort();
		if (i > 0 && (uint64_t)m[i - 1].host_id + m[i - 1].size >= m[i].host_id)
			abort();
	}
	free(m);
	return 0;
}
