# ModelCloud on an existing EKS cluster: an ECR repository for the image, an S3 artifact bucket,
# PostgreSQL on RDS, a KubeRay cluster, an optional OpenTelemetry collector, and the API with
# its projection process. One IAM role, assumed through IRSA, gives the API, the projection
# process and the Ray pods access to the bucket.

locals {
  app_namespace  = "modelcloud"
  app_name       = "modelcloud"
  ray_namespace  = "ray"
  otel_namespace = "observability"
  install_otel   = var.otel_exporter_endpoint != null

  image       = "${aws_ecr_repository.modelcloud.repository_url}:${var.image_tag}"
  oidc_issuer = trimprefix(data.aws_eks_cluster.this.identity[0].oidc[0].issuer, "https://")
}

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

data "aws_vpc" "cluster" {
  id = data.aws_eks_cluster.this.vpc_config[0].vpc_id
}

# The image

resource "aws_ecr_repository" "modelcloud" {
  name = "modelcloud"
  # A tag names one build for good, so every pod of a release runs the same image.
  image_tag_mutability = "IMMUTABLE"

  image_scanning_configuration {
    scan_on_push = true
  }

  # KMS with the account's AWS managed key for ECR.
  encryption_configuration {
    encryption_type = "KMS"
  }
}

resource "aws_ecr_lifecycle_policy" "modelcloud" {
  repository = aws_ecr_repository.modelcloud.name
  policy = jsonencode({
    rules = [{
      rulePriority = 1
      description  = "Keep the 30 newest images."
      selection    = { tagStatus = "any", countType = "imageCountMoreThan", countNumber = 30 }
      action       = { type = "expire" }
    }]
  })
}

# Storage

module "bucket" {
  source = "../../modules/bucket"

  bucket_name                         = var.bucket_name
  access_log_bucket                   = var.access_log_bucket
  replication_destination_bucket_arn  = var.bucket_replica_arn
  replication_destination_kms_key_arn = var.bucket_replica_kms_key_arn
  tags                                = var.tags
}

module "postgres" {
  source = "../../modules/postgres"

  external_database_url      = var.external_database_url
  identifier                 = "modelcloud"
  vpc_id                     = data.aws_eks_cluster.this.vpc_config[0].vpc_id
  subnet_ids                 = var.database_subnet_ids
  allowed_security_group_ids = [data.aws_eks_cluster.this.vpc_config[0].cluster_security_group_id]
  instance_class             = var.database_instance_class
  multi_az                   = var.database_multi_az
  tags                       = var.tags
}

# Access to the bucket for the API, the projection process and the Ray pods (IRSA)

data "aws_iam_policy_document" "workload_assume" {
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]

    principals {
      type        = "Federated"
      identifiers = ["arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:oidc-provider/${local.oidc_issuer}"]
    }

    condition {
      test     = "StringEquals"
      variable = "${local.oidc_issuer}:aud"
      values   = ["sts.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "${local.oidc_issuer}:sub"
      values = [
        "system:serviceaccount:${local.app_namespace}:${local.app_name}",
        "system:serviceaccount:${local.ray_namespace}:modelcloud-ray",
      ]
    }
  }
}

resource "aws_iam_role" "workload" {
  name_prefix        = "modelcloud-workload-"
  assume_role_policy = data.aws_iam_policy_document.workload_assume.json
}

resource "aws_iam_role_policy" "artifacts" {
  name   = "modelcloud-artifacts"
  role   = aws_iam_role.workload.id
  policy = module.bucket.access_policy_json
}

# Kubernetes

module "otel_collector" {
  source = "../../modules/otel-collector"
  count  = local.install_otel ? 1 : 0

  namespace         = local.otel_namespace
  exporter_endpoint = var.otel_exporter_endpoint
  exporter_protocol = var.otel_exporter_protocol
  scrape_namespaces = [local.app_namespace]
  client_namespaces = [local.app_namespace, local.ray_namespace]
}

module "kuberay" {
  source = "../../modules/kuberay"

  namespace    = local.ray_namespace
  cluster_name = "modelcloud"
  image        = local.image
  cpu_workers  = var.cpu_workers
  gpu_workers = {
    max_replicas = var.gpu_max_workers
    image        = var.gpu_image
  }
  env = merge(
    { AWS_REGION = var.region },
    local.install_otel ? { OTEL_EXPORTER_OTLP_ENDPOINT = module.otel_collector[0].otlp_http_endpoint } : {},
  )
  service_account_annotations = { "eks.amazonaws.com/role-arn" = aws_iam_role.workload.arn }
  client_namespaces           = [local.app_namespace]
  metrics_namespaces          = local.install_otel ? [local.otel_namespace] : []
}

module "app" {
  source = "../../modules/kubernetes-app"

  name                        = local.app_name
  namespace                   = local.app_namespace
  image                       = local.image
  database_url                = module.postgres.database_url
  artifacts                   = module.bucket.artifacts_url
  ray_address                 = module.kuberay.client_address
  ray_auth_token              = module.kuberay.auth_token
  ray_namespace               = local.ray_namespace
  public_host                 = var.public_host
  cert_manager_cluster_issuer = var.cert_manager_cluster_issuer
  api_min_replicas            = var.api_min_replicas
  api_max_replicas            = var.api_max_replicas
  database_cidrs              = [data.aws_vpc.cluster.cidr_block]
  otel_exporter_otlp_endpoint = local.install_otel ? module.otel_collector[0].otlp_http_endpoint : ""
  otel_namespace              = local.install_otel ? local.otel_namespace : null
  metrics_namespaces          = local.install_otel ? [local.otel_namespace] : []
  extra_env                   = { AWS_REGION = var.region }
  service_account_annotations = { "eks.amazonaws.com/role-arn" = aws_iam_role.workload.arn }
}
