/* SPDX-License-Identifier: Apache-2.0 */
/*
 * oci-rootless-runtime: reading and replacing a bundle's config without
 * writing anywhere else. A daemon runs the wrapper, often as root in its
 * namespace, on bundles it did not write: the config is read and replaced
 * only when it is a regular file in the bundle folder, or a symbolic link
 * that resolves inside it (the folders of the bundle path itself are
 * followed, as runc follows them). See docs/threat-model.md.
 */
#ifndef OCIRL_RUNTIME_BUNDLE_H
#define OCIRL_RUNTIME_BUNDLE_H

#include <stddef.h>

/* Reads the config at path (of the bundle folder bundle, NULL for the
 * working directory) into a new buffer *out of *out_len bytes, at most max,
 * and the path to replace it at into *target (the link's target inside the
 * bundle, or path). Returns 0, or -1 with *msg set (free() it). */
int rt_bundle_config_read(char **out, size_t *out_len, char **target, const char *path, const char *bundle,
			  size_t max, char **msg);

/* Replaces the file at target (from rt_bundle_config_read()) atomically,
 * without following a link put there meanwhile, and without syncing: the
 * daemon that wrote the bundle did not sync it either. Returns 0, or -1 with *msg
 * set (free() it). */
int rt_bundle_config_replace(const char *target, const char *data, size_t len, char **msg);

#endif
