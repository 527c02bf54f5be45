output "url" {
  description = "Address at which users reach ModelCloud once DNS points public_host at the ingress controller."
  value       = module.app.url
}

output "ecr_repository_url" {
  description = "Repository to push the image to: docker push ECR_REPOSITORY_URL:IMAGE_TAG."
  value       = aws_ecr_repository.modelcloud.repository_url
}

output "artifacts_url" {
  description = "MODELCLOUD_ARTIFACTS of every pod."
  value       = module.bucket.artifacts_url
}

output "database_address" {
  description = "Host name of the RDS instance; null with an external database."
  value       = module.postgres.address
}

output "database_url" {
  description = "MODELCLOUD_DATABASE_URL, for `modelcloud` commands run from an operator's machine through a tunnel."
  value       = module.postgres.database_url
  sensitive   = true
}

output "ray_client_address" {
  description = "RAY_ADDRESS of the API pods."
  value       = module.kuberay.client_address
}

output "workload_role_arn" {
  description = "IAM role that the API, projection and Ray pods assume for the artifact bucket."
  value       = aws_iam_role.workload.arn
}

output "first_start_credentials_command" {
  description = "Command that prints the first administrator's password and token from the API logs after the first start."
  value       = "kubectl -n ${module.app.namespace} logs -l app.kubernetes.io/component=api --prefix --tail=-1 | grep -A4 'created its first administrator'"
}
