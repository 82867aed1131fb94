# SPDX-License-Identifier: Apache-2.0
# oci-rootless's rules of mode single that depend on the config alone, as a jq
# program, what a shell user would write:
#   jq --tab --argjson uid 1000 --argjson gid 1000 -f rootless.jq config.json
# (-c instead of --tab for a one-line config). The rules that read the calling
# host (rlimits, oomScoreAdj, shared pid/ipc, sysctl, locked bind flags) are
# left out, as in bench/go. jq 1.6 reads numbers as doubles:
# 18446744073709551615 comes out changed.

# A mount destination cleaned as a path (relative ones taken from "/").
def clean_path:
  (if startswith("/") then . else "/" + . end)
  | split("/")
  | reduce .[] as $s ([];
      if $s == "" or $s == "." then .
      elif $s == ".." then (if length > 0 then .[:-1] else . end)
      else . + [$s] end)
  | "/" + join("/");

def under_sys: clean_path | (. == "/sys" or startswith("/sys/"));

# The N of "uid=N" when it is a plain decimal number, else empty.
def option_id($prefix):
  select(startswith($prefix)) | .[($prefix | length):] | select(test("^[0-9]+$")) | tonumber;

def covered($maps; $id): any($maps[]; .containerID <= $id and $id < .containerID + .size);

def is_plain_user: .type == "user" and ((.path // "") == "");

# 1. linux exists; namespaces end with one user namespace (the first plain one, as written).
(if .linux == null then .linux = {} else . end)
| if any(.linux.namespaces[]?; .type == "user" and ((.path // "") != ""))
  then error("a user namespace joined by path cannot be made rootless") else . end
| .linux.namespaces = ([.linux.namespaces[]? | select(.type != "user")]
                       + [first(.linux.namespaces[]? | select(is_plain_user)) // {"type": "user"}])
# 2. mappings (mode single).
| .linux.uidMappings = [{"containerID": 0, "hostID": $uid, "size": 1}]
| .linux.gidMappings = [{"containerID": 0, "hostID": $gid, "size": 1}]
# 3. /sys without a network namespace of its own.
| if any(.linux.namespaces[]; .type == "network" and ((.path // "") == "")) then .
  else .mounts = ([.mounts[]? | select(.destination | under_sys | not)]
                  + [{"destination": "/sys", "type": "none", "source": "/sys",
                      "options": ["rbind", "nosuid", "noexec", "nodev", "ro"]}])
  end
# 4. uid= and gid= mount options stay only when mapped.
| .linux.uidMappings as $um | .linux.gidMappings as $gm
| if .mounts then
    .mounts |= map(if .options then
      .options |= map(select(
        ([option_id("uid=")] | length == 0 or covered($um; .[0]))
        and ([option_id("gid=")] | length == 0 or covered($gm; .[0]))))
    else . end)
  else . end
# 5. no cgroup settings (--cgroups drop).
| del(.linux.resources, .linux.cgroupsPath)
# 6. the process user must be mapped; no additional groups in mode single.
| if (.process.user // null) == null then .
  elif covered($um; .process.user.uid // 0) and covered($gm; .process.user.gid // 0)
  then del(.process.user.additionalGids)
  else error("process.user: not mapped in the container") end
# 11. no netDevices, no intelRdt.
| del(.linux.netDevices, .linux.intelRdt)
