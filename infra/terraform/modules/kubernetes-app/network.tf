# NetworkPolicies: the API accepts connections only from the ingress controller and the metrics
# scrapers, the projection process accepts none, and both reach only DNS, PostgreSQL, the Ray
# head, the collector and HTTPS endpoints. The cloud metadata address is excluded, so pods
# get AWS credentials only through their service account.

locals {
  metadata_address = "169.254.169.254/32"
}

resource "kubernetes_network_policy_v1" "api" {
  count = var.network_policies ? 1 : 0

  metadata {
    name      = "${var.name}-api"
    namespace = local.namespace
    labels    = local.common_labels
  }

  spec {
    pod_selector {
      match_labels = local.api_selector
    }

    policy_types = ["Ingress", "Egress"]

    ingress {
      from {
        namespace_selector {
          match_labels = { "kubernetes.io/metadata.name" = var.ingress_controller_namespace }
        }
      }

      dynamic "from" {
        for_each = var.metrics_namespaces

        content {
          namespace_selector {
            match_labels = { "kubernetes.io/metadata.name" = from.value }
          }
        }
      }

      ports {
        port     = "http"
        protocol = "TCP"
      }
    }

    egress {
      to {
        namespace_selector {
          match_labels = { "kubernetes.io/metadata.name" = var.ray_namespace }
        }
      }

      ports {
        port     = tostring(var.ray_client_port)
        protocol = "TCP"
      }
    }

    dynamic "egress" {
      for_each = local.shared_egress

      content {
        dynamic "to" {
          for_each = egress.value.to

          content {
            dynamic "namespace_selector" {
              for_each = to.value.namespace == null ? [] : [to.value.namespace]

              content {
                match_labels = { "kubernetes.io/metadata.name" = namespace_selector.value }
              }
            }

            dynamic "ip_block" {
              for_each = to.value.cidr == null ? [] : [to.value.cidr]

              content {
                cidr   = ip_block.value
                except = ip_block.value == "0.0.0.0/0" ? [local.metadata_address] : []
              }
            }
          }
        }

        dynamic "ports" {
          for_each = egress.value.ports

          content {
            port     = tostring(ports.value.port)
            protocol = ports.value.protocol
          }
        }
      }
    }
  }
}

resource "kubernetes_network_policy_v1" "projections" {
  count = var.network_policies ? 1 : 0

  metadata {
    name      = "${var.name}-projections"
    namespace = local.namespace
    labels    = local.common_labels
  }

  spec {
    pod_selector {
      match_labels = local.projections_selector
    }

    # No ingress rule: nothing connects to the projection process.
    policy_types = ["Ingress", "Egress"]

    dynamic "egress" {
      for_each = local.shared_egress

      content {
        dynamic "to" {
          for_each = egress.value.to

          content {
            dynamic "namespace_selector" {
              for_each = to.value.namespace == null ? [] : [to.value.namespace]

              content {
                match_labels = { "kubernetes.io/metadata.name" = namespace_selector.value }
              }
            }

            dynamic "ip_block" {
              for_each = to.value.cidr == null ? [] : [to.value.cidr]

              content {
                cidr   = ip_block.value
                except = ip_block.value == "0.0.0.0/0" ? [local.metadata_address] : []
              }
            }
          }
        }

        dynamic "ports" {
          for_each = egress.value.ports

          content {
            port     = tostring(ports.value.port)
            protocol = ports.value.protocol
          }
        }
      }
    }
  }
}

locals {
  # Egress rules that the API and the projection process share, as data for the dynamic blocks above.
  shared_egress = concat(
    [
      {
        to    = [{ namespace = "kube-system", cidr = null }]
        ports = [{ port = 53, protocol = "UDP" }, { port = 53, protocol = "TCP" }]
      },
      {
        to    = [for cidr in var.database_cidrs : { namespace = null, cidr = cidr }]
        ports = [{ port = 5432, protocol = "TCP" }]
      },
      {
        to    = [{ namespace = null, cidr = "0.0.0.0/0" }]
        ports = [for port in var.external_egress_ports : { port = port, protocol = "TCP" }]
      },
    ],
    var.otel_namespace == null ? [] : [
      {
        to    = [{ namespace = var.otel_namespace, cidr = null }]
        ports = [{ port = 4317, protocol = "TCP" }, { port = 4318, protocol = "TCP" }]
      },
    ],
  )
}
