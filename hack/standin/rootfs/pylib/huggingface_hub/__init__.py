"""Stand-in for huggingface_hub.snapshot_download: no network, a simulated download (see _standin_download)."""
from _standin_download import snapshot


def snapshot_download(repo_id, revision=None, local_dir=None, **_):
    return snapshot("Hugging Face", repo_id, revision, local_dir)
