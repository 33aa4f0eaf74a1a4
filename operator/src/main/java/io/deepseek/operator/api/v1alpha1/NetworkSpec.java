package io.deepseek.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class NetworkSpec {
  @JsonPropertyDescription("Run pods in the node's network namespace (dnsPolicy ClusterFirstWithHostNet). Ports then"
      + " bind on the node, so two pods of this deployment never share a node.")
  public Boolean hostNetwork;

  @Pattern("^[A-Za-z0-9_.:^,=-]+$")
  @JsonPropertyDescription("NIC the collectives use, e.g. eth0 or bond0 (NCCL_SOCKET_IFNAME, GLOO_SOCKET_IFNAME)."
      + " Cluster specific: never guessed.")
  @com.fasterxml.jackson.annotation.JsonProperty("interface")
  @Size(max = 256)
  public String networkInterface;

  @Default("20000")
  @Min(1024)
  @Max(65000)
  @JsonPropertyDescription("Rendezvous port on the leader (SGLang --dist-init-addr). SGLang with DP attention also uses the next 6 ports.")
  public Integer distInitPort;

  @JsonPropertyDescription("RDMA (InfiniBand/RoCE) devices for GPUDirect: resource requests, NCCL_IB_* env and IPC_LOCK.")
  public RdmaSpec rdma;

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class RdmaSpec {
    @Required
    @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?/[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$")
    @JsonPropertyDescription("Extended resource of the RDMA device plugin, e.g. rdma/hca or rdma/roce_gdr (cluster specific).")
    @Size(max = 253)
    public String resourceName;

    @Default("1")
    @Min(1)
    @JsonPropertyDescription("RDMA resources each pod requests.")
    @Max(64)
    public Integer count;

    @JsonPropertyDescription("HCAs NCCL may use (NCCL_IB_HCA), e.g. [mlx5_0, mlx5_1].")
    @Size(max = 32)
    @ValidationRule(value = "self.all(h, h.size() >= 1 && h.size() <= 64)", message = "network.rdma.hcas: each HCA is a device name of 1-64 characters, such as mlx5_0")
    public List<String> hcas;

    @Min(0)
    @Max(255)
    @JsonPropertyDescription("RoCE/IB GID index (NCCL_IB_GID_INDEX); RoCE v2 is usually 3.")
    public Integer gidIndex;
  }
}
