/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of the rule devices (lib/rules/devices.c): each linux.devices
 * entry becomes a bind of the host's node, or goes. The host's nodes are
 * this machine's /dev/null (c 1:3) and what /sys/dev/char/1:3 names. */
#include "rule-test.h"

#define DEV(path, type, maj, min) "{\"path\":\"" path "\",\"type\":\"" type "\",\"major\":" #maj ",\"minor\":" #min ",\"fileMode\":438,\"uid\":0,\"gid\":0}"
#define CFG(devs, mounts) "{\"mounts\":[" mounts "],\"linux\":{\"devices\":[" devs "]}}"
#define BIND(dest, src) "{\"destination\":\"" dest "\",\"type\":\"bind\",\"source\":\"" src "\",\"options\":[\"bind\",\"nosuid\",\"noexec\"]}"
#define DEVTMPFS "{\"destination\":\"/dev\",\"type\":\"tmpfs\",\"source\":\"tmpfs\"}"

int main(void)
{
	rt_ctx.maps = &rt_inherit;
	rt_ctx.owns_net = true;
	rt_check(CFG(DEV("/dev/null", "c", 1, 3), DEVTMPFS), CFG("", DEVTMPFS "," BIND("/dev/null", "/dev/null")),
		 "linux.devices: /dev/null (c 1:3) became a bind of the host's /dev/null: a user namespace cannot create a "
		 "device node, and its major, minor, mode and owner are the host's (crun: \"unshare CLONE_NEWNS: Operation "
		 "not permitted\")",
		 "devices: the host's node at the same path: a bind of it, after the mounts");
	rt_check(CFG(DEV("/dev/ocirl-null", "c", 1, 3), DEVTMPFS), CFG("", DEVTMPFS "," BIND("/dev/ocirl-null", "/dev/null")),
		 "linux.devices: /dev/ocirl-null (c 1:3) became a bind of the host's /dev/null",
		 "devices: another path: the node the kernel names for 1:3 (/sys/dev/char/1:3/uevent)");
	rt_check(CFG(DEV("/dev/ocirl-none", "c", 4095, 1048575), DEVTMPFS), CFG("", DEVTMPFS),
		 "linux.devices: removed /dev/ocirl-none (c 4095:1048575): the host has no such device to bind, and a user "
		 "namespace cannot create one",
		 "devices: no such device on the host: the entry goes");
	rt_check(CFG(DEV("/dev/null", "b", 1, 3), DEVTMPFS), CFG("", DEVTMPFS), "linux.devices: removed /dev/null (b 1:3)",
		 "devices: a block device where the host's node is a character one: the entry goes");
	rt_check(CFG(DEV("/dev/null", "c", 1, 5), DEVTMPFS), CFG("", DEVTMPFS "," BIND("/dev/null", "/dev/zero")),
		 "linux.devices: /dev/null (c 1:5) became a bind of the host's /dev/zero",
		 "devices: the path's node is another device: the one with that major:minor is bound");
	rt_check_tag(CFG(DEV("/dev/null", "c", 1, 3), DEVTMPFS), "linux.devices: /dev/null", "devices", "devices: tagged");
	rt_check_skipped("devices", CFG(DEV("/dev/null", "c", 1, 3), DEVTMPFS), CFG(DEV("/dev/null", "c", 1, 3), DEVTMPFS), "",
			 "devices skipped: the entries stay");
	rt_check("{\"linux\":{\"devices\":[]}}", "{\"linux\":{\"devices\":[]}}", "", "devices: none: nothing to do");
	rt_check("{\"linux\":{\"devices\":[" DEV("/dev/null", "c", 1, 3) "]}}", "{\"linux\":{\"devices\":[]},\"mounts\":[" BIND("/dev/null", "/dev/null") "]}",
		 "linux.devices: /dev/null (c 1:3) became a bind", "devices: no mounts: made, at the end of the config");
	rt_check_error("{\"linux\":{\"devices\":[{\"type\":\"c\"}]}}", "error 1: linux.devices[0].path: expected a string",
		       "devices: an entry without a path is refused");
	return done_testing();
}
