"""The sidecar runtime: serves one flavor's implementation over gRPC in its own process.

The host launches `python -m flavorhost.sidecar`; only this process imports the flavor's
implementation class.
"""
