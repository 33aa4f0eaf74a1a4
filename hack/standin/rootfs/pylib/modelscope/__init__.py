"""Stand-in for modelscope.snapshot_download: no network, a simulated download (see _standin_download)."""
from _standin_download import snapshot


def snapshot_download(model_id, revision=None, local_dir=None, **_):
    return snapshot("ModelScope", model_id, revision, local_dir)
