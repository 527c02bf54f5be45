output "bucket_name" {
  description = "Name of the artifact bucket."
  value       = aws_s3_bucket.artifacts.bucket
}

output "bucket_arn" {
  description = "ARN of the artifact bucket, for IAM policies."
  value       = aws_s3_bucket.artifacts.arn
}

output "kms_key_arn" {
  description = "ARN of the KMS key that encrypts the bucket's objects; readers and writers need kms:Decrypt and kms:GenerateDataKey on it."
  value       = local.kms_key_arn
}

output "artifacts_url" {
  description = "Value for MODELCLOUD_ARTIFACTS: s3://BUCKET/PREFIX."
  value       = "s3://${aws_s3_bucket.artifacts.bucket}/${var.prefix}"
}

output "access_policy_json" {
  description = "IAM policy document that grants ModelCloud's processes what they need on the bucket and its key; attach it to their role."
  value       = data.aws_iam_policy_document.access.json
}
