variable "name" {
  description = "Name of the installation; prefixes every Kubernetes object and is its app.kubernetes.io/instance label."
  type        = string
  default     = "modelcloud"

  validation {
    condition     = can(regex("^[a-z]([a-z0-9-]{0,38}[a-z0-9])?$", var.name))
    error_message = "name must be a DNS label of at most 40 characters: lowercase letters, digits and hyphens, starting with a letter."
  }
}

variable "namespace" {
  description = "Kubernetes namespace of the API and the projection process."
  type        = string
  default     = "modelcloud"

  validation {
    condition     = can(regex("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$", var.namespace))
    error_message = "namespace must be a DNS label: lowercase letters, digits and hyphens, at most 63 characters."
  }
}

variable "create_namespace" {
  description = "Create the namespace; false when it exists already."
  type        = bool
  default     = true
}

variable "image" {
  description = "ModelCloud image built from the repository's Dockerfile, with a version tag or a digest, such as 123456789012.dkr.ecr.eu-west-1.amazonaws.com/modelcloud:0.1.0."
  type        = string

  validation {
    condition     = can(regex("^[^\\s]+(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|@sha256:[a-f0-9]{64})$", var.image)) && !endswith(var.image, ":latest")
    error_message = "image must name a tag other than latest or a sha256 digest, such as \"registry.example.com/modelcloud:0.1.0\", so every pod runs the same build."
  }
}

variable "image_pull_secrets" {
  description = "Names of existing docker-registry Secrets in the namespace for a private registry; ECR on EKS needs none."
  type        = list(string)
  default     = []
}

variable "database_url" {
  description = "MODELCLOUD_DATABASE_URL, postgresql://USER:PASSWORD@HOST:PORT/DB; the module stores it in a Secret. Leave null and set database_secret_name to keep the Secret out of Terraform."
  type        = string
  default     = null
  sensitive   = true

  validation {
    condition     = var.database_url == null || can(regex("^postgres(ql)?://", var.database_url))
    error_message = "database_url must be a postgresql:// URL; several API processes need PostgreSQL, and SQLite serves one process only."
  }
}

variable "database_secret_name" {
  description = "Name of an existing Secret in the namespace whose key MODELCLOUD_DATABASE_URL holds the database URL, for example one kept by External Secrets; used when database_url is null."
  type        = string
  default     = null

  validation {
    condition     = (var.database_secret_name == null) != (var.database_url == null)
    error_message = "Set exactly one of database_url and database_secret_name."
  }
}

variable "encryption_key_secret_name" {
  description = "Name of an existing Secret in the namespace whose key MODELCLOUD_ENCRYPTION_KEY holds the key that encrypts event payloads (base64 of 16, 24 or 32 bytes); null stores them unencrypted. Set it before the first start: turning encryption on later needs `modelcloud events copy`."
  type        = string
  default     = null
}

variable "postgres_sslmode" {
  description = "libpq sslmode (PGSSLMODE) of every connection to PostgreSQL; verify-full also needs the server's CA in PGSSLROOTCERT through extra_env and a mounted file."
  type        = string
  default     = "require"

  validation {
    condition     = contains(["disable", "allow", "prefer", "require", "verify-ca", "verify-full"], var.postgres_sslmode)
    error_message = "postgres_sslmode must be one of disable, allow, prefer, require, verify-ca, verify-full."
  }
}

variable "artifacts" {
  description = "MODELCLOUD_ARTIFACTS, the artifact store shared by every pod and Ray worker: s3://BUCKET/PREFIX."
  type        = string

  validation {
    condition     = can(regex("^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](/.*)?$", var.artifacts))
    error_message = "artifacts must be an s3://BUCKET/PREFIX URL such as \"s3://acme-modelcloud/artifacts\"; a local folder is not shared between pods."
  }
}

variable "ray_address" {
  description = "RAY_ADDRESS of the Ray cluster, a Ray Client address such as ray://modelcloud-head-svc.ray.svc.cluster.local:10001 (the kuberay module's client_address output)."
  type        = string

  validation {
    condition     = can(regex("^ray://[A-Za-z0-9.-]+:[0-9]{1,5}$", var.ray_address))
    error_message = "ray_address must be a Ray Client address, ray://HOST:PORT; without a cluster each API pod would start a Ray of its own."
  }
}

variable "ray_auth_token" {
  description = "Token of a Ray cluster that runs with token authentication (the kuberay module's auth_token output); null when the cluster has none."
  type        = string
  default     = null
  sensitive   = true
}

variable "ray_namespace" {
  description = "Namespace of the Ray cluster, which the API pods may reach on ray_client_port."
  type        = string
  default     = "ray"
}

variable "ray_client_port" {
  description = "Port of the Ray Client server on the Ray head."
  type        = number
  default     = 10001
}

variable "public_host" {
  description = "Host name under which users reach ModelCloud, such as modelcloud.example.com; the Ingress, the TLS certificate and the allowed browser origin use it."
  type        = string

  validation {
    condition     = can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$", var.public_host))
    error_message = "public_host must be a lowercase DNS name such as \"modelcloud.example.com\", without a scheme or a port."
  }
}

variable "tls_secret_name" {
  description = "Secret of type kubernetes.io/tls in the namespace with the certificate for public_host; cert-manager creates it when cert_manager_cluster_issuer is set."
  type        = string
  default     = "modelcloud-tls"
}

variable "cert_manager_cluster_issuer" {
  description = "cert-manager ClusterIssuer that issues the certificate into tls_secret_name; null when you create that Secret yourself."
  type        = string
  default     = null
}

variable "ingress_class_name" {
  description = "IngressClass that serves the Ingress; the default annotations are written for ingress-nginx."
  type        = string
  default     = "nginx"
}

variable "ingress_annotations" {
  description = "Annotations added to the Ingress, over the module's ingress-nginx defaults (body size for uploads, one-hour timeouts for WebSocket subscriptions)."
  type        = map(string)
  default     = {}
}

variable "ingress_controller_namespace" {
  description = "Namespace of the ingress controller pods, the only pods besides metrics_namespaces that may open connections to the API."
  type        = string
  default     = "ingress-nginx"
}

variable "metrics_namespaces" {
  description = "Namespaces whose pods may scrape /metrics on the API pods, such as the OpenTelemetry collector's or Prometheus's."
  type        = list(string)
  default     = []
}

variable "database_cidrs" {
  description = "Networks of the PostgreSQL server that pods may reach on port 5432."
  type        = list(string)
  default     = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"]

  validation {
    condition     = alltrue([for cidr in var.database_cidrs : can(cidrnetmask(cidr))])
    error_message = "database_cidrs must be IPv4 networks such as \"10.0.0.0/16\"."
  }
}

variable "external_egress_ports" {
  description = "Ports that pods may reach on any address except the cloud metadata address: 443 for S3 and STS, and the ports of alert channels' webhook receivers."
  type        = list(number)
  default     = [443, 80]
}

variable "otel_exporter_otlp_endpoint" {
  description = "OTEL_EXPORTER_OTLP_ENDPOINT of the pods, such as http://otel-collector.observability.svc:4318 (the otel-collector module's otlp_http_endpoint output); empty sets none."
  type        = string
  default     = ""

  validation {
    condition     = var.otel_exporter_otlp_endpoint == "" || can(regex("^https?://", var.otel_exporter_otlp_endpoint))
    error_message = "otel_exporter_otlp_endpoint must be an http:// or https:// URL, or empty."
  }
}

variable "otel_namespace" {
  description = "Namespace of the OpenTelemetry collector that pods may reach on ports 4317 and 4318; null when there is none."
  type        = string
  default     = null
}

variable "projection_replicas" {
  description = "Projection pods; one applies each projection and the others stand by to take it over."
  type        = number
  default     = 2

  validation {
    condition     = var.projection_replicas >= 1
    error_message = "projection_replicas must be at least 1."
  }
}

variable "api_min_replicas" {
  description = "Fewest API pods the autoscaler keeps."
  type        = number
  default     = 2

  validation {
    condition     = var.api_min_replicas >= 1
    error_message = "api_min_replicas must be at least 1."
  }
}

variable "api_max_replicas" {
  description = "Most API pods the autoscaler starts; each holds a connection pool to PostgreSQL, so size max_connections for it."
  type        = number
  default     = 6

  validation {
    condition     = var.api_max_replicas >= var.api_min_replicas
    error_message = "api_max_replicas must be at least api_min_replicas."
  }
}

variable "api_target_cpu_percent" {
  description = "Average CPU use, in percent of the request, at which the autoscaler adds API pods."
  type        = number
  default     = 70

  validation {
    condition     = var.api_target_cpu_percent >= 10 && var.api_target_cpu_percent <= 100
    error_message = "api_target_cpu_percent must be between 10 and 100."
  }
}

variable "api_resources" {
  description = "CPU and memory requests and limits of each API container."
  type = object({
    requests = object({ cpu = string, memory = string })
    limits   = object({ cpu = string, memory = string })
  })
  default = {
    requests = { cpu = "500m", memory = "1Gi" }
    limits   = { cpu = "2", memory = "2Gi" }
  }
}

variable "projections_resources" {
  description = "CPU and memory requests and limits of the projection process's container."
  type = object({
    requests = object({ cpu = string, memory = string })
    limits   = object({ cpu = string, memory = string })
  })
  default = {
    requests = { cpu = "250m", memory = "512Mi" }
    limits   = { cpu = "1", memory = "1Gi" }
  }
}

variable "max_upload_bytes" {
  description = "MODELCLOUD_MAX_UPLOAD_BYTES, the largest file /v1/uploads accepts; the Ingress's body limit follows it."
  type        = number
  default     = 2147483648

  validation {
    condition     = var.max_upload_bytes >= 1
    error_message = "max_upload_bytes must be a positive number of bytes."
  }
}

variable "log_level" {
  description = "MODELCLOUD_LOG_LEVEL of every pod."
  type        = string
  default     = "INFO"

  validation {
    condition     = contains(["DEBUG", "INFO", "WARNING", "ERROR"], var.log_level)
    error_message = "log_level must be one of DEBUG, INFO, WARNING, ERROR."
  }
}

variable "extra_env" {
  description = "Further environment variables of every ModelCloud pod, such as AWS_REGION or MODELCLOUD_SESSION_TTL_HOURS; never put secrets here."
  type        = map(string)
  default     = {}
}

variable "service_account_annotations" {
  description = "Annotations of the pods' service account, such as eks.amazonaws.com/role-arn for the IAM role that reads and writes the artifact bucket."
  type        = map(string)
  default     = {}
}

variable "network_policies" {
  description = "Create NetworkPolicies that limit the pods' traffic to what ModelCloud needs; the cluster's network plugin must enforce them."
  type        = bool
  default     = true
}

variable "labels" {
  description = "Labels added to every Kubernetes object of this module."
  type        = map(string)
  default     = {}
}
