/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of the rule net-devices (lib/rules/net-devices.c):
 * linux.netDevices is removed. */
#include "rule-test.h"

static const char in[] = "{\"linux\":{\"netDevices\":{\"eth1\":{}},\"intelRdt\":{\"closID\":\"x\"},\"z\":1}}";

int main(void)
{
	/* mode inherit, /sys out of the way: the config is these rules' alone */
	rt_ctx.maps = &rt_inherit;
	rt_ctx.owns_net = true;

	rt_check(in, "{\"linux\":{\"z\":1}}", "linux.netDevices: removed|linux.intelRdt: removed",
		 "net-devices: netDevices and intelRdt are removed");
	rt_check_tag(in, "linux.netDevices: removed", "net-devices", "net-devices: netDevices removed");
	/* read as a whole: of any type, it goes */
	rt_check("{\"linux\":{\"netDevices\":5}}", "{\"linux\":{}}", "linux.netDevices: removed: moving network devices",
		 "net-devices: a netDevices that is not an object is removed too");

	/* turned off (--skip net-devices): netDevices stays, intel-rdt still removes intelRdt */
	rt_check_skipped("net-devices", in, "{\"linux\":{\"netDevices\":{\"eth1\":{}},\"z\":1}}", "linux.intelRdt: removed",
			 "net-devices skipped: netDevices stays");
	rt_check_skipped("net-devices", "{\"linux\":{\"netDevices\":5}}", "{\"linux\":{\"netDevices\":5}}", "",
			 "net-devices skipped: a netDevices of any type is accepted and left as it is");
	return done_testing();
}
