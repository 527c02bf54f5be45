# ModelCloud on Kubernetes: the API (`modelcloud serve`) behind an Ingress and an autoscaler,
# and one projection process (`modelcloud projections run`) that keeps the read models current.
# Both run the same image and read every setting from the environment.

locals {
  namespace = var.create_namespace ? kubernetes_namespace_v1.this[0].metadata[0].name : var.namespace

  common_labels = merge(var.labels, {
    "app.kubernetes.io/name"       = "modelcloud"
    "app.kubernetes.io/instance"   = var.name
    "app.kubernetes.io/managed-by" = "terraform"
  })
  api_selector = {
    "app.kubernetes.io/name"      = "modelcloud"
    "app.kubernetes.io/instance"  = var.name
    "app.kubernetes.io/component" = "api"
  }
  projections_selector = {
    "app.kubernetes.io/name"      = "modelcloud"
    "app.kubernetes.io/instance"  = var.name
    "app.kubernetes.io/component" = "projections"
  }

  # Whether a secret was given is not secret itself, and count and for_each reject sensitive values.
  create_database_secret = nonsensitive(var.database_url != null)
  create_ray_secret      = nonsensitive(var.ray_auth_token != null)

  database_secret_name = local.create_database_secret ? kubernetes_secret_v1.database[0].metadata[0].name : var.database_secret_name
  ray_secret_name      = local.create_ray_secret ? kubernetes_secret_v1.ray[0].metadata[0].name : null

  # Settings shared by the API and the projection process. The projections run in their own
  # Deployment, so no API pod runs them as well.
  shared_env = merge(
    {
      MODELCLOUD_ARTIFACTS              = var.artifacts
      MODELCLOUD_PROJECTIONS_IN_PROCESS = "false"
      MODELCLOUD_LOG_LEVEL              = var.log_level
      RAY_ADDRESS                       = var.ray_address
      PGSSLMODE                         = var.postgres_sslmode
      # The root file system is read-only; /tmp is a writable emptyDir.
      HOME = "/tmp"
    },
    var.otel_exporter_otlp_endpoint == "" ? {} : { OTEL_EXPORTER_OTLP_ENDPOINT = var.otel_exporter_otlp_endpoint },
    local.create_ray_secret ? { RAY_AUTH_MODE = "token" } : {},
    var.extra_env,
  )

  api_env = merge(local.shared_env, {
    MODELCLOUD_HOST             = "0.0.0.0"
    MODELCLOUD_PORT             = "8000"
    MODELCLOUD_COOKIE_SECURE    = "true"
    MODELCLOUD_ALLOWED_ORIGINS  = jsonencode(["https://${var.public_host}"])
    MODELCLOUD_MAX_UPLOAD_BYTES = tostring(var.max_upload_bytes)
    OTEL_SERVICE_NAME           = "modelcloud-api"
  })

  projections_env = merge(local.shared_env, {
    OTEL_SERVICE_NAME = "modelcloud-projections"
  })

  # Secrets reach the containers as environment variables read from Secrets, never as plain values.
  secret_env = merge(
    { MODELCLOUD_DATABASE_URL = { secret = local.database_secret_name, key = "MODELCLOUD_DATABASE_URL" } },
    local.ray_secret_name == null ? {} : { RAY_AUTH_TOKEN = { secret = local.ray_secret_name, key = "auth_token" } },
    # The API passes the key on to its Ray jobs, so the Ray pods need no copy of this Secret.
    var.encryption_key_secret_name == null ? {} : {
      MODELCLOUD_ENCRYPTION_KEY = { secret = var.encryption_key_secret_name, key = "MODELCLOUD_ENCRYPTION_KEY" }
    },
  )

  pod_security = {
    user  = 10001
    group = 10001
  }
}

resource "kubernetes_namespace_v1" "this" {
  count = var.create_namespace ? 1 : 0

  metadata {
    name = var.namespace
    labels = merge(local.common_labels, {
      # Pod Security Admission rejects pods that break the restricted profile.
      "pod-security.kubernetes.io/enforce" = "restricted"
    })
  }
}

resource "kubernetes_service_account_v1" "this" {
  metadata {
    name        = var.name
    namespace   = local.namespace
    labels      = local.common_labels
    annotations = var.service_account_annotations
  }

  # ModelCloud never calls the Kubernetes API; cloud credentials come through the annotations (IRSA).
  automount_service_account_token = false
}

resource "kubernetes_secret_v1" "database" {
  count = local.create_database_secret ? 1 : 0

  metadata {
    name      = "${var.name}-database"
    namespace = local.namespace
    labels    = local.common_labels
  }

  data = {
    MODELCLOUD_DATABASE_URL = var.database_url
  }
}

resource "kubernetes_secret_v1" "ray" {
  count = local.create_ray_secret ? 1 : 0

  metadata {
    name      = "${var.name}-ray-auth"
    namespace = local.namespace
    labels    = local.common_labels
  }

  data = {
    auth_token = var.ray_auth_token
  }
}
