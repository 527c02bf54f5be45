"""`modelcloud demo`: a demo team built from scikit-learn's datasets through the public API.

This package imports only the `modelcloud` client package, httpx and scikit-learn, never the server's code.
"""
