"""The TensorFlow side of platform training runs, imported only inside Ray actors and tests.

`job` describes a run and how a run reports progress, without importing TensorFlow.
`loop.run_training` loads the data, builds a model from its template and trains it on one
worker or on several under MultiWorkerMirroredStrategy.
"""
