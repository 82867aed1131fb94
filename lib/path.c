/* SPDX-License-Identifier: Apache-2.0 */
/* Lexical path cleaning, as Go's filepath.Clean (which runc applies to mount
 * destinations): repeated slashes, "." and ".." are resolved without looking
 * at the file system. */
#include <string.h>

#include "internal.h"

char *ocirl__path_clean(const char *path)
{
	size_t n = strlen(path);
	bool rooted = n > 0 && path[0] == '/';
	char *out = malloc(n + 2);
	if (!out)
		return NULL;
	size_t w = 0;           /* write position */
	size_t dotdot = 0;      /* where ".." can no longer back up */
	if (rooted) {
		out[w++] = '/';
		dotdot = 1;
	}
	size_t r = rooted ? 1 : 0;
	while (r < n) {
		if (path[r] == '/') {
			r++;
		} else if (path[r] == '.' && (r + 1 == n || path[r + 1] == '/')) {
			r++;
		} else if (path[r] == '.' && path[r + 1] == '.' && (r + 2 == n || path[r + 2] == '/')) {
			r += 2;
			if (w > dotdot) {
				/* back up to the previous slash */
				w--;
				while (w > dotdot && out[w] != '/')
					w--;
			} else if (!rooted) {
				/* cannot back up: keep the ".." of a relative path */
				if (w > 0)
					out[w++] = '/';
				out[w++] = '.';
				out[w++] = '.';
				dotdot = w;
			}
		} else {
			if ((rooted && w != 1) || (!rooted && w != 0))
				out[w++] = '/';
			for (; r < n && path[r] != '/'; r++)
				out[w++] = path[r];
		}
	}
	if (w == 0)
		out[w++] = '.';
	out[w] = '\0';
	return out;
}

bool ocirl__path_is_under(const char *path, const char *prefix)
{
	size_t n = strlen(prefix);
	if (strncmp(path, prefix, n) != 0)
		return false;
	return path[n] == '\0' || path[n] == '/' || (n > 0 && prefix[n - 1] == '/');
}
