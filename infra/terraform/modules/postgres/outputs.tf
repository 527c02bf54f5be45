output "database_url" {
  description = "Value for MODELCLOUD_DATABASE_URL: the URL of the created instance, or external_database_url when that is set."
  value       = local.database_url
  sensitive   = true
}

output "address" {
  description = "Host name of the created RDS instance; null with an external database."
  value       = local.create ? aws_db_instance.this[0].address : null
}

output "port" {
  description = "Port of the created RDS instance; null with an external database."
  value       = local.create ? aws_db_instance.this[0].port : null
}

output "instance_arn" {
  description = "ARN of the created RDS instance, for snapshots and IAM policies; null with an external database."
  value       = local.create ? aws_db_instance.this[0].arn : null
}

output "security_group_id" {
  description = "Security group of the created RDS instance; null with an external database."
  value       = local.create ? aws_security_group.this[0].id : null
}
