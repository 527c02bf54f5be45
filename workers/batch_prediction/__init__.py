"""Batch prediction in a worker: `job` is what the reconciler hands over, `scoring` reads, predicts and writes the rows."""
