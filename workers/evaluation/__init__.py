"""Model evaluation in a worker: metrics, curves, slices and attributions of a model version on a dataset version.

Importing this package, or `workers.evaluation.job`, loads neither TensorFlow nor Arrow, so
the reconciler can build jobs in the API process. `runner.evaluate_blob` does the work.
"""

from workers.evaluation.job import EvaluationFailed, EvaluationJob

__all__ = ["EvaluationFailed", "EvaluationJob"]
