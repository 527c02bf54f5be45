variable "name" {
  description = "Name of the Helm release and of the collector's Service."
  type        = string
  default     = "otel-collector"

  validation {
    condition     = can(regex("^[a-z]([a-z0-9-]{0,38}[a-z0-9])?$", var.name))
    error_message = "name must be a DNS label of at most 40 characters: lowercase letters, digits and hyphens, starting with a letter."
  }
}

variable "namespace" {
  description = "Namespace of the collector; created when missing."
  type        = string
  default     = "observability"
}

variable "chart_version" {
  description = "Version of the opentelemetry-collector Helm chart."
  type        = string
  default     = "0.182.0"

  validation {
    condition     = can(regex("^0\\.[0-9]+\\.[0-9]+$", var.chart_version))
    error_message = "chart_version must be a chart version such as \"0.182.0\"."
  }
}

variable "image_repository" {
  description = "Collector image; the k8s distribution has the OTLP and Prometheus receivers, the k8sattributes processor and the OTLP exporters this module configures."
  type        = string
  default     = "otel/opentelemetry-collector-k8s"
}

variable "replicas" {
  description = "Collector pods; the OTLP receivers are stateless, so any pod takes any batch."
  type        = number
  default     = 2

  validation {
    condition     = var.replicas >= 1
    error_message = "replicas must be at least 1."
  }
}

variable "exporter_protocol" {
  description = "How the collector sends to the backend: otlphttp (OTLP over HTTP, port 4318 on most backends) or otlp (OTLP over gRPC, port 4317)."
  type        = string
  default     = "otlphttp"

  validation {
    condition     = contains(["otlphttp", "otlp"], var.exporter_protocol)
    error_message = "exporter_protocol must be otlphttp or otlp."
  }
}

variable "exporter_endpoint" {
  description = "Endpoint of the tracing and metrics backend (Grafana Tempo and Mimir, Honeycomb, Datadog's OTLP intake, another collector), such as https://otlp.example.com."
  type        = string

  validation {
    condition     = can(regex("^https?://[^\\s]+$", var.exporter_endpoint))
    error_message = "exporter_endpoint must be an http:// or https:// URL such as \"https://otlp.example.com\"."
  }
}

variable "exporter_headers" {
  description = "Headers sent with every export that are not secret, such as a tenant id; put credentials in exporter_authorization_secret instead."
  type        = map(string)
  default     = {}
}

variable "exporter_authorization_secret" {
  description = "Existing Secret in the namespace whose key `authorization` holds the value of the Authorization header for the backend; null sends none."
  type        = string
  default     = null
}

variable "scrape_namespaces" {
  description = "Namespaces in which the collector scrapes /metrics of the ModelCloud API pods (label app.kubernetes.io/component=api) every scrape_interval and exports the series with the traces."
  type        = list(string)
  default     = ["modelcloud"]
}

variable "scrape_interval" {
  description = "Interval between scrapes of the ModelCloud API pods' /metrics, as a Prometheus duration."
  type        = string
  default     = "30s"

  validation {
    condition     = can(regex("^[0-9]+(ms|s|m)$", var.scrape_interval))
    error_message = "scrape_interval must be a Prometheus duration such as \"30s\" or \"1m\"."
  }
}

variable "client_namespaces" {
  description = "Namespaces whose pods may send OTLP to the collector on ports 4317 and 4318."
  type        = list(string)
  default     = ["modelcloud", "ray"]
}

variable "resources" {
  description = "CPU and memory requests and limits of each collector pod; the memory_limiter processor keeps the collector below 80% of the memory limit."
  type = object({
    requests = object({ cpu = string, memory = string })
    limits   = object({ cpu = string, memory = string })
  })
  default = {
    requests = { cpu = "100m", memory = "256Mi" }
    limits   = { cpu = "1", memory = "512Mi" }
  }
}

variable "network_policies" {
  description = "Create a NetworkPolicy that admits OTLP only from client_namespaces."
  type        = bool
  default     = true
}
