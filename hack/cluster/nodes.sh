#!/usr/bin/env bash
# Prints the simulated nodes of the local cluster as YAML (kwok manages every node annotated kwok.x-k8s.io/node=fake).
# Default: 4 NVIDIA H100 nodes (nvidia.com/gpu: 8, rdma/hca: 8) and 2 Ascend 910 nodes (huawei.com/Ascend910: 8).
# Override the counts with DSO_GPU_NODES / DSO_NPU_NODES. Node IPs are loopback addresses: nothing ever dials them.
set -euo pipefail
gpu=${DSO_GPU_NODES:-4}; npu=${DSO_NPU_NODES:-2}
node() { # name ip resource count extra-labels
  cat <<YAML
---
apiVersion: v1
kind: Node
metadata:
  name: $1
  annotations: {kwok.x-k8s.io/node: fake, node.alpha.kubernetes.io/ttl: "0"}
  labels: {type: kwok, kubernetes.io/hostname: $1, kubernetes.io/os: linux, kubernetes.io/arch: amd64, $5}
spec:
  providerID: kwok://$1
status:
  addresses: [{type: InternalIP, address: $2}, {type: Hostname, address: $1}]
  capacity:    {cpu: "192", memory: 2Ti, ephemeral-storage: 20Ti, pods: "110", $3: "$4"$6}
  allocatable: {cpu: "192", memory: 2Ti, ephemeral-storage: 20Ti, pods: "110", $3: "$4"$6}
YAML
}
for ((i = 0; i < gpu; i++)); do
  node "gpu-$i" "127.0.10.$((i + 1))" nvidia.com/gpu 8 \
    'nvidia.com/gpu.present: "true", nvidia.com/gpu.product: NVIDIA-H100-80GB-HBM3, nvidia.com/gpu.count: "8", topology.deepseek-operator.io/rack: rack-'$((i / 2)) \
    ', rdma/hca: "8"'
done
for ((i = 0; i < npu; i++)); do
  node "npu-$i" "127.0.20.$((i + 1))" huawei.com/Ascend910 8 'accelerator: huawei-Ascend910, node.kubernetes.io/npu.chip.name: 910B' ''
done
