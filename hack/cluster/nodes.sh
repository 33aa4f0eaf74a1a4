#!/usr/bin/env bash
# Prints the simulated nodes of the local cluster as YAML (kwok manages every node annotated kwok.x-k8s.io/node=fake):
#   gpu-0..3  NVIDIA H100 80GB x 8 (+ rdma/hca: 8)      gpu-4..5  NVIDIA H200 141GB x 8 (+ rdma/hca: 8)
#   npu-0..1  Atlas 800 A2: Ascend 910B x 8             npu-2     Atlas 800 A3: Ascend 910C x 16 (8 cards x 2 dies)
# Override the counts with DSO_H100_NODES, DSO_H200_NODES, DSO_A2_NODES, DSO_A3_NODES. Node IPs come from the cluster's
# node range (hack/lib.sh: $NODE_NET.0.x for GPU nodes, $NODE_NET.1.x for NPU nodes), which lives only inside the network
# namespaces of hack/nodeagent; unlike loopback addresses, the EndpointSlice controller accepts them for host-network pods.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
h100=${DSO_H100_NODES:-4}; h200=${DSO_H200_NODES:-2}; a2=${DSO_A2_NODES:-2}; a3=${DSO_A3_NODES:-1}
node() { # name ip resource count labels extra-resources
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
gpu() { # index product
  node "gpu-$1" "$NODE_NET.0.$(($1 + 1))" nvidia.com/gpu 8 \
    "nvidia.com/gpu.present: \"true\", nvidia.com/gpu.product: $2, nvidia.com/gpu.count: \"8\", topology.deepseek-operator.io/rack: rack-$(($1 / 2))" \
    ', rdma/hca: "8"'
}
npu() { # index chip count
  node "npu-$1" "$NODE_NET.1.$(($1 + 1))" huawei.com/Ascend910 "$3" \
    "accelerator: huawei-Ascend910, node.kubernetes.io/npu.chip.name: $2, topology.deepseek-operator.io/rack: npu-rack-$(($1 / 2))" ''
}
i=0
for ((n = 0; n < h100; n++)); do gpu $i NVIDIA-H100-80GB-HBM3; i=$((i + 1)); done
for ((n = 0; n < h200; n++)); do gpu $i NVIDIA-H200; i=$((i + 1)); done
i=0
for ((n = 0; n < a2; n++)); do npu $i 910B 8; i=$((i + 1)); done
for ((n = 0; n < a3; n++)); do npu $i 910C 16; i=$((i + 1)); done
