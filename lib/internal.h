/* SPDX-License-Identifier: Apache-2.0 */
/* Private helpers of the library: errors, cleanup, a growable buffer. */
#ifndef OCIRL_INTERNAL_H
#define OCIRL_INTERNAL_H

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "oci-rootless.h"

/* ---- cleanup (as systemd and crun do); destructors accept NULL ---- */
static inline void ocirl__freep(void *p)
{
	free(*(void **)p);
}
static inline void ocirl__closep(int *fd)
{
	if (*fd >= 0)
		close(*fd);
}
#define _cleanup_free_ __attribute__((cleanup(ocirl__freep)))
#define _cleanup_close_ __attribute__((cleanup(ocirl__closep)))

/* ---- errors ----
 * ocirl__error_set() always returns -errnum (or -EINVAL when errnum is 0),
 * so a failing path is one line:
 *     return ocirl__error_set(err, OCIRL_ERROR_INPUT, 0, "%s: expected a string", where);
 */
int ocirl__error_set(ocirl_error **err, ocirl_error_kind kind, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Out of memory: sets *err without allocating a message buffer if it can't. */
int ocirl__error_nomem(ocirl_error **err);
/* Prefixes the message of *err with "PREFIX: " (best effort). */
void ocirl__error_prefix(ocirl_error **err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---- a growable byte buffer, NUL-terminated ---- */
typedef struct {
	char *data;
	size_t len;
	size_t cap;
	bool failed; /* an allocation failed: the content is incomplete */
} ocirl_buf;

void ocirl__buf_reserve(ocirl_buf *b, size_t more);

/* The appends are inline: the writer calls them for every token. */
static inline void ocirl__buf_add(ocirl_buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		ocirl__buf_reserve(b, n);
		if (b->failed)
			return;
	}
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

static inline void ocirl__buf_adds(ocirl_buf *b, const char *s)
{
	ocirl__buf_add(b, s, strlen(s));
}

static inline void ocirl__buf_addc(ocirl_buf *b, char c)
{
	if (b->len + 2 > b->cap) {
		ocirl__buf_reserve(b, 1);
		if (b->failed)
			return;
	}
	b->data[b->len++] = c;
	b->data[b->len] = '\0';
}
void ocirl__buf_printf(ocirl_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---- files ---- */
/* Reads a whole file (at most max bytes) into a new NUL-terminated buffer. */
int ocirl__file_read(char **out, size_t *out_len, const char *path, size_t max, ocirl_error **err);
/* The same from an open file descriptor; name is used in messages. */
int ocirl__fd_read(char **out, size_t *out_len, int fd, const char *name, size_t max, ocirl_error **err);
/* As ocirl_file_replace(), for the entry name of the open folder dfd, which
 * is never followed: it must be a regular file, and a link put in its
 * place meanwhile is replaced itself, not its target (for the runtime
 * wrapper, which writes only inside a bundle folder). path names the file
 * in messages; flags: OCIRL__REPLACE_*. */
int ocirl__file_replace_at(int dfd, const char *name, const char *path, const char *data, size_t len, unsigned flags,
			   ocirl_error **err);
enum {
	/* No fsync of the new file and its folder: readers still see the old
	 * file or the new one whole (the rename), but a crash of the machine
	 * may lose the new content. For a bundle's config, which its daemon
	 * writes without syncing either (containerd's os.WriteFile) and
	 * regenerates for a new start; the syncs were most of the wrapper's
	 * cost on create (bench/results.md). */
	OCIRL__REPLACE_NO_SYNC = 1 << 0,
};

/* ---- ids ---- */
/* True when id lies inside [container_id, container_id + size) of one of the mappings. */
bool ocirl__mappings_cover(const ocirl_id_mapping *m, size_t n, uint64_t id);
/* The longest user name looked up in the password file. */
#define OCIRL_USER_NAME_MAX 255
/* The name of uid in a passwd-format file (/etc/passwd) into buf; false when
 * not found (or the name does not fit in size bytes with its NUL). */
bool ocirl__passwd_name(char *buf, size_t size, const char *path, uint32_t uid);
/* The entry of uid in a passwd-format file: its name into name (when not
 * NULL; it must fit in size bytes with its NUL) and its group into *gid
 * (when not NULL). False when not found. */
bool ocirl__passwd_lookup(const char *path, uint32_t uid, char *name, size_t size, uint32_t *gid);
/* Writes "C:H:S,C:H:S" into b. */
void ocirl__mappings_format(ocirl_buf *b, const ocirl_id_mapping *m, size_t n);

/* ---- the context: mappings and the caller's facts (lib/caller.c) ---- */

/* A namespace file's identity; known is false when it could not be read. */
typedef struct {
	bool known;
	unsigned long long dev, ino;
} ocirl_ns_id;

/* The resources of /proc/self/limits, in the order of the kernel's table. */
#define OCIRL_N_RLIMITS 16

struct ocirl_context {
	ocirl_mappings *maps;
	ocirl_cgroups cgroups;
	char *proc_self;

	bool oom_known;
	int oom_score_adj;

	bool hard_known[OCIRL_N_RLIMITS];
	uint64_t hard[OCIRL_N_RLIMITS]; /* UINT64_MAX: unlimited */

	ocirl_ns_id ns_pid, ns_ipc, ns_net, ns_uts, ns_cgroup;
	/* The caller's user namespace owns its own network, pid, ipc namespace
	 * (NS_GET_USERNS of ns/TYPE is ns/user or below it): a container kept
	 * in it (mode inherit) can mount a fresh sysfs, procfs, mqueue there. */
	bool owns_net, owns_pid, owns_ipc;
	bool mqueue_mounted;          /* the caller's /dev/mqueue is an mqueue mount */

	/* AppArmor: aa_enabled when PROC_SELF/attr/apparmor/current can be read
	 * (known and not enabled: no attr/apparmor in PROC_SELF/attr, a kernel
	 * without it; or EINVAL, not the active security module);
	 * aa_profiles, the loaded profiles, one "NAME (MODE)" a line, from
	 * securityfs (only for the real /proc/self; NULL: unknown). */
	bool aa_known, aa_enabled;
	char *aa_profiles;

	/* The caller's bounding set: CapBnd in PROC_SELF/status, bit N capability N. */
	bool capbnd_known;
	uint64_t capbnd;

	/* Whether the caller's /proc and /sys are fully visible (its mountinfo):
	 * proc_masked / sys_masked name a mount over part of one, else "". */
	bool visible_known;
	char proc_masked[256], sys_masked[256];

	/* The kernel's version (uname(), for the real /proc/self only: a
	 * made-up PROC_SELF describes another machine). */
	bool kernel_known;
	unsigned kernel_major, kernel_minor;

	ocirl_cgroup_manager cgroup_manager;
	char *container_id; /* NULL: none given */
	bool cg_v2;           /* the caller's cgroup is a cgroup v2 one (a "0::" line, mounted) */
	char *cg_path;        /* the caller's cgroup ("0::" line), when cg_v2 */
	char *cg_parent;      /* its parent ("/" for the root), when cg_v2 */
	bool cg_delegated;    /* the parent and its cgroup.procs are writable by the caller */
	char *cg_controllers; /* the controllers a child of the parent gets, " memory pids " */
	char *cg_manager;     /* the user's systemd manager's cgroup, or NULL */
	char *cg_manager_controllers; /* its cgroup.controllers */

	char *source_root; /* bind sources are looked up under it (NULL: /) */
	char *cgroup_root; /* where cgroup v2 is mounted (/sys/fs/cgroup) */

	uint64_t skip; /* the rules turned off: bit i is ocirl__rules[i] (lib/rules/rule.h) */

	unsigned loaded; /* the OCIRL_FACT_* read so far */
};

/* The caller's facts, each read from /proc/self (or the cgroup tree) only
 * when loaded: the first reads of /proc/self cost more than the conversion
 * of a small config. */
enum {
	OCIRL_FACT_OOM = 1 << 0,       /* oom_known, oom_score_adj */
	OCIRL_FACT_LIMITS = 1 << 1,    /* hard_known, hard */
	OCIRL_FACT_MQUEUE = 1 << 2,    /* mqueue_mounted */
	OCIRL_FACT_NS = 1 << 3,        /* ns_pid, ns_ipc, ns_net, ns_uts, ns_cgroup */
	OCIRL_FACT_NS_OWNER = 1 << 4,  /* owns_net, owns_pid, owns_ipc */
	OCIRL_FACT_CGROUP = 1 << 5,    /* cg_v2, cg_path, cg_parent, cg_delegated, cg_controllers, cg_manager... */
	OCIRL_FACT_APPARMOR = 1 << 6,  /* aa_known, aa_enabled, aa_profiles */
	OCIRL_FACT_CAPBND = 1 << 7,    /* capbnd_known, capbnd */
	OCIRL_FACT_VISIBLE = 1 << 8,   /* visible_known, proc_masked, sys_masked */
	OCIRL_FACT_KERNEL = 1 << 9,    /* kernel_known, kernel_major, kernel_minor */
	OCIRL_FACT_ALL = (1 << 10) - 1,
};

/* A context with the given facts read; the others are read by
 * ocirl__context_load() when a rule needs them (lib/rules/). */
int ocirl__context_new(ocirl_context **out, const ocirl_options *opts, unsigned facts, ocirl_error **err);
/* Reads the facts not read yet. Changes ctx: a context made with fewer than
 * all facts must not be shared between threads. */
void ocirl__context_load(ocirl_context *ctx, unsigned facts);
/* Whether ctx reads this process's own /proc/self: only then may the facts
 * come from the process itself (getrlimit, uname, securityfs) and the
 * kernel be asked by trying (oom_score_adj, AppArmor). */
bool ocirl__context_is_self(const ocirl_context *ctx);

/* "RLIMIT_NOFILE" -> its index in ctx->hard, or -1. */
int ocirl__rlimit_index(const char *type);
/* Reads /proc/self/limits-style text into hard[] and hard_known[]. */
void ocirl__limits_parse(const char *text, uint64_t *hard, bool *known);
/* True when the mount at mount_point is of type fstype in mountinfo-style text. */
bool ocirl__mountinfo_is(const char *text, const char *mount_point, const char *fstype);
/* Whether the mount of type fstype at top (the last one there) is not fully
 * visible in mountinfo-style text: a mount on it sits somewhere else than
 * the mount points in empty (NULL-terminated; those are empty directories,
 * which the kernel allows). 1, with that mount point in out; 0; -1 when top
 * is not such a mount. The kernel then refuses a fresh mount of fstype in a
 * user namespace (fs_fully_visible, "mount too revealing"). */
int ocirl__mountinfo_masked(const char *text, const char *top, const char *fstype, const char *const *empty, char *out,
			    size_t size);
/* Identity of the namespace file at path. */
ocirl_ns_id ocirl__ns_id(const char *path);
/* Whether the user namespace at user_path owns the namespace at ns_path, or
 * is an ancestor of its owner (its root then has every capability over it):
 * the kernel's answer (ioctl NS_GET_USERNS, then NS_GET_PARENT). 1 owned, 0
 * not (the owner is elsewhere, or above us), -1 when it cannot tell (either
 * path missing or not a namespace file, an old kernel). */
int ocirl__ns_owner(const char *ns_path, const char *user_path);
/* ocirl__ns_owner() == 1. */
bool ocirl__ns_owned_by(const char *ns_path, const char *user_path);

/* ---- JSON Pointers of a tree's nodes (lib/pointer.c) ---- */
struct ocirl_node;
typedef struct {
	const struct ocirl_node *node;
	char *ptr;
} ocirl_ptrslot;
typedef struct {
	ocirl_ptrslot *slots;
	size_t cap, n;
} ocirl_ptrmap;
/* Maps every node under root (root included) to its pointer ("" for the root). */
int ocirl__ptrmap_build(ocirl_ptrmap *m, const struct ocirl_node *root);
/* The pointer of n, or NULL when it is not in the tree the map was made from. */
const char *ocirl__ptrmap_get(const ocirl_ptrmap *m, const struct ocirl_node *n);
void ocirl__ptrmap_free(ocirl_ptrmap *m);
/* Appends "/" and key (len bytes) with ~ and / escaped as ~0 and ~1. */
void ocirl__pointer_append(ocirl_buf *b, const char *key, size_t len);

/* ---- changes ---- */
/* Adds a change made by the rule named rule (a string that outlives the
 * list: the rules' names are static). Its place for ocirl_changes_pointer():
 * the node at, or its member key when key is not NULL; at is a node of the
 * input (kind changed, removed) or of the output (added), looked up in the
 * other when not found there. The message is "WHAT: WHY". */
int ocirl__changes_vadd(ocirl_changes *changes, const char *rule, ocirl_change_kind kind,
			const struct ocirl_node *at, const char *key, const char *where, const char *fmt, va_list ap)
	__attribute__((format(printf, 7, 0)));
/* Appends change i as one JSON object (no newline): {"rule", "change"
 * (changed, removed, added), "pointer" (null when not asked for), "in"
 * (input, output), "place", "what", "why"}. */
void ocirl__changes_json(ocirl_buf *b, const ocirl_changes *changes, size_t i);
/* Appends s as a JSON string, quoted and escaped. */
void ocirl__json_put_string(ocirl_buf *b, const char *s, size_t n);
/* Whether the list asks for pointers (ocirl_changes_want_pointers()). */
bool ocirl__changes_wants_pointers(const ocirl_changes *changes);
/* Sets the pointers of the changes from the maps of the input and the output. */
int ocirl__changes_resolve(ocirl_changes *changes, const ocirl_ptrmap *in, const ocirl_ptrmap *out);

/* ---- the rules' names (lib/rules/registry.c) ---- */
/* The most rules a table may have (a context's skip set is 64 bits). */
#define OCIRL__RULES_MAX 64
/* Appends to names (room for OCIRL__RULES_MAX + 1, NULL-terminated, *n
 * in use) the rule names in text, separated by any of seps; text is split in
 * place and names point into it. A name already there is not added again.
 * False when a name is no rule's, which is then *unknown. */
bool ocirl__rule_names_add(const char **names, size_t *n, char *text, const char *seps, const char **unknown);

/* ---- names of enum values (modes, cgroups choices, cgroup drivers) ---- */
/* names[v], or "unknown" when v is not below n. */
const char *ocirl__enum_name(const char *const *names, size_t n, unsigned v);
/* The index of name in names, or -1 (also for NULL). */
int ocirl__enum_parse(const char *const *names, size_t n, const char *name);
#define OCIRL__N(a) (sizeof(a) / sizeof((a)[0]))

/* Whether id can name a cgroup in a folder: not empty, ".", ".." or with "/". */
bool ocirl__cgroup_name_valid(const char *id);

/* ---- the kernel's own answers ---- */
/* The lowest oom_score_adj from v up that the kernel lets this process set
 * (v itself, or its floor oom_score_adj_min, which /proc does not show),
 * into *out: tried on the process itself, a value at a time (at most 12),
 * its own written back at once. Only when ctx reads the real /proc/self
 * (else false: unknown). It changes the process's oom_score_adj for an
 * instant: a context shared by threads sees it. */
bool ocirl__oom_lowest(const ocirl_context *ctx, int64_t v, int *out);
/* Whether the AppArmor profile name can be applied: 1 yes, 0 no (it is not
 * loaded), -1 unknown. From ctx->aa_profiles when known (securityfs, which
 * only root of the initial user namespace may read); else, for the real
 * /proc/self only, tried in a child process, which asks the kernel to
 * change to it on its next exec (attr/apparmor/exec) and exits: the
 * kernel says ENOENT for a profile that is not loaded. */
int ocirl__aa_applies(const ocirl_context *ctx, const char *name);

/* ---- randomness ---- */
/* Fills buf with n random bytes (getrandom()); -errno on failure. */
int ocirl__random(void *buf, size_t n);

/* ---- paths ---- */
/* Cleans a path lexically, as Go's filepath.Clean: "//sys/." -> "/sys". */
char *ocirl__path_clean(const char *path);
/* True when path (already cleaned) is prefix or lies under it. */
bool ocirl__path_is_under(const char *path, const char *prefix);

#endif
