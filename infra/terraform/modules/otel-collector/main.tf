# An OpenTelemetry collector that receives OTLP (traces, metrics, logs) from ModelCloud's pods,
# scrapes the API pods' Prometheus /metrics, and exports everything to one configurable backend.

locals {
  exporter = "${var.exporter_protocol}/backend"

  authorization_header = var.exporter_authorization_secret == null ? {} : {
    Authorization = "$${env:OTLP_AUTHORIZATION}"
  }

  collector_config = {
    receivers = {
      "prometheus/modelcloud" = {
        config = {
          scrape_configs = [{
            job_name        = "modelcloud-api"
            scrape_interval = var.scrape_interval
            metrics_path    = "/metrics"
            kubernetes_sd_configs = [{
              role       = "pod"
              namespaces = { names = var.scrape_namespaces }
            }]
            # Keep only the API pods' http port; the projection process has no /metrics.
            relabel_configs = [
              {
                source_labels = ["__meta_kubernetes_pod_label_app_kubernetes_io_name", "__meta_kubernetes_pod_label_app_kubernetes_io_component", "__meta_kubernetes_pod_container_port_name"]
                regex         = "modelcloud;api;http"
                action        = "keep"
              },
              {
                source_labels = ["__meta_kubernetes_pod_name"]
                target_label  = "pod"
              },
            ]
          }]
        }
      }
    }
    processors = {
      memory_limiter = {
        check_interval         = "1s"
        limit_percentage       = 80
        spike_limit_percentage = 20
      }
      batch = {}
    }
    exporters = {
      (local.exporter) = {
        endpoint = var.exporter_endpoint
        headers  = merge(var.exporter_headers, local.authorization_header)
      }
    }
    service = {
      pipelines = {
        # The kubernetesAttributes preset below adds the k8sattributes processor to each pipeline.
        traces = {
          receivers  = ["otlp"]
          processors = ["memory_limiter", "batch"]
          exporters  = [local.exporter]
        }
        metrics = {
          receivers  = ["otlp", "prometheus/modelcloud"]
          processors = ["memory_limiter", "batch"]
          exporters  = [local.exporter]
        }
        logs = {
          receivers  = ["otlp"]
          processors = ["memory_limiter", "batch"]
          exporters  = [local.exporter]
        }
      }
    }
  }

  values = {
    fullnameOverride = var.name
    mode             = "deployment"
    replicaCount     = var.replicas
    image            = { repository = var.image_repository }
    resources        = var.resources
    # Adds the k8sattributes processor to every pipeline (pod, namespace and deployment names on
    # every signal) and the ClusterRole that it and the Prometheus pod discovery need.
    presets = { kubernetesAttributes = { enabled = true } }
    podSecurityContext = {
      runAsNonRoot   = true
      runAsUser      = 10001
      seccompProfile = { type = "RuntimeDefault" }
    }
    securityContext = {
      allowPrivilegeEscalation = false
      readOnlyRootFilesystem   = true
      capabilities             = { drop = ["ALL"] }
    }
    extraEnvs = var.exporter_authorization_secret == null ? [] : [{
      name      = "OTLP_AUTHORIZATION"
      valueFrom = { secretKeyRef = { name = var.exporter_authorization_secret, key = "authorization" } }
    }]
    config = local.collector_config
  }
}

resource "helm_release" "collector" {
  name             = var.name
  repository       = "https://open-telemetry.github.io/opentelemetry-helm-charts"
  chart            = "opentelemetry-collector"
  version          = var.chart_version
  namespace        = var.namespace
  create_namespace = true
  atomic           = true
  values           = [yamlencode(local.values)]
}

resource "kubernetes_network_policy_v1" "collector" {
  count = var.network_policies ? 1 : 0

  metadata {
    name      = var.name
    namespace = helm_release.collector.namespace
  }

  spec {
    pod_selector {
      match_labels = {
        "app.kubernetes.io/name"     = "opentelemetry-collector"
        "app.kubernetes.io/instance" = var.name
      }
    }

    policy_types = ["Ingress"]

    ingress {
      dynamic "from" {
        for_each = var.client_namespaces

        content {
          namespace_selector {
            match_labels = { "kubernetes.io/metadata.name" = from.value }
          }
        }
      }

      ports {
        port     = "4317"
        protocol = "TCP"
      }

      ports {
        port     = "4318"
        protocol = "TCP"
      }
    }
  }
}
