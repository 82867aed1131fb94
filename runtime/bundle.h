/* SPDX-License-Identifier: Apache-2.0 */
/*
 * oci-rootless-runtime: reading and replacing a bundle's config without
 * writing anywhere else. A daemon runs the wrapper, often as root in its
 * namespace, on bundles it did not write: the config is read and replaced
 * only when it is a regular file in the bundle folder, or a symbolic link
 * that resolves inside it (the folders of the bundle path itself are
 * followed, as runc follows them). Inside the bundle every step is taken
 * from an open folder, with openat2(RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS):
 * a folder of the bundle swapped for a link meanwhile cannot lead the
 * replacement out. See docs/threat-model.md.
 */
#ifndef OCIRL_RUNTIME_BUNDLE_H
#define OCIRL_RUNTIME_BUNDLE_H

#include <stdbool.h>
#include <stddef.h>

/* The config found: the folder it is in (open) and its name there. */
typedef struct {
	int dir;    /* -1 when none */
	char *name; /* its last part */
	char *path; /* for messages */
} rt_bundle_config;

/* Reads the config at path (of the bundle folder bundle, NULL for the
 * working directory; path is BUNDLE/config.json, or crun's -f FILE) into a
 * new buffer *out of *out_len bytes, at most max, and where to replace it
 * into *where (rt_bundle_config_clear() it). Returns 0, or -1 with *msg set
 * (free() it). */
int rt_bundle_config_read(char **out, size_t *out_len, rt_bundle_config *where, const char *path,
			  const char *bundle, bool in_bundle, size_t max, char **msg);

/* Replaces the config found by rt_bundle_config_read() atomically, through
 * its open folder, without following a link put in its place meanwhile, and
 * without syncing: the daemon that wrote the bundle did not sync it either.
 * Returns 0, or -1 with *msg set (free() it). */
int rt_bundle_config_replace(const rt_bundle_config *where, const char *data, size_t len, char **msg);

void rt_bundle_config_clear(rt_bundle_config *where);

#endif
