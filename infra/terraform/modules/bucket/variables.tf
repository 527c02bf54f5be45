variable "bucket_name" {
  description = "Name of the S3 bucket that holds ModelCloud's content-addressed artifacts (model files, datasets, checkpoints)."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.bucket_name)) && !can(regex("\\.\\.", var.bucket_name))
    error_message = "bucket_name must be 3 to 63 characters of lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit, such as \"acme-modelcloud-artifacts\"."
  }
}

variable "prefix" {
  description = "Key prefix under which ModelCloud stores its objects; the artifacts_url output ends with it."
  type        = string
  default     = "modelcloud"

  validation {
    condition     = can(regex("^[A-Za-z0-9!_.*'()-]+(/[A-Za-z0-9!_.*'()-]+)*$", var.prefix))
    error_message = "prefix must be one or more path segments without leading, trailing or double slashes, such as \"modelcloud\" or \"teams/ml\"."
  }
}

variable "kms_key_arn" {
  description = "ARN of an existing KMS key for server-side encryption; null creates a key with rotation turned on."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN such as \"arn:aws:kms:eu-west-1:123456789012:key/…\", or null."
  }
}

variable "noncurrent_version_expiration_days" {
  description = "Days after which a replaced or deleted object version is removed for good; the window in which an overwritten object can still be restored."
  type        = number
  default     = 30

  validation {
    condition     = var.noncurrent_version_expiration_days >= 1 && floor(var.noncurrent_version_expiration_days) == var.noncurrent_version_expiration_days
    error_message = "noncurrent_version_expiration_days must be a whole number of at least 1."
  }
}

variable "abort_incomplete_multipart_upload_days" {
  description = "Days after which the parts of a multipart upload that never completed (an upload interrupted by a crash) are removed."
  type        = number
  default     = 7

  validation {
    condition     = var.abort_incomplete_multipart_upload_days >= 1 && floor(var.abort_incomplete_multipart_upload_days) == var.abort_incomplete_multipart_upload_days
    error_message = "abort_incomplete_multipart_upload_days must be a whole number of at least 1."
  }
}

variable "access_log_bucket" {
  description = "Name of an existing bucket that receives S3 server access logs for this bucket; null turns access logging off."
  type        = string
  default     = null
}

variable "replication_destination_bucket_arn" {
  description = "ARN of a versioned bucket, usually in another region, that receives a copy of every object; null turns replication off."
  type        = string
  default     = null

  validation {
    condition     = var.replication_destination_bucket_arn == null || can(regex("^arn:aws[a-z-]*:s3:::[a-z0-9.-]+$", var.replication_destination_bucket_arn))
    error_message = "replication_destination_bucket_arn must be a bucket ARN such as \"arn:aws:s3:::acme-modelcloud-replica\", or null."
  }
}

variable "replication_destination_kms_key_arn" {
  description = "ARN of the KMS key that encrypts the replicas in the destination bucket; required with replication_destination_bucket_arn."
  type        = string
  default     = null
}

variable "force_destroy" {
  description = "Let `terraform destroy` delete the bucket even when it still holds objects. Leave false outside throw-away environments."
  type        = bool
  default     = false
}

variable "tags" {
  description = "Tags added to every resource of this module."
  type        = map(string)
  default     = {}
}
