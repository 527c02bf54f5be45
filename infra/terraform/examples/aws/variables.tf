variable "region" {
  description = "AWS region of the EKS cluster, the database and the bucket."
  type        = string

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.region))
    error_message = "region must be an AWS region such as \"eu-west-1\"."
  }
}

variable "eks_cluster_name" {
  description = "Name of an existing EKS cluster with an IAM OIDC provider (for IRSA), an ingress-nginx controller and a network plugin that enforces NetworkPolicies."
  type        = string
}

variable "database_subnet_ids" {
  description = "Private subnets, in at least two availability zones of the cluster's VPC, for the RDS instance; ignored with external_database_url."
  type        = list(string)
  default     = []
}

variable "external_database_url" {
  description = "postgresql://USER:PASSWORD@HOST:PORT/DB of a PostgreSQL server you run elsewhere; null creates an RDS instance."
  type        = string
  default     = null
  sensitive   = true
}

variable "database_multi_az" {
  description = "Keep a standby of the RDS instance in a second availability zone."
  type        = bool
  default     = true
}

variable "database_instance_class" {
  description = "RDS instance class."
  type        = string
  default     = "db.t4g.medium"
}

variable "bucket_name" {
  description = "Name of the S3 bucket for artifacts; bucket names are global, so include your organisation, such as acme-modelcloud-artifacts."
  type        = string
}

variable "bucket_replica_arn" {
  description = "ARN of a versioned bucket in another region that receives a copy of every artifact; null turns replication off."
  type        = string
  default     = null
}

variable "bucket_replica_kms_key_arn" {
  description = "KMS key of the replica bucket; required with bucket_replica_arn."
  type        = string
  default     = null
}

variable "access_log_bucket" {
  description = "Existing bucket that receives the artifact bucket's S3 access logs; null turns access logging off."
  type        = string
  default     = null
}

variable "image_tag" {
  description = "Tag of the ModelCloud image in the ECR repository this example creates; tags there are immutable, so a tag always names one build."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$", var.image_tag)) && var.image_tag != "latest"
    error_message = "image_tag must be a Docker tag other than latest, such as \"0.1.0\"."
  }
}

variable "public_host" {
  description = "Host name under which users reach ModelCloud; point its DNS record at the ingress controller's load balancer."
  type        = string
}

variable "cert_manager_cluster_issuer" {
  description = "cert-manager ClusterIssuer that issues the TLS certificate; null when you create the modelcloud-tls Secret yourself."
  type        = string
  default     = null
}

variable "api_min_replicas" {
  description = "Fewest API pods."
  type        = number
  default     = 2
}

variable "api_max_replicas" {
  description = "Most API pods."
  type        = number
  default     = 6
}

variable "cpu_workers" {
  description = "Ray CPU worker group: fewest and most pods, and the CPU and memory of each."
  type = object({
    min_replicas = number
    max_replicas = number
    cpu          = string
    memory       = string
  })
  default = {
    min_replicas = 1
    max_replicas = 4
    cpu          = "4"
    memory       = "16Gi"
  }
}

variable "gpu_max_workers" {
  description = "Most Ray GPU worker pods; 0 leaves the GPU group out. The group needs an image with a GPU-enabled TensorFlow in gpu_image."
  type        = number
  default     = 0

  validation {
    condition     = var.gpu_max_workers >= 0
    error_message = "gpu_max_workers must not be negative."
  }
}

variable "gpu_image" {
  description = "Image of the Ray GPU workers, a ModelCloud build with a GPU-enabled TensorFlow; required when gpu_max_workers is above 0."
  type        = string
  default     = null

  validation {
    condition     = var.gpu_max_workers == 0 || var.gpu_image != null
    error_message = "gpu_image is required when gpu_max_workers is above 0, because the standard image ships tensorflow-cpu."
  }
}

variable "otel_exporter_endpoint" {
  description = "OTLP endpoint of your tracing and metrics backend; null installs no collector."
  type        = string
  default     = null
}

variable "otel_exporter_protocol" {
  description = "otlphttp or otlp (gRPC), the protocol of otel_exporter_endpoint."
  type        = string
  default     = "otlphttp"
}

variable "tags" {
  description = "Tags on every AWS resource."
  type        = map(string)
  default     = { application = "modelcloud" }
}
