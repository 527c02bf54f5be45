resource "kubernetes_deployment_v1" "api" {
  #checkov:skip=CKV_K8S_14:The image comes from var.image, whose validation rejects a missing tag and :latest.
  #checkov:skip=CKV_K8S_43:var.image takes a digest or a version tag; the example's ECR repository makes tags immutable.
  metadata {
    name      = "${var.name}-api"
    namespace = local.namespace
    labels    = merge(local.common_labels, local.api_selector)
  }

  spec {
    # The autoscaler owns the replica count after the first apply (see lifecycle below).
    replicas = var.api_min_replicas

    selector {
      match_labels = local.api_selector
    }

    strategy {
      type = "RollingUpdate"

      rolling_update {
        max_surge       = "25%"
        max_unavailable = "0"
      }
    }

    template {
      metadata {
        labels = merge(local.common_labels, local.api_selector)
      }

      spec {
        service_account_name             = kubernetes_service_account_v1.this.metadata[0].name
        automount_service_account_token  = false
        termination_grace_period_seconds = 60

        dynamic "image_pull_secrets" {
          for_each = var.image_pull_secrets

          content {
            name = image_pull_secrets.value
          }
        }

        security_context {
          run_as_non_root = true
          run_as_user     = local.pod_security.user
          run_as_group    = local.pod_security.group
          fs_group        = local.pod_security.group

          seccomp_profile {
            type = "RuntimeDefault"
          }
        }

        topology_spread_constraint {
          max_skew           = 1
          topology_key       = "topology.kubernetes.io/zone"
          when_unsatisfiable = "ScheduleAnyway"

          label_selector {
            match_labels = local.api_selector
          }
        }

        container {
          name              = "api"
          image             = var.image
          image_pull_policy = "Always"
          command           = ["modelcloud"]
          args              = ["serve"]

          port {
            name           = "http"
            container_port = 8000
            protocol       = "TCP"
          }

          dynamic "env" {
            for_each = local.api_env

            content {
              name  = env.key
              value = env.value
            }
          }

          dynamic "env" {
            for_each = local.secret_env

            content {
              name = env.key

              value_from {
                secret_key_ref {
                  name = env.value.secret
                  key  = env.value.key
                }
              }
            }
          }

          resources {
            requests = var.api_resources.requests
            limits   = var.api_resources.limits
          }

          # The server listens only after it has created its tables and the first administrator.
          startup_probe {
            http_get {
              path = "/healthz"
              port = "http"
            }
            period_seconds    = 5
            failure_threshold = 60
          }

          liveness_probe {
            http_get {
              path = "/healthz"
              port = "http"
            }
            period_seconds    = 15
            timeout_seconds   = 5
            failure_threshold = 4
          }

          # /readyz fails while the store is unreachable or the projections trail the log by more
          # than MODELCLOUD_READINESS_MAX_LAG events, so a pod that would serve stale reads gets no traffic.
          readiness_probe {
            http_get {
              path = "/readyz"
              port = "http"
            }
            period_seconds    = 10
            timeout_seconds   = 5
            failure_threshold = 3
          }

          security_context {
            allow_privilege_escalation = false
            privileged                 = false
            read_only_root_filesystem  = true
            run_as_non_root            = true
            run_as_user                = local.pod_security.user

            capabilities {
              drop = ["ALL"]
            }
          }

          volume_mount {
            name       = "tmp"
            mount_path = "/tmp"
          }
        }

        volume {
          name = "tmp"

          # Uploads are spooled to temporary files here before they reach the artifact store.
          empty_dir {
            size_limit = "${ceil(var.max_upload_bytes / 1073741824) + 2}Gi"
          }
        }
      }
    }
  }

  lifecycle {
    ignore_changes = [spec[0].replicas]
  }
}

resource "kubernetes_horizontal_pod_autoscaler_v2" "api" {
  metadata {
    name      = "${var.name}-api"
    namespace = local.namespace
    labels    = local.common_labels
  }

  spec {
    min_replicas = var.api_min_replicas
    max_replicas = var.api_max_replicas

    scale_target_ref {
      api_version = "apps/v1"
      kind        = "Deployment"
      name        = kubernetes_deployment_v1.api.metadata[0].name
    }

    metric {
      type = "Resource"

      resource {
        name = "cpu"

        target {
          type                = "Utilization"
          average_utilization = var.api_target_cpu_percent
        }
      }
    }
  }
}

resource "kubernetes_pod_disruption_budget_v1" "api" {
  metadata {
    name      = "${var.name}-api"
    namespace = local.namespace
    labels    = local.common_labels
  }

  spec {
    min_available = 1

    selector {
      match_labels = local.api_selector
    }
  }
}

resource "kubernetes_service_v1" "api" {
  metadata {
    name      = "${var.name}-api"
    namespace = local.namespace
    labels    = local.common_labels
  }

  spec {
    type     = "ClusterIP"
    selector = local.api_selector

    port {
      name        = "http"
      port        = 80
      target_port = "http"
      protocol    = "TCP"
    }
  }
}

locals {
  # ingress-nginx buffers a whole request body up to its limit (1 MiB by default) and closes idle
  # connections after 60 s, which would cut uploads and GraphQL subscriptions.
  nginx_annotations = var.ingress_class_name == "nginx" ? {
    "nginx.ingress.kubernetes.io/proxy-body-size"         = tostring(var.max_upload_bytes)
    "nginx.ingress.kubernetes.io/proxy-request-buffering" = "off"
    "nginx.ingress.kubernetes.io/proxy-read-timeout"      = "3600"
    "nginx.ingress.kubernetes.io/proxy-send-timeout"      = "3600"
    "nginx.ingress.kubernetes.io/ssl-redirect"            = "true"
  } : {}
  cert_manager_annotations = var.cert_manager_cluster_issuer == null ? {} : {
    "cert-manager.io/cluster-issuer" = var.cert_manager_cluster_issuer
  }
}

resource "kubernetes_ingress_v1" "api" {
  metadata {
    name        = "${var.name}-api"
    namespace   = local.namespace
    labels      = local.common_labels
    annotations = merge(local.nginx_annotations, local.cert_manager_annotations, var.ingress_annotations)
  }

  spec {
    ingress_class_name = var.ingress_class_name

    tls {
      hosts       = [var.public_host]
      secret_name = var.tls_secret_name
    }

    rule {
      host = var.public_host

      http {
        path {
          path      = "/"
          path_type = "Prefix"

          backend {
            service {
              name = kubernetes_service_v1.api.metadata[0].name

              port {
                name = "http"
              }
            }
          }
        }
      }
    }
  }
}
