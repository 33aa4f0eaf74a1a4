"""A model download as the stand-in hubs do it: a few seconds (DS_STANDIN_DOWNLOAD_SECONDS, default 1), then the
files a snapshot has; DS_STANDIN_DOWNLOAD_FAIL makes it fail the way a hub does (the value is the error message)."""
import json
import os
import sys
import time


def snapshot(hub, repo_id, revision=None, local_dir=None):
    failure = os.environ.get("DS_STANDIN_DOWNLOAD_FAIL")
    if failure:
        print(f"{hub}: {repo_id}: {failure}", file=sys.stderr)
        raise OSError(f"{repo_id}: {failure}")
    seconds = float(os.environ.get("DS_STANDIN_DOWNLOAD_SECONDS", "1"))
    target = local_dir or os.path.join(os.path.expanduser("~/.cache/standin-hub"), repo_id.replace("/", "--"))
    os.makedirs(target, exist_ok=True)
    print(f"{hub} stand-in: downloading {repo_id}@{revision or 'main'} into {target} ({seconds:g} s)", flush=True)
    time.sleep(seconds)
    with open(os.path.join(target, "config.json"), "w") as f:
        json.dump({"architectures": ["DeepseekV3ForCausalLM"], "model_type": "deepseek_v3", "standin": True}, f)
    with open(os.path.join(target, "model.safetensors.index.json"), "w") as f:
        json.dump({"metadata": {"standin": True}, "weight_map": {}}, f)
    return target
