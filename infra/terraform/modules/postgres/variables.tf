variable "external_database_url" {
  description = "postgresql://USER:PASSWORD@HOST:PORT/DB of a PostgreSQL server that you run elsewhere (another cloud, a managed service, your own cluster). When set, the module creates nothing and passes this URL on."
  type        = string
  default     = null
  sensitive   = true

  validation {
    condition     = var.external_database_url == null || can(regex("^postgres(ql)?://[^/?]+/[^/?]+$", var.external_database_url))
    error_message = "external_database_url must look like postgresql://USER:PASSWORD@HOST:PORT/DB, without options such as ?sslmode= (the kubernetes-app module sets PGSSLMODE from postgres_sslmode), or be null to create an RDS instance."
  }
}

variable "identifier" {
  description = "Name of the RDS instance and prefix of its subnet group, parameter group and security group."
  type        = string
  default     = "modelcloud"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,50}[a-z0-9]$", var.identifier)) && !can(regex("--", var.identifier))
    error_message = "identifier must start with a lowercase letter, contain only lowercase letters, digits and single hyphens, end with a letter or digit, and be at most 52 characters."
  }
}

variable "vpc_id" {
  description = "VPC of the RDS instance; required unless external_database_url is set."
  type        = string
  default     = null
}

variable "subnet_ids" {
  description = "Private subnets, in at least two availability zones, for the RDS subnet group; required unless external_database_url is set."
  type        = list(string)
  default     = []
}

variable "allowed_security_group_ids" {
  description = "Security groups whose members may connect on port 5432, such as the EKS cluster's node or pod security group."
  type        = list(string)
  default     = []
}

variable "allowed_cidr_blocks" {
  description = "Address ranges that may connect on port 5432, in addition to allowed_security_group_ids."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for cidr in var.allowed_cidr_blocks : can(cidrnetmask(cidr)) && cidr != "0.0.0.0/0"])
    error_message = "allowed_cidr_blocks must be IPv4 networks such as \"10.0.0.0/16\"; 0.0.0.0/0 is not accepted because the database must stay private."
  }
}

variable "engine_version" {
  description = "PostgreSQL major version (or major.minor) of the RDS instance; minor upgrades are applied in the maintenance window."
  type        = string
  default     = "17"

  validation {
    condition     = can(regex("^1[4-9](\\.[0-9]+)?$", var.engine_version))
    error_message = "engine_version must be a PostgreSQL version from 14 on, such as \"17\" or \"16.6\"."
  }
}

variable "instance_class" {
  description = "RDS instance class, such as db.t4g.medium for a small team or db.m7g.large for many API processes."
  type        = string
  default     = "db.t4g.medium"

  validation {
    condition     = can(regex("^db\\.[a-z0-9]+\\.[a-z0-9]+$", var.instance_class))
    error_message = "instance_class must be an RDS instance class such as \"db.t4g.medium\"."
  }
}

variable "allocated_storage_gb" {
  description = "Initial storage in GiB; storage grows on its own up to max_allocated_storage_gb."
  type        = number
  default     = 50

  validation {
    condition     = var.allocated_storage_gb >= 20 && var.allocated_storage_gb <= 65536
    error_message = "allocated_storage_gb must be between 20 and 65536."
  }
}

variable "max_allocated_storage_gb" {
  description = "Upper bound, in GiB, for storage autoscaling."
  type        = number
  default     = 500

  validation {
    condition     = var.max_allocated_storage_gb >= var.allocated_storage_gb && var.max_allocated_storage_gb <= 65536
    error_message = "max_allocated_storage_gb must be at least allocated_storage_gb and at most 65536."
  }
}

variable "database_name" {
  description = "Name of the database that ModelCloud creates its tables in."
  type        = string
  default     = "modelcloud"

  validation {
    condition     = can(regex("^[a-z_][a-z0-9_]{0,62}$", var.database_name))
    error_message = "database_name must start with a lowercase letter or underscore and contain only lowercase letters, digits and underscores (at most 63)."
  }
}

variable "username" {
  description = "Master user name; ModelCloud connects as this user."
  type        = string
  default     = "modelcloud"

  validation {
    condition     = can(regex("^[a-z][a-z0-9_]{0,62}$", var.username)) && !contains(["admin", "postgres", "rdsadmin"], var.username)
    error_message = "username must start with a lowercase letter, contain only lowercase letters, digits and underscores, and not be a reserved name (admin, postgres, rdsadmin)."
  }
}

variable "kms_key_arn" {
  description = "KMS key that encrypts storage, snapshots and Performance Insights; null uses the AWS managed key for RDS."
  type        = string
  default     = null
}

variable "multi_az" {
  description = "Keep a synchronous standby in a second availability zone that takes over within a minute or two when the primary fails."
  type        = bool
  default     = true
}

variable "backup_retention_days" {
  description = "Days of automated backups and point-in-time recovery."
  type        = number
  default     = 14

  validation {
    condition     = var.backup_retention_days >= 1 && var.backup_retention_days <= 35
    error_message = "backup_retention_days must be between 1 and 35; 0 would turn backups off."
  }
}

variable "backup_window" {
  description = "Daily UTC window for automated backups, hh24:mi-hh24:mi."
  type        = string
  default     = "02:00-03:00"
}

variable "maintenance_window" {
  description = "Weekly UTC window for maintenance, ddd:hh24:mi-ddd:hh24:mi; it must not overlap backup_window."
  type        = string
  default     = "sun:04:00-sun:05:00"
}

variable "deletion_protection" {
  description = "Refuse to delete the instance until this is turned off; a final snapshot is taken on deletion either way."
  type        = bool
  default     = true
}

variable "iam_database_authentication" {
  description = "Also accept IAM authentication tokens, for people and tools that sign in with AWS credentials. ModelCloud itself connects with the password in its URL."
  type        = bool
  default     = false
}

variable "monitoring_interval_seconds" {
  description = "Seconds between Enhanced Monitoring samples of the operating system; 0 turns Enhanced Monitoring off."
  type        = number
  default     = 60

  validation {
    condition     = contains([0, 1, 5, 10, 15, 30, 60], var.monitoring_interval_seconds)
    error_message = "monitoring_interval_seconds must be one of 0, 1, 5, 10, 15, 30, 60."
  }
}

variable "tags" {
  description = "Tags added to every resource of this module."
  type        = map(string)
  default     = {}
}
