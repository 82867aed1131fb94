/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of the rule overlay-mounts (lib/rules/overlay-mounts.c): an
 * overlay mount gets userxattr, and loses the options a user namespace
 * cannot have. */
#include "rule-test.h"

#define LOWER "\"lowerdir=/l1:/l2\",\"upperdir=/u\",\"workdir=/w\""
#define OVL(opts) "{\"destination\":\"/data\",\"type\":\"overlay\",\"source\":\"overlay\",\"options\":[" opts "]}"
#define MOUNTS(x) "{\"linux\":{\"namespaces\":[" RT_NETNS "," RT_USERNS "]," RT_MAPS_JSON "},\"mounts\":[{\"destination\":\"/a\",\"type\":\"tmpfs\"}," x "]}"
#define WHY_REFUSED "the kernel refuses metacopy=on and a redirect_dir other than nofollow to an overlay mounted in a user namespace"

int main(void)
{
	rt_ctx.kernel_known = true;
	rt_ctx.kernel_major = 6;
	rt_ctx.kernel_minor = 1;

	rt_check(MOUNTS(OVL(LOWER)), MOUNTS(OVL(LOWER ",\"userxattr\"")),
		 "/data: added option \"userxattr\" to this overlay mount: in a user namespace overlay can neither read "
		 "nor write its trusted.overlay.* attributes, so removing a directory of a lower layer fails (\"rm: "
		 "cannot remove 'DIR': Input/output error\"); with userxattr it keeps them as user.overlay.* (Linux 5.11 "
		 "and later)",
		 "overlay-mounts: userxattr is added at the end, the other options stay");
	rt_check_tag(MOUNTS(OVL(LOWER)), "/data: added option \"userxattr\"", "overlay-mounts", "overlay-mounts: tagged");
	rt_check(MOUNTS(OVL(LOWER ",\"userxattr\",\"ro\"")), MOUNTS(OVL(LOWER ",\"userxattr\",\"ro\"")), "",
		 "overlay-mounts: userxattr already there: no change");
	rt_check(MOUNTS(OVL("\"lowerdir=/l,upperdir=/u,workdir=/w,userxattr\"")),
		 MOUNTS(OVL("\"lowerdir=/l,upperdir=/u,workdir=/w,userxattr\"")), "",
		 "overlay-mounts: userxattr as a part of a comma-joined option counts");
	rt_check(MOUNTS(OVL("\"lowerdir=/l\"")), MOUNTS(OVL("\"lowerdir=/l\",\"userxattr\"")),
		 "/data: added option \"userxattr\"", "overlay-mounts: a read-only overlay (no upperdir) gets it too");
	rt_check(MOUNTS(OVL(LOWER ",\"metacopy=on\",\"index=on\",\"redirect_dir=on\"")),
		 MOUNTS(OVL(LOWER ",\"index=on\",\"userxattr\"")),
		 "/data: removed option \"metacopy=on\" of this overlay mount: " WHY_REFUSED
		 "|/data: removed option \"redirect_dir=on\" of this overlay mount|/data: added option \"userxattr\"",
		 "overlay-mounts: metacopy=on and redirect_dir=on go, index=on stays");
	rt_check(MOUNTS(OVL("\"lowerdir=/l,upperdir=/u,workdir=/w,redirect_dir=follow,metacopy=on,xino=on\"")),
		 MOUNTS(OVL("\"lowerdir=/l,upperdir=/u,workdir=/w,xino=on\",\"userxattr\"")),
		 "/data: option \"lowerdir=/l,upperdir=/u,workdir=/w,redirect_dir=follow,metacopy=on,xino=on\" of this "
		 "overlay mount became \"lowerdir=/l,upperdir=/u,workdir=/w,xino=on\" (redirect_dir=follow, metacopy=on "
		 "removed): " WHY_REFUSED "|/data: added option \"userxattr\"",
		 "overlay-mounts: refused parts of a comma-joined option go, the rest stays in order");
	rt_check(MOUNTS(OVL(LOWER ",\"redirect_dir=off\"")), MOUNTS(OVL(LOWER ",\"userxattr\"")),
		 "/data: removed option \"redirect_dir=off\" of this overlay mount: " WHY_REFUSED
		 " (they trust trusted.* attributes; off is follow on most kernels)|/data: added option \"userxattr\"",
		 "overlay-mounts: redirect_dir=off goes too (follow on Debian's kernels: refused)");
	rt_check(MOUNTS(OVL("\"lowerdir=/l,redirect_dir=,redirect_dir=nofollowx\"")), MOUNTS(OVL("\"lowerdir=/l\",\"userxattr\"")),
		 "/data: option \"lowerdir=/l,redirect_dir=,redirect_dir=nofollowx\" of this overlay mount became "
		 "\"lowerdir=/l\" (redirect_dir=, redirect_dir=nofollowx removed)|/data: added option \"userxattr\"",
		 "overlay-mounts: any other redirect_dir value goes (the kernel takes none of them with userxattr)");
	rt_check(MOUNTS(OVL(LOWER ",\"redirect_dir=nofollow\",\"metacopy=off\"")),
		 MOUNTS(OVL(LOWER ",\"redirect_dir=nofollow\",\"metacopy=off\",\"userxattr\"")),
		 "/data: added option \"userxattr\"", "overlay-mounts: redirect_dir=nofollow and metacopy=off stay");
	rt_check(MOUNTS("{\"destination\":\"/data\",\"type\":\"overlay\"}"),
		 MOUNTS("{\"destination\":\"/data\",\"type\":\"overlay\"}"), "",
		 "overlay-mounts: an overlay mount without options (no lowerdir: it fails anyway) is left alone");
	rt_check(MOUNTS("{\"destination\":\"/data\",\"type\":\"fuse.fuse-overlayfs\",\"options\":[" LOWER "]}"),
		 MOUNTS("{\"destination\":\"/data\",\"type\":\"fuse.fuse-overlayfs\",\"options\":[" LOWER "]}"), "",
		 "overlay-mounts: another type (fuse-overlayfs) is left alone");
	rt_check(MOUNTS("{\"destination\":\"/data\",\"source\":\"overlay\",\"options\":[" LOWER "]}"),
		 MOUNTS("{\"destination\":\"/data\",\"source\":\"overlay\",\"options\":[" LOWER "]}"), "",
		 "overlay-mounts: an untyped mount is left alone (the runtimes need a type)");
	rt_check(MOUNTS(OVL(LOWER) "," OVL("\"lowerdir=/x\",\"userxattr\"") "," OVL("\"lowerdir=/y\"")),
		 MOUNTS(OVL(LOWER ",\"userxattr\"") "," OVL("\"lowerdir=/x\",\"userxattr\"") "," OVL("\"lowerdir=/y\",\"userxattr\"")),
		 "/data: added option \"userxattr\"|/data: added option \"userxattr\"",
		 "overlay-mounts: each overlay mount, the one that has it left alone");
	rt_check_skipped("overlay-mounts", MOUNTS(OVL(LOWER ",\"metacopy=on\"")), MOUNTS(OVL(LOWER ",\"metacopy=on\"")), "",
			 "overlay-mounts skipped: nothing changes");

	/* every mode: the container is always in a user namespace */
	ocirl_mappings *modes[] = { &rt_inherit, &rt_userns, &rt_single };
	for (size_t i = 0; i < 3; i++) {
		rt_ctx.maps = modes[i];
		char *ex = NULL, *out = rt_convert(MOUNTS(OVL(LOWER)), &ex);
		ok(out && strstr(out, "\"workdir=/w\",\"userxattr\"]") && ex &&
			   strstr(ex, "/data: added option \"userxattr\" to this overlay mount"),
		   "overlay-mounts: mode %d (inherit: the caller's user namespace is not the initial one either): %s",
		   (int)modes[i]->mode, ex ? ex : "(null)");
		free(out);
		free(ex);
	}
	rt_ctx.maps = &rt_maps;

	/* Linux before 5.11: no userxattr (and no overlay in a user namespace, but patched in) */
	rt_ctx.kernel_major = 5;
	rt_ctx.kernel_minor = 10;
	rt_check(MOUNTS(OVL(LOWER ",\"metacopy=on\"")), MOUNTS(OVL(LOWER ",\"metacopy=on\"")), "",
		 "overlay-mounts: Linux 5.10: nothing changes");
	rt_ctx.kernel_minor = 11;
	rt_check(MOUNTS(OVL(LOWER)), MOUNTS(OVL(LOWER ",\"userxattr\"")), "/data: added option \"userxattr\"",
		 "overlay-mounts: Linux 5.11: userxattr");
	/* an unknown kernel: as a current one (the mount fails on an old one either way) */
	rt_ctx.kernel_known = false;
	rt_check(MOUNTS(OVL(LOWER)), MOUNTS(OVL(LOWER ",\"userxattr\"")), "/data: added option \"userxattr\"",
		 "overlay-mounts: the kernel not known: userxattr");
	return done_testing();
}
