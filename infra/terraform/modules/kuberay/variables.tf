variable "install_operator" {
  description = "Install the KubeRay operator with Helm; false when the cluster has one already (KubeRay 1.6 or newer, for token authentication)."
  type        = bool
  default     = true
}

variable "operator_namespace" {
  description = "Namespace of the KubeRay operator."
  type        = string
  default     = "kuberay-operator"
}

variable "operator_chart_version" {
  description = "Version of the kuberay-operator Helm chart; RayCluster's authOptions.secretName needs 1.6 or newer."
  type        = string
  default     = "1.6.2"

  validation {
    condition     = can(regex("^1\\.([6-9]|[1-9][0-9])\\.[0-9]+$", var.operator_chart_version))
    error_message = "operator_chart_version must be a KubeRay release from 1.6.0 on, such as \"1.6.2\"."
  }
}

variable "operator_values" {
  description = "Values passed to the kuberay-operator chart, over its defaults."
  type        = any
  default     = {}
}

variable "namespace" {
  description = "Namespace of the Ray cluster."
  type        = string
  default     = "ray"

  validation {
    condition     = can(regex("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$", var.namespace))
    error_message = "namespace must be a DNS label: lowercase letters, digits and hyphens, at most 63 characters."
  }
}

variable "create_namespace" {
  description = "Create the Ray cluster's namespace; false when it exists already."
  type        = bool
  default     = true
}

variable "cluster_name" {
  description = "Name of the RayCluster; its head Service is CLUSTER_NAME-head-svc."
  type        = string
  default     = "modelcloud"

  validation {
    condition     = can(regex("^[a-z]([a-z0-9-]{0,38}[a-z0-9])?$", var.cluster_name))
    error_message = "cluster_name must be a DNS label of at most 40 characters: lowercase letters, digits and hyphens, starting with a letter."
  }
}

variable "image" {
  description = "ModelCloud image for every Ray node. Ray workers import ModelCloud's worker code from it, and Ray requires the same Python and Ray versions on the driver (the API) and the nodes, so use the API's image."
  type        = string

  validation {
    condition     = can(regex("^[^\\s]+(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|@sha256:[a-f0-9]{64})$", var.image)) && !endswith(var.image, ":latest")
    error_message = "image must name a tag other than latest or a sha256 digest, such as \"registry.example.com/modelcloud:0.1.0\"."
  }
}

variable "ray_version" {
  description = "Ray version installed in the image (pyproject.toml pins ray 2.60); KubeRay reads it to choose features such as token authentication."
  type        = string
  default     = "2.60.0"

  validation {
    condition     = can(regex("^2\\.[0-9]+\\.[0-9]+$", var.ray_version))
    error_message = "ray_version must be a Ray 2.x version such as \"2.60.0\"."
  }
}

variable "token_auth" {
  description = "Require a token on every connection to the Ray cluster (Ray's token authentication); the auth_token output goes to the API pods."
  type        = bool
  default     = true
}

variable "head_resources" {
  description = "CPU and memory of the Ray head, which runs the GCS, the Ray Client server and the Serve controller but no tasks (num-cpus 0)."
  type        = object({ cpu = string, memory = string })
  default     = { cpu = "2", memory = "4Gi" }
}

variable "cpu_workers" {
  description = "CPU worker group: the autoscaler keeps between min_replicas and max_replicas pods of cpu and memory each. Training, evaluation, inspection and Serve replicas run here."
  type = object({
    min_replicas = number
    max_replicas = number
    cpu          = string
    memory       = string
  })
  default = {
    min_replicas = 1
    max_replicas = 4
    cpu          = "4"
    memory       = "16Gi"
  }

  validation {
    condition     = var.cpu_workers.min_replicas >= 0 && var.cpu_workers.max_replicas >= max(1, var.cpu_workers.min_replicas)
    error_message = "cpu_workers.max_replicas must be at least 1 and at least min_replicas, and min_replicas must not be negative."
  }
}

variable "gpu_workers" {
  description = "GPU worker group, left out while max_replicas is 0. The standard image ships tensorflow-cpu, so set image to a build with a GPU-enabled TensorFlow."
  type = object({
    min_replicas    = optional(number, 0)
    max_replicas    = optional(number, 0)
    gpus_per_worker = optional(number, 1)
    cpu             = optional(string, "8")
    memory          = optional(string, "32Gi")
    image           = optional(string)
    node_selector   = optional(map(string), {})
    tolerations = optional(list(object({
      key      = string
      operator = string
      value    = optional(string)
      effect   = string
    })), [{ key = "nvidia.com/gpu", operator = "Exists", effect = "NoSchedule" }])
  })
  default = {}

  validation {
    condition     = var.gpu_workers.min_replicas >= 0 && var.gpu_workers.max_replicas >= var.gpu_workers.min_replicas && var.gpu_workers.gpus_per_worker >= 1
    error_message = "gpu_workers needs 0 <= min_replicas <= max_replicas and gpus_per_worker of at least 1."
  }
}

variable "idle_timeout_seconds" {
  description = "Seconds a worker pod stays idle before the autoscaler removes it."
  type        = number
  default     = 300

  validation {
    condition     = var.idle_timeout_seconds >= 30
    error_message = "idle_timeout_seconds must be at least 30."
  }
}

variable "env" {
  description = "Environment variables of every Ray container, such as AWS_REGION; PGSSLMODE=require and HOME=/tmp are set unless given here. Never put secrets here."
  type        = map(string)
  default     = {}
}

variable "service_account_annotations" {
  description = "Annotations of the Ray pods' service account, such as eks.amazonaws.com/role-arn for the IAM role that reads and writes the artifact bucket."
  type        = map(string)
  default     = {}
}

variable "client_namespaces" {
  description = "Namespaces whose pods (the ModelCloud API) may connect to the Ray Client port 10001 of the head."
  type        = list(string)
  default     = ["modelcloud"]
}

variable "metrics_namespaces" {
  description = "Namespaces whose pods may scrape the Ray nodes' metrics port 8080."
  type        = list(string)
  default     = []
}

variable "network_policies" {
  description = "Create a NetworkPolicy that admits connections to Ray pods only from the cluster itself, client_namespaces, metrics_namespaces and the operator."
  type        = bool
  default     = true
}

variable "labels" {
  description = "Labels added to every Kubernetes object of this module."
  type        = map(string)
  default     = {}
}
