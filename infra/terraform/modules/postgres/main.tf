# PostgreSQL for ModelCloud's event store and read models: an RDS instance, or nothing at all
# when external_database_url names a server that runs elsewhere.

locals {
  # Whether a URL was given is not secret itself, and count rejects sensitive values.
  create = nonsensitive(var.external_database_url == null)
  database_url = local.create ? format(
    "postgresql://%s:%s@%s:%d/%s",
    var.username,
    urlencode(random_password.master[0].result),
    aws_db_instance.this[0].address,
    aws_db_instance.this[0].port,
    var.database_name,
  ) : var.external_database_url
}

# NOTE: the password is stored in the Terraform state, as is the database URL built from it;
# keep the state in an encrypted backend that only operators can read.
resource "random_password" "master" {
  count = local.create ? 1 : 0

  length  = 40
  special = false
}

resource "aws_db_subnet_group" "this" {
  count = local.create ? 1 : 0

  name_prefix = "${var.identifier}-"
  subnet_ids  = var.subnet_ids
  tags        = var.tags

  lifecycle {
    precondition {
      condition     = var.vpc_id != null && length(var.subnet_ids) >= 2
      error_message = "vpc_id and at least two subnet_ids are required to create the RDS instance; or set external_database_url."
    }
  }
}

resource "aws_security_group" "this" {
  count = local.create ? 1 : 0

  name_prefix = "${var.identifier}-postgres-"
  description = "PostgreSQL of ModelCloud: port 5432 from the allowed security groups and networks only."
  vpc_id      = var.vpc_id
  tags        = var.tags

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_vpc_security_group_ingress_rule" "from_security_groups" {
  for_each = local.create ? toset(var.allowed_security_group_ids) : toset([])

  security_group_id            = aws_security_group.this[0].id
  description                  = "PostgreSQL from ${each.value}"
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  referenced_security_group_id = each.value
}

resource "aws_vpc_security_group_ingress_rule" "from_networks" {
  for_each = local.create ? toset(var.allowed_cidr_blocks) : toset([])

  security_group_id = aws_security_group.this[0].id
  description       = "PostgreSQL from ${each.value}"
  ip_protocol       = "tcp"
  from_port         = 5432
  to_port           = 5432
  cidr_ipv4         = each.value
}

resource "aws_db_parameter_group" "this" {
  count = local.create ? 1 : 0

  name_prefix = "${var.identifier}-"
  family      = "postgres${split(".", var.engine_version)[0]}"
  description = "ModelCloud: TLS required, slow statements and lock waits logged."
  tags        = var.tags

  parameter {
    name  = "rds.force_ssl"
    value = "1"
  }

  parameter {
    name  = "log_min_duration_statement"
    value = "1000"
  }

  parameter {
    name  = "log_lock_waits"
    value = "1"
  }

  lifecycle {
    create_before_destroy = true
  }
}

data "aws_iam_policy_document" "monitoring_assume" {
  count = local.create && var.monitoring_interval_seconds > 0 ? 1 : 0

  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["monitoring.rds.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "monitoring" {
  count = local.create && var.monitoring_interval_seconds > 0 ? 1 : 0

  name_prefix        = "${var.identifier}-rds-monitoring-"
  assume_role_policy = data.aws_iam_policy_document.monitoring_assume[0].json
  tags               = var.tags
}

resource "aws_iam_role_policy_attachment" "monitoring" {
  count = local.create && var.monitoring_interval_seconds > 0 ? 1 : 0

  role       = aws_iam_role.monitoring[0].name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole"
}

resource "aws_db_instance" "this" {
  #checkov:skip=CKV_AWS_161:ModelCloud's connection pools sign in with the password in MODELCLOUD_DATABASE_URL and cannot renew 15-minute IAM tokens; iam_database_authentication turns IAM sign-in on for people.
  count = local.create ? 1 : 0

  identifier     = var.identifier
  engine         = "postgres"
  engine_version = var.engine_version
  instance_class = var.instance_class

  db_name  = var.database_name
  username = var.username
  password = random_password.master[0].result

  allocated_storage     = var.allocated_storage_gb
  max_allocated_storage = var.max_allocated_storage_gb
  storage_type          = "gp3"
  storage_encrypted     = true
  kms_key_id            = var.kms_key_arn

  db_subnet_group_name   = aws_db_subnet_group.this[0].name
  vpc_security_group_ids = [aws_security_group.this[0].id]
  parameter_group_name   = aws_db_parameter_group.this[0].name
  publicly_accessible    = false
  multi_az               = var.multi_az

  iam_database_authentication_enabled = var.iam_database_authentication

  backup_retention_period   = var.backup_retention_days
  backup_window             = var.backup_window
  maintenance_window        = var.maintenance_window
  copy_tags_to_snapshot     = true
  deletion_protection       = var.deletion_protection
  skip_final_snapshot       = false
  final_snapshot_identifier = "${var.identifier}-final"
  delete_automated_backups  = false

  auto_minor_version_upgrade  = true
  allow_major_version_upgrade = false

  enabled_cloudwatch_logs_exports       = ["postgresql", "upgrade"]
  performance_insights_enabled          = true
  performance_insights_kms_key_id       = var.kms_key_arn
  performance_insights_retention_period = 7
  monitoring_interval                   = var.monitoring_interval_seconds
  monitoring_role_arn                   = var.monitoring_interval_seconds > 0 ? aws_iam_role.monitoring[0].arn : null

  tags = var.tags
}
