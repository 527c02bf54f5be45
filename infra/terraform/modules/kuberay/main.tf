# A KubeRay operator and one RayCluster for ModelCloud's workers: a head that runs no tasks, an
# autoscaled CPU worker group and an optional GPU worker group. The API connects as a Ray
# Client driver (ray://HEAD:10001) and starts its actors and Serve deployments here.

locals {
  namespace    = var.create_namespace ? kubernetes_namespace_v1.ray[0].metadata[0].name : var.namespace
  head_service = "${var.cluster_name}-head-svc"

  labels = merge(var.labels, {
    "app.kubernetes.io/name"       = "modelcloud-ray"
    "app.kubernetes.io/instance"   = var.cluster_name
    "app.kubernetes.io/managed-by" = "terraform"
  })

  env = [for name, value in merge({ PGSSLMODE = "require", HOME = "/tmp" }, var.env) : { name = name, value = value }]

  pod_security_context = {
    runAsNonRoot   = true
    runAsUser      = 10001
    runAsGroup     = 10001
    fsGroup        = 10001
    seccompProfile = { type = "RuntimeDefault" }
  }
  container_security_context = {
    allowPrivilegeEscalation = false
    privileged               = false
    readOnlyRootFilesystem   = true
    runAsNonRoot             = true
    capabilities             = { drop = ["ALL"] }
  }
  # Ray keeps its session files and logs under /tmp/ray.
  tmp_volume = { name = "tmp", emptyDir = { sizeLimit = "10Gi" } }
  tmp_mount  = { name = "tmp", mountPath = "/tmp" }

  cpu_group = {
    groupName      = "cpu"
    minReplicas    = var.cpu_workers.min_replicas
    maxReplicas    = var.cpu_workers.max_replicas
    rayStartParams = {}
    template = {
      metadata = { labels = local.labels }
      spec = {
        serviceAccountName           = kubernetes_service_account_v1.ray.metadata[0].name
        automountServiceAccountToken = false
        securityContext              = local.pod_security_context
        containers = [{
          name            = "ray-worker"
          image           = var.image
          imagePullPolicy = "Always"
          env             = local.env
          # Requests equal to limits, so Ray's view of the node's CPUs and memory is what the pod gets.
          resources = {
            requests = { cpu = var.cpu_workers.cpu, memory = var.cpu_workers.memory }
            limits   = { cpu = var.cpu_workers.cpu, memory = var.cpu_workers.memory }
          }
          securityContext = local.container_security_context
          volumeMounts    = [local.tmp_mount]
        }]
        volumes = [local.tmp_volume]
      }
    }
  }

  gpu_group = {
    groupName      = "gpu"
    minReplicas    = var.gpu_workers.min_replicas
    maxReplicas    = var.gpu_workers.max_replicas
    rayStartParams = {}
    template = {
      metadata = { labels = local.labels }
      spec = {
        serviceAccountName           = kubernetes_service_account_v1.ray.metadata[0].name
        automountServiceAccountToken = false
        securityContext              = local.pod_security_context
        nodeSelector                 = var.gpu_workers.node_selector
        tolerations                  = [for toleration in var.gpu_workers.tolerations : { for key, value in toleration : key => value if value != null }]
        containers = [{
          name            = "ray-worker"
          image           = coalesce(var.gpu_workers.image, var.image)
          imagePullPolicy = "Always"
          env             = local.env
          resources = {
            requests = { cpu = var.gpu_workers.cpu, memory = var.gpu_workers.memory, "nvidia.com/gpu" = tostring(var.gpu_workers.gpus_per_worker) }
            limits   = { cpu = var.gpu_workers.cpu, memory = var.gpu_workers.memory, "nvidia.com/gpu" = tostring(var.gpu_workers.gpus_per_worker) }
          }
          securityContext = local.container_security_context
          volumeMounts    = [local.tmp_mount]
        }]
        volumes = [local.tmp_volume]
      }
    }
  }

  head_group = {
    serviceType = "ClusterIP"
    # No tasks or actors on the head, so a busy training run cannot starve the GCS.
    rayStartParams = { "num-cpus" = "0", "dashboard-host" = "0.0.0.0" }
    template = {
      metadata = { labels = local.labels }
      spec = {
        # The head keeps its service account token: KubeRay's autoscaler runs beside it and
        # changes the worker groups' replica counts through the Kubernetes API.
        serviceAccountName = kubernetes_service_account_v1.ray.metadata[0].name
        securityContext    = local.pod_security_context
        containers = [{
          name            = "ray-head"
          image           = var.image
          imagePullPolicy = "Always"
          env             = local.env
          ports = [
            { name = "gcs-server", containerPort = 6379 },
            { name = "dashboard", containerPort = 8265 },
            { name = "client", containerPort = 10001 },
            { name = "metrics", containerPort = 8080 },
          ]
          resources = {
            requests = { cpu = var.head_resources.cpu, memory = var.head_resources.memory }
            limits   = { cpu = var.head_resources.cpu, memory = var.head_resources.memory }
          }
          securityContext = local.container_security_context
          volumeMounts    = [local.tmp_mount]
        }]
        volumes = [local.tmp_volume]
      }
    }
  }
}

resource "helm_release" "operator" {
  count = var.install_operator ? 1 : 0

  name             = "kuberay-operator"
  repository       = "https://ray-project.github.io/kuberay-helm/"
  chart            = "kuberay-operator"
  version          = var.operator_chart_version
  namespace        = var.operator_namespace
  create_namespace = true
  atomic           = true
  values           = [yamlencode(var.operator_values)]
}

resource "kubernetes_namespace_v1" "ray" {
  count = var.create_namespace ? 1 : 0

  metadata {
    name = var.namespace
    labels = merge(local.labels, {
      # KubeRay adds containers of its own (the autoscaler) to the head pod; baseline admits
      # them, and restricted only warns.
      "pod-security.kubernetes.io/enforce" = "baseline"
      "pod-security.kubernetes.io/warn"    = "restricted"
    })
  }
}

resource "kubernetes_service_account_v1" "ray" {
  metadata {
    name        = "${var.cluster_name}-ray"
    namespace   = local.namespace
    labels      = local.labels
    annotations = var.service_account_annotations
  }
}

resource "random_password" "ray_token" {
  count = var.token_auth ? 1 : 0

  length  = 48
  special = false
}

resource "kubernetes_secret_v1" "ray_token" {
  count = var.token_auth ? 1 : 0

  metadata {
    name      = "${var.cluster_name}-ray-auth"
    namespace = local.namespace
    labels    = local.labels
  }

  data = {
    auth_token = random_password.ray_token[0].result
  }
}

# NOTE: kubernetes_manifest needs the RayCluster CRD at plan time. On a cluster without KubeRay,
# apply the operator first: terraform apply -target=module.kuberay.helm_release.operator.
resource "kubernetes_manifest" "ray_cluster" {
  manifest = {
    apiVersion = "ray.io/v1"
    kind       = "RayCluster"
    metadata = {
      name      = var.cluster_name
      namespace = local.namespace
      labels    = local.labels
    }
    spec = merge(
      {
        rayVersion              = var.ray_version
        enableInTreeAutoscaling = true
        autoscalerOptions = {
          upscalingMode      = "Default"
          idleTimeoutSeconds = var.idle_timeout_seconds
          resources = {
            requests = { cpu = "250m", memory = "512Mi" }
            limits   = { cpu = "500m", memory = "512Mi" }
          }
          # KubeRay adds this container to the head pod without the head's /tmp volume, so its
          # root file system stays writable.
          securityContext = merge(local.container_security_context, { readOnlyRootFilesystem = false })
        }
        headGroupSpec = local.head_group
        # The worker groups set no replicas: the autoscaler owns that field.
        workerGroupSpecs = concat([local.cpu_group], var.gpu_workers.max_replicas > 0 ? [local.gpu_group] : [])
      },
      var.token_auth ? { authOptions = { mode = "token", secretName = kubernetes_secret_v1.ray_token[0].metadata[0].name } } : {},
    )
  }

  depends_on = [helm_release.operator]
}

resource "kubernetes_network_policy_v1" "ray" {
  count = var.network_policies ? 1 : 0

  metadata {
    name      = "${var.cluster_name}-ray"
    namespace = local.namespace
    labels    = local.labels
  }

  spec {
    pod_selector {
      match_labels = { "ray.io/cluster" = var.cluster_name }
    }

    policy_types = ["Ingress"]

    # Ray nodes talk to each other on many ports (GCS, raylets, object transfer, workers).
    ingress {
      from {
        pod_selector {
          match_labels = { "ray.io/cluster" = var.cluster_name }
        }
      }
    }

    ingress {
      dynamic "from" {
        for_each = var.client_namespaces

        content {
          namespace_selector {
            match_labels = { "kubernetes.io/metadata.name" = from.value }
          }
        }
      }

      ports {
        port     = "10001"
        protocol = "TCP"
      }
    }

    # The operator checks the head's dashboard.
    ingress {
      from {
        namespace_selector {
          match_labels = { "kubernetes.io/metadata.name" = var.operator_namespace }
        }
      }

      ports {
        port     = "8265"
        protocol = "TCP"
      }
    }

    dynamic "ingress" {
      for_each = length(var.metrics_namespaces) > 0 ? [1] : []

      content {
        dynamic "from" {
          for_each = var.metrics_namespaces

          content {
            namespace_selector {
              match_labels = { "kubernetes.io/metadata.name" = from.value }
            }
          }
        }

        ports {
          port     = "8080"
          protocol = "TCP"
        }
      }
    }
  }
}
