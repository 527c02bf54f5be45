output "client_address" {
  description = "RAY_ADDRESS for the ModelCloud API: the Ray Client address of the head Service."
  value       = "ray://${local.head_service}.${local.namespace}.svc.cluster.local:10001"
}

output "auth_token" {
  description = "Token of the Ray cluster when token_auth is on, for the API pods' RAY_AUTH_TOKEN; null otherwise."
  value       = var.token_auth ? random_password.ray_token[0].result : null
  sensitive   = true
}

output "namespace" {
  description = "Namespace of the Ray cluster."
  value       = local.namespace
}

output "cluster_name" {
  description = "Name of the RayCluster."
  value       = var.cluster_name
}

output "head_service_name" {
  description = "Service of the Ray head: GCS 6379, dashboard 8265, Ray Client 10001."
  value       = local.head_service
}

output "service_account_name" {
  description = "Service account of the Ray pods, for the IAM role's trust policy."
  value       = kubernetes_service_account_v1.ray.metadata[0].name
}
