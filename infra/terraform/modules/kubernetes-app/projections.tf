# Projection processes keep the read models current. Each projection has a PostgreSQL advisory-lock
# lease, so one pod applies it while the others stand by and take it over when that pod dies.

resource "kubernetes_deployment_v1" "projections" {
  #checkov:skip=CKV_K8S_8:The projection process serves no HTTP; its lag shows on the API's /readyz and /metrics.
  #checkov:skip=CKV_K8S_9:The projection process receives no traffic, so readiness has nothing to gate.
  #checkov:skip=CKV_K8S_14:The image comes from var.image, whose validation rejects a missing tag and :latest.
  #checkov:skip=CKV_K8S_43:var.image takes a digest or a version tag; the example's ECR repository makes tags immutable.
  metadata {
    name      = "${var.name}-projections"
    namespace = local.namespace
    labels    = merge(local.common_labels, local.projections_selector)
  }

  spec {
    replicas = var.projection_replicas

    selector {
      match_labels = local.projections_selector
    }

    strategy {
      type = "RollingUpdate"

      rolling_update {
        max_surge       = "1"
        max_unavailable = "0"
      }
    }

    template {
      metadata {
        labels = merge(local.common_labels, local.projections_selector)
      }

      spec {
        service_account_name             = kubernetes_service_account_v1.this.metadata[0].name
        automount_service_account_token  = false
        termination_grace_period_seconds = 30

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

        container {
          name              = "projections"
          image             = var.image
          image_pull_policy = "Always"
          command           = ["modelcloud"]
          args              = ["projections", "run"]

          dynamic "env" {
            for_each = local.projections_env

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
            requests = var.projections_resources.requests
            limits   = var.projections_resources.limits
          }

          # NOTE: `modelcloud projections run` serves no HTTP, so it has no liveness or readiness
          # probe. Its lag is visible on every API pod's /readyz and /metrics
          # (modelcloud_projection_lag_events).

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

          empty_dir {
            size_limit = "1Gi"
          }
        }
      }
    }
  }
}
