output "otlp_http_endpoint" {
  description = "OTEL_EXPORTER_OTLP_ENDPOINT for applications that send OTLP over HTTP."
  value       = "http://${var.name}.${var.namespace}.svc.cluster.local:4318"
}

output "otlp_grpc_endpoint" {
  description = "Endpoint for applications that send OTLP over gRPC."
  value       = "http://${var.name}.${var.namespace}.svc.cluster.local:4317"
}

output "namespace" {
  description = "Namespace of the collector."
  value       = helm_release.collector.namespace
}
