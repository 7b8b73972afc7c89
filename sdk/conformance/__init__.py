"""The conformance kit: a protocol-level test suite any sidecar can be run against
(`flavorhost conformance TYPE ...`; docs/conformance.md), as csi-sanity is for CSI drivers."""
