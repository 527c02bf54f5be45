"""The ModelCloud client: log a training run's metrics, parameters, histograms and model to a ModelCloud server.

    import modelcloud

    with modelcloud.init(team="vision", name="resnet-baseline", params={"lr": 0.001}) as run:
        run.log({"loss": 0.42, "accuracy": 0.87})
"""

__version__ = "0.1.0"

from modelcloud.errors import ApiError, BufferNotWritable, ModelCloudError, ServerUnavailable  # noqa: E402
from modelcloud.run import Run, init  # noqa: E402
from modelcloud.syncing import sync  # noqa: E402

__all__ = ["ApiError", "BufferNotWritable", "ModelCloudError", "Run", "ServerUnavailable", "init", "sync", "__version__"]
