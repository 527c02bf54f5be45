# Optional copy of every object into a second bucket, for recovery from the loss of a region
# or of this bucket. The destination must exist and have versioning turned on.

data "aws_iam_policy_document" "replication_assume" {
  count = local.replicate ? 1 : 0

  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["s3.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "replication" {
  count = local.replicate ? 1 : 0

  name_prefix        = "modelcloud-replication-"
  assume_role_policy = data.aws_iam_policy_document.replication_assume[0].json
  tags               = var.tags
}

data "aws_iam_policy_document" "replication" {
  count = local.replicate ? 1 : 0

  statement {
    actions   = ["s3:GetReplicationConfiguration", "s3:ListBucket"]
    resources = [aws_s3_bucket.artifacts.arn]
  }

  statement {
    actions   = ["s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl", "s3:GetObjectVersionTagging"]
    resources = ["${aws_s3_bucket.artifacts.arn}/*"]
  }

  statement {
    actions   = ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"]
    resources = ["${var.replication_destination_bucket_arn}/*"]
  }

  statement {
    actions   = ["kms:Decrypt"]
    resources = [local.kms_key_arn]
  }

  statement {
    actions   = ["kms:Encrypt", "kms:GenerateDataKey"]
    resources = [var.replication_destination_kms_key_arn]
  }
}

resource "aws_iam_role_policy" "replication" {
  count = local.replicate ? 1 : 0

  name   = "replicate-artifacts"
  role   = aws_iam_role.replication[0].id
  policy = data.aws_iam_policy_document.replication[0].json
}

resource "aws_s3_bucket_replication_configuration" "artifacts" {
  count = local.replicate ? 1 : 0

  bucket = aws_s3_bucket.artifacts.id
  role   = aws_iam_role.replication[0].arn

  rule {
    id     = "replicate-everything"
    status = "Enabled"

    filter {}

    delete_marker_replication {
      status = "Enabled"
    }

    source_selection_criteria {
      sse_kms_encrypted_objects {
        status = "Enabled"
      }
    }

    destination {
      bucket = var.replication_destination_bucket_arn

      encryption_configuration {
        replica_kms_key_id = var.replication_destination_kms_key_arn
      }
    }
  }

  lifecycle {
    precondition {
      condition     = var.replication_destination_kms_key_arn != null
      error_message = "replication_destination_kms_key_arn is required when replication_destination_bucket_arn is set, because the replicas are encrypted with a key of the destination."
    }
  }

  depends_on = [aws_s3_bucket_versioning.artifacts]
}
