"""Ray actors and tasks (training, evaluation, inspection, serving) and the reconciler.

TensorFlow is imported only inside these workers, never by the API process. None exists yet.
"""
