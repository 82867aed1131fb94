// SPDX-License-Identifier: Apache-2.0

// rootless-go applies oci-rootless's rules of mode single that depend on the
// config alone (user namespace, mappings, /sys, uid=/gid= options, cgroups
// dropped, process user, netDevices/intelRdt) with the runtime-spec Go types,
// as a Go daemon (BuildKit, Moby) would: decode into specs.Spec, change the
// struct, encode (one line for a one-line input, else tab-indented, as
// oci-rootless). The rules that read the calling host (rlimits, oomScoreAdj,
// shared pid/ipc, sysctl, locked bind flags) are left out: the benchmark's
// inputs are chosen so that oci-rootless changes nothing there either. It is
// the benchmark's Go competitor, not a product: like every specs.Spec round
// trip it drops unknown fields and writes keys in the struct's order.
//
// usage: rootless-go UID GID FILE   (converted JSON on stdout)
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

func die(code int, format string, a ...interface{}) {
	fmt.Fprintf(os.Stderr, "rootless-go: "+format+"\n", a...)
	os.Exit(code)
}

func covered(maps []specs.LinuxIDMapping, id uint64) bool {
	for _, m := range maps {
		if id >= uint64(m.ContainerID) && id < uint64(m.ContainerID)+uint64(m.Size) {
			return true
		}
	}
	return false
}

// optionID parses the N of "uid=N" (a plain decimal number).
func optionID(opt, prefix string) (uint64, bool) {
	if !strings.HasPrefix(opt, prefix) || len(opt) == len(prefix) {
		return 0, false
	}
	s := opt[len(prefix):]
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, false
		}
	}
	v, err := strconv.ParseUint(s, 10, 64)
	return v, err == nil
}

func underSys(dest string) bool {
	if !strings.HasPrefix(dest, "/") {
		dest = "/" + dest
	}
	d := filepath.Clean(dest)
	return d == "/sys" || strings.HasPrefix(d, "/sys/")
}

func convert(s *specs.Spec, uid, gid uint32) {
	// 1. linux exists; namespaces end with exactly one plain user namespace.
	if s.Linux == nil {
		s.Linux = &specs.Linux{}
	}
	nss := make([]specs.LinuxNamespace, 0, len(s.Linux.Namespaces)+1)
	var user *specs.LinuxNamespace // the first plain one is kept, at the end
	for i, ns := range s.Linux.Namespaces {
		if ns.Type == specs.UserNamespace {
			if ns.Path != "" {
				die(4, "a user namespace joined by path cannot be made rootless")
			}
			if user == nil {
				user = &s.Linux.Namespaces[i]
			}
			continue
		}
		nss = append(nss, ns)
	}
	if user == nil {
		user = &specs.LinuxNamespace{Type: specs.UserNamespace}
	}
	s.Linux.Namespaces = append(nss, *user)

	// 2. mappings (mode single).
	s.Linux.UIDMappings = []specs.LinuxIDMapping{{ContainerID: 0, HostID: uid, Size: 1}}
	s.Linux.GIDMappings = []specs.LinuxIDMapping{{ContainerID: 0, HostID: gid, Size: 1}}

	// 3. /sys without a network namespace of its own.
	ownNet := false
	for _, ns := range s.Linux.Namespaces {
		if ns.Type == specs.NetworkNamespace && ns.Path == "" {
			ownNet = true
		}
	}
	if !ownNet {
		mounts := make([]specs.Mount, 0, len(s.Mounts)+1)
		for _, m := range s.Mounts {
			if !underSys(m.Destination) {
				mounts = append(mounts, m)
			}
		}
		s.Mounts = append(mounts, specs.Mount{Destination: "/sys", Type: "none", Source: "/sys",
			Options: []string{"rbind", "nosuid", "noexec", "nodev", "ro"}})
	}

	// 4. uid= and gid= mount options stay only when mapped.
	for i := range s.Mounts {
		m := &s.Mounts[i]
		if m.Options == nil {
			continue
		}
		opts := m.Options[:0]
		for _, o := range m.Options {
			if id, ok := optionID(o, "uid="); ok && !covered(s.Linux.UIDMappings, id) {
				continue
			} else if !ok {
				if id, ok := optionID(o, "gid="); ok && !covered(s.Linux.GIDMappings, id) {
					continue
				}
			}
			opts = append(opts, o)
		}
		m.Options = opts
	}

	// 5. no cgroup settings (--cgroups drop).
	s.Linux.Resources = nil
	s.Linux.CgroupsPath = ""

	// 6. the process user must be mapped; no additional groups in mode single.
	if s.Process != nil {
		if !covered(s.Linux.UIDMappings, uint64(s.Process.User.UID)) ||
			!covered(s.Linux.GIDMappings, uint64(s.Process.User.GID)) {
			die(4, "process.user: not mapped in the container")
		}
		s.Process.User.AdditionalGids = nil
	}

	// 11. no Intel RDT (netDevices is not in these runtime-spec types: dropped as unknown).
	s.Linux.IntelRdt = nil
}

func main() {
	if len(os.Args) != 4 {
		die(2, "usage: rootless-go UID GID FILE")
	}
	uid, err1 := strconv.ParseUint(os.Args[1], 10, 32)
	gid, err2 := strconv.ParseUint(os.Args[2], 10, 32)
	if err1 != nil || err2 != nil {
		die(2, "bad uid or gid")
	}
	data, err := os.ReadFile(os.Args[3])
	if err != nil {
		die(5, "%v", err)
	}
	var s specs.Spec
	if err := json.Unmarshal(data, &s); err != nil {
		die(3, "%s: %v", os.Args[3], err)
	}
	convert(&s, uint32(uid), uint32(gid))
	w := bufio.NewWriterSize(os.Stdout, 64<<10)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	if i := bytes.IndexByte(data, '\n'); i >= 0 && i < len(bytes.TrimRight(data, " \t\r\n")) {
		enc.SetIndent("", "\t")
	}
	if err := enc.Encode(&s); err != nil {
		die(5, "%v", err)
	}
	if err := w.Flush(); err != nil {
		die(5, "%v", err)
	}
}
