"""Stand-in for the parts of Ray's Python API that the operator's scripts use: ray.init(address=...) and ray.nodes().

It talks to the stand-in GCS started by `ray start --head` (hack/standin/ray), which answers "nodes?" with the alive
nodes of the group's cluster.
"""
import json
import os
import socket

_address = None


def init(address=None, logging_level=None, **_):
    global _address
    if address in (None, "auto"):
        address = os.environ.get("RAY_ADDRESS")
    if address in (None, "auto"):
        try:
            with open("/tmp/ray/ray_current_cluster") as f:
                address = f.read().strip()
        except OSError:
            raise ConnectionError("Could not find any running Ray instance. Please specify the one to connect to.")
    _address = address
    nodes()  # fails like ray.init when the GCS does not answer


def is_initialized():
    return _address is not None


def shutdown():
    global _address
    _address = None


def nodes():
    if _address is None:
        raise RuntimeError("Ray has not been started yet. You can start Ray with 'ray.init()'.")
    host, port = _address.rsplit(":", 1)
    with socket.create_connection((host, int(port)), 5) as s:
        s.sendall(b"nodes?\n")
        data = b""
        while not data.endswith(b"\n"):
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    return json.loads(data.decode() or "[]")


def cluster_resources():
    return {"node": float(len(nodes()))}
