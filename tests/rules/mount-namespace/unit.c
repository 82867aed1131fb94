/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of the rule mount-namespace (lib/rules/mount-namespace.c): a
 * config without a mount namespace gets one, before the user namespace, in
 * the modes that make a user namespace; none in mode inherit. */
#include <string.h>

#include "rule-test.h"

#define LINUX(nss) "{\"linux\":{\"namespaces\":[" nss "]," RT_MAPS_JSON "}}"

int main(void)
{
	rt_with_mount_namespace = true;
	rt_ctx.maps = &rt_maps; /* mode subid */
	rt_check(LINUX("{\"type\":\"pid\"}," RT_USERNS), LINUX("{\"type\":\"pid\"},{\"type\":\"mount\"}," RT_USERNS),
		 "linux.namespaces: added {\"type\": \"mount\"}: a container in a user namespace of its own cannot mount "
		 "its root in the caller's mount namespace (runc: \"error preparing rootfs: mount /, flags: 0x84000: "
		 "operation not permitted\"); its mounts are its own, not the caller's",
		 "mount-namespace: no mount namespace: one is added before the user namespace");
	rt_check_tag(LINUX(RT_USERNS), "linux.namespaces: added {\"type\": \"mount\"}", "mount-namespace",
		     "mount-namespace: the change is tagged");
	rt_check(LINUX("{\"type\":\"mount\"},{\"type\":\"pid\"}," RT_USERNS), LINUX("{\"type\":\"mount\"},{\"type\":\"pid\"}," RT_USERNS),
		 "", "mount-namespace: a mount namespace already there: nothing changes");
	rt_check_error(LINUX("{\"type\":\"pid\"},{\"type\":\"mount\",\"path\":\"/proc/1/ns/mnt\"}," RT_USERNS),
		       "error 2: linux.namespaces[1]: joins the mount namespace at \"/proc/1/ns/mnt\", which the container's "
		       "new user namespace does not own: it can mount nothing there (runc: \"error preparing rootfs: mount /, "
		       "flags: 0x84000: operation not permitted\"); run the runtime as root in the user namespace that owns it, "
		       "with --mode inherit (the default there), or remove the path",
		       "mount-namespace: a mount namespace joined by path is refused, naming --mode inherit");
	rt_check_skipped("mount-namespace", LINUX("{\"type\":\"mount\",\"path\":\"/proc/1/ns/mnt\"}," RT_USERNS),
			 LINUX("{\"type\":\"mount\",\"path\":\"/proc/1/ns/mnt\"}," RT_USERNS), "",
			 "mount-namespace skipped: not refused");
	rt_check_skipped("mount-namespace", LINUX(RT_USERNS), LINUX(RT_USERNS), "",
			 "mount-namespace skipped: no mount namespace is added");
	{
		char *ex = NULL, *out = rt_convert("{\"ociVersion\":\"1.0.2\"}", &ex);
		ok(out && strstr(out, "\"namespaces\":[{\"type\":\"mount\"},{\"type\":\"user\"}]") && ex &&
			   strstr(ex, "added {\"type\": \"mount\"}") && strstr(ex, "[mount-namespace]"),
		   "mount-namespace: a config without linux: linux made, a mount then a user namespace: %s", out ? out : "(null)");
		free(out);
		free(ex);
	}

	rt_ctx.maps = &rt_inherit;
	rt_check("{\"linux\":{\"namespaces\":[{\"type\":\"mount\",\"path\":\"/proc/1/ns/mnt\"}]}}",
		 "{\"linux\":{\"namespaces\":[{\"type\":\"mount\",\"path\":\"/proc/1/ns/mnt\"}]}}", "",
		 "mount-namespace: mode inherit: a mount namespace joined by path is the runtime's to join");
	rt_check("{\"linux\":{\"namespaces\":[{\"type\":\"pid\"}]}}", "{\"linux\":{\"namespaces\":[{\"type\":\"pid\"}]}}", "",
		 "mount-namespace: mode inherit: the runtime mounts as root of the caller's user namespace; none is added");
	rt_ctx.maps = &rt_maps;
	return done_testing();
}
