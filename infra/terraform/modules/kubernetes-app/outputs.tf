output "namespace" {
  description = "Namespace of the API and the projection process."
  value       = local.namespace
}

output "url" {
  description = "Address at which users reach ModelCloud."
  value       = "https://${var.public_host}"
}

output "service_name" {
  description = "ClusterIP Service in front of the API pods, port 80."
  value       = kubernetes_service_v1.api.metadata[0].name
}

output "service_account_name" {
  description = "Service account of the API and projection pods, for the IAM role's trust policy (system:serviceaccount:NAMESPACE:NAME)."
  value       = kubernetes_service_account_v1.this.metadata[0].name
}

output "api_deployment_name" {
  description = "Deployment of the API; `kubectl logs deployment/NAME` shows the first administrator's credentials after the first start."
  value       = kubernetes_deployment_v1.api.metadata[0].name
}

output "projections_deployment_name" {
  description = "Deployment of the projection process."
  value       = kubernetes_deployment_v1.projections.metadata[0].name
}

output "api_pod_labels" {
  description = "Labels that select the API pods, for NetworkPolicies and scrape configurations elsewhere."
  value       = local.api_selector
}
