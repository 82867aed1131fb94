#!/usr/bin/python3
"""A small CRI client for tests/clients/cri: what a kubelet sends to
containerd's CRI plugin for a pod whose RuntimeClass names a handler.

usage:
  cri.py compile PROTO GENDIR          runtime-v1.proto -> GENDIR/runtime_v1_pb2.py
  cri.py --gen GENDIR check-proto BINARY
        compares every message, field, enum value and RPC of the hand-written
        proto with the runtime.v1 api.proto descriptor compiled into BINARY
        (containerd); prints one line a difference, exit 1 when any
  cri.py --gen GENDIR --socket SOCK version
  cri.py --gen GENDIR --socket SOCK image-status IMAGE...
  cri.py --gen GENDIR --socket SOCK pod PLAN.json
        runs a pod from a plan (below) and prints what happened as JSON

A plan (JSON):
  {"name": "a", "uid": "...", "namespace": "default", "handler": "oci-rootless",
   "hostname": "a", "log_directory": "/dir", "cgroup_parent": "/kubepods/...",
   "network": "POD", "pid": "POD", "ipc": "POD",
   "containers": [{"name": "c", "image": "docker.io/...", "command": [...],
                   "args": [...], "pid": "CONTAINER", "memory": 0,
                   "cpu_shares": 0, "oom_score_adj": 0,
                   "wait": "exit" or "running"}]}
The containers are created and started in order; "exit" waits until the
container has exited, "running" until it runs (the next one starts beside it).
Then the pod is stopped and removed, also after a failed call. The result:
  {"sandbox_id", "ip", "handler", "error": {"rpc", "code", "details"} or null,
   "containers": [{"name", "id", "state", "exit_code", "reason", "message",
                   "log_path"}], "times": {"RunPodSandbox": seconds, ...}}
Exit status 0 when every call succeeded, 1 when one failed, 2 on bad usage.
"""

import json
import os
import sys
import time

TIMEOUT = 60  # seconds, for one RPC
WAIT = 30  # seconds, for a container to reach the state its plan waits for


def load_pb2(gen):
    sys.path.insert(0, gen)
    import runtime_v1_pb2  # noqa: E402 (generated at test time)
    return runtime_v1_pb2


def compile_proto(proto, gen):
    from grpc_tools import protoc
    os.makedirs(gen, exist_ok=True)
    d, f = os.path.split(os.path.abspath(proto))
    # the generated module is named after the file: runtime-v1 -> runtime_v1_pb2
    src = os.path.join(gen, "runtime_v1.proto")
    with open(os.path.join(d, f), "rb") as i, open(src, "wb") as o:
        o.write(i.read())
    r = protoc.main(["protoc", "-I" + gen, "--python_out=" + gen, src])
    if r != 0:
        sys.exit("cri.py: protoc failed on %s" % proto)


# ------------------------------------------------------------ check-proto
def find_descriptor(binary, package):
    """The FileDescriptorProto of api.proto for PACKAGE: Go's protobuf
    registration keeps it gzipped in the binary's data."""
    from google.protobuf import descriptor_pb2
    import zlib
    with open(binary, "rb") as f:
        data = f.read()
    i = 0
    while True:
        i = data.find(b"\x1f\x8b\x08", i)
        if i < 0:
            return None
        d = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            out = d.decompress(data[i:i + (4 << 20)])
        except zlib.error:
            out = b""
        if d.eof and out:
            fd = descriptor_pb2.FileDescriptorProto()
            try:
                fd.ParseFromString(out)
            except Exception:
                fd = None
            if fd is not None and fd.name.endswith("api.proto") and fd.package == package:
                return fd
        i += 1


def check_proto(pb2, binary):
    from google.protobuf import descriptor_pb2
    ours = descriptor_pb2.FileDescriptorProto()
    pb2.DESCRIPTOR.CopyToProto(ours)
    theirs = find_descriptor(binary, ours.package)
    if theirs is None:
        print("no gzipped api.proto descriptor of package %s in %s" % (ours.package, binary))
        return 1
    T = descriptor_pb2.FieldDescriptorProto
    tname = {v: k for k, v in T.Type.items()}
    lname = {v: k for k, v in T.Label.items()}
    bad = []
    counts = {"messages": 0, "fields": 0, "enum values": 0, "methods": 0}
    msgs = {m.name: m for m in theirs.message_type}
    for m in ours.message_type:
        counts["messages"] += 1
        if m.name not in msgs:
            bad.append("message %s: not in %s" % (m.name, binary))
            continue
        fields = {f.name: f for f in msgs[m.name].field}
        for f in m.field:
            counts["fields"] += 1
            g = fields.get(f.name)
            if g is None:
                bad.append("%s.%s: no such field" % (m.name, f.name))
                continue
            for what, a, b in (("number", f.number, g.number),
                               ("type", tname[f.type], tname[g.type]),
                               ("label", lname[f.label], lname[g.label]),
                               ("type name", f.type_name, g.type_name)):
                if a != b:
                    bad.append("%s.%s: %s %s, containerd's is %s" % (m.name, f.name, what, a, b))
    enums = {e.name: e for e in theirs.enum_type}
    for e in ours.enum_type:
        if e.name not in enums:
            bad.append("enum %s: not in %s" % (e.name, binary))
            continue
        values = {v.name: v.number for v in enums[e.name].value}
        for v in e.value:
            counts["enum values"] += 1
            if values.get(v.name) != v.number:
                bad.append("%s.%s = %d, containerd's is %s" % (e.name, v.name, v.number, values.get(v.name)))
    services = {s.name: s for s in theirs.service}
    for s in ours.service:
        if s.name not in services:
            bad.append("service %s: not in %s" % (s.name, binary))
            continue
        methods = {x.name: x for x in services[s.name].method}
        for x in s.method:
            counts["methods"] += 1
            y = methods.get(x.name)
            if y is None:
                bad.append("%s.%s: no such RPC" % (s.name, x.name))
            elif (x.input_type, x.output_type) != (y.input_type, y.output_type):
                bad.append("%s.%s: %s -> %s, containerd's is %s -> %s"
                           % (s.name, x.name, x.input_type, x.output_type, y.input_type, y.output_type))
    for b in bad:
        print(b)
    print("compared with %s (%s, package %s): %s"
          % (binary, theirs.name, theirs.package, ", ".join("%d %s" % (n, k) for k, n in counts.items())))
    return 1 if bad else 0


# ------------------------------------------------------------ RPCs
class Client:
    def __init__(self, pb2, socket):
        import grpc
        self.grpc = grpc
        self.pb2 = pb2
        self.channel = grpc.insecure_channel("unix://" + socket)
        self.times = {}

    def call(self, service, method, **fields):
        """RPC METHOD of SERVICE with a request built from FIELDS; the
        response, or a grpc.RpcError."""
        m = self.pb2.DESCRIPTOR.services_by_name[service].methods_by_name[method]
        req = getattr(self.pb2, m.input_type.name)(**fields)
        resp = getattr(self.pb2, m.output_type.name)
        stub = self.channel.unary_unary("/%s.%s/%s" % (self.pb2.DESCRIPTOR.package, service, method),
                                        request_serializer=req.__class__.SerializeToString,
                                        response_deserializer=resp.FromString)
        t = time.monotonic()
        try:
            return stub(req, timeout=TIMEOUT)
        finally:
            self.times.setdefault(method, []).append(round(time.monotonic() - t, 3))

    def rt(self, method, **fields):
        return self.call("RuntimeService", method, **fields)


class Failed(Exception):
    pass


def rpc_error(method, e):
    return {"rpc": method, "code": e.code().name, "details": e.details()}


def run_pod(c, plan):
    pb2 = c.pb2
    ns = pb2.NamespaceMode.Value
    result = {"sandbox_id": None, "ip": None, "handler": None, "error": None, "containers": []}

    def call(method, **fields):
        try:
            return c.rt(method, **fields)
        except c.grpc.RpcError as e:
            result["error"] = rpc_error(method, e)
            raise Failed() from None

    sandbox_config = pb2.PodSandboxConfig(
        metadata=pb2.PodSandboxMetadata(name=plan["name"], uid=plan["uid"],
                                        namespace=plan.get("namespace", "default"), attempt=0),
        hostname=plan.get("hostname", ""),
        log_directory=plan["log_directory"],
        linux=pb2.LinuxPodSandboxConfig(
            cgroup_parent=plan.get("cgroup_parent", ""),
            security_context=pb2.LinuxSandboxSecurityContext(
                namespace_options=pb2.NamespaceOption(network=ns(plan.get("network", "POD")),
                                                      pid=ns(plan.get("pid", "POD")),
                                                      ipc=ns(plan.get("ipc", "POD"))))))
    sid = None
    try:
        sid = call("RunPodSandbox", config=sandbox_config,
                   runtime_handler=plan.get("handler", "")).pod_sandbox_id
        result["sandbox_id"] = sid
        st = call("PodSandboxStatus", pod_sandbox_id=sid).status
        result["ip"] = st.network.ip
        result["handler"] = st.runtime_handler
        result["sandbox_state"] = pb2.PodSandboxState.Name(st.state)
        for spec in plan.get("containers", []):
            res = {"name": spec["name"], "id": None}
            result["containers"].append(res)
            config = pb2.ContainerConfig(
                metadata=pb2.ContainerMetadata(name=spec["name"], attempt=0),
                image=pb2.ImageSpec(image=spec["image"]),
                command=spec.get("command", []), args=spec.get("args", []),
                log_path="%s/0.log" % spec["name"],
                linux=pb2.LinuxContainerConfig(
                    resources=pb2.LinuxContainerResources(
                        cpu_shares=spec.get("cpu_shares", 2),
                        memory_limit_in_bytes=spec.get("memory", 0),
                        oom_score_adj=spec.get("oom_score_adj", 0)),
                    security_context=pb2.LinuxContainerSecurityContext(
                        namespace_options=pb2.NamespaceOption(
                            network=ns(plan.get("network", "POD")),
                            pid=ns(spec.get("pid", "CONTAINER")),
                            ipc=ns(plan.get("ipc", "POD"))))))
            cid = call("CreateContainer", pod_sandbox_id=sid, config=config,
                       sandbox_config=sandbox_config).container_id
            res["id"] = cid
            call("StartContainer", container_id=cid)
            want = {"exit": "CONTAINER_EXITED", "running": "CONTAINER_RUNNING"}[spec.get("wait", "exit")]
            deadline = time.monotonic() + WAIT
            while True:
                s = call("ContainerStatus", container_id=cid).status
                state = pb2.ContainerState.Name(s.state)
                res.update(state=state, exit_code=s.exit_code, reason=s.reason,
                           message=s.message, log_path=s.log_path)
                if state == want or state == "CONTAINER_EXITED" or time.monotonic() > deadline:
                    break
                time.sleep(0.05)
    except Failed:
        pass
    finally:
        if sid:
            # what a kubelet does when a pod goes: stop, then remove (which
            # removes its containers); errors here are reported too
            for method in ("StopPodSandbox", "RemovePodSandbox"):
                try:
                    c.rt(method, pod_sandbox_id=sid)
                except c.grpc.RpcError as e:
                    result.setdefault("cleanup_errors", []).append(rpc_error(method, e))
    result["times"] = c.times
    return result


def main(argv):
    gen = socket = None
    while argv and argv[0].startswith("--"):
        opt = argv.pop(0)
        if opt == "--gen" and argv:
            gen = argv.pop(0)
        elif opt == "--socket" and argv:
            socket = argv.pop(0)
        else:
            print(__doc__, file=sys.stderr)
            return 2
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    cmd, args = argv[0], argv[1:]
    if cmd == "compile" and len(args) == 2:
        compile_proto(*args)
        return 0
    if not gen:
        print("cri.py: --gen GENDIR is needed", file=sys.stderr)
        return 2
    pb2 = load_pb2(gen)
    if cmd == "check-proto" and len(args) == 1:
        return check_proto(pb2, args[0])
    if not socket:
        print("cri.py: --socket SOCK is needed", file=sys.stderr)
        return 2
    c = Client(pb2, socket)
    try:
        if cmd == "version" and not args:
            v = c.rt("Version", version="v1")
            print(json.dumps({"version": v.version, "runtime_name": v.runtime_name,
                              "runtime_version": v.runtime_version,
                              "runtime_api_version": v.runtime_api_version}))
            return 0
        if cmd == "image-status" and args:
            out = {}
            for image in args:
                r = c.call("ImageService", "ImageStatus", image=pb2.ImageSpec(image=image))
                out[image] = {"id": r.image.id, "repo_tags": list(r.image.repo_tags)} if r.image.id else None
            print(json.dumps(out))
            return 0 if all(out.values()) else 1
    except c.grpc.RpcError as e:
        print(json.dumps({"error": rpc_error(cmd, e)}))
        return 1
    if cmd == "pod" and len(args) == 1:
        with open(args[0]) as f:
            plan = json.load(f)
        result = run_pod(c, plan)
        print(json.dumps(result, indent=1))
        return 1 if result["error"] or result.get("cleanup_errors") else 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
