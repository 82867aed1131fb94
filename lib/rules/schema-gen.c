/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Writes the merged schema of the rules' fields as C (schema-table.h) on
 * standard output, for the library to include; exit 1, naming the rule and
 * the field, when the table's fields cannot be merged. Run by the build.
 */
#include <stdio.h>

#include "rule.h"

int main(void)
{
	if (ocirl__rules_schema_write(stdout) < 0 || fflush(stdout) != 0)
		return 1;
	return 0;
}
