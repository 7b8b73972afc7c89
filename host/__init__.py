"""The flavorhost host daemon: registry, config validation, sidecar supervision and the proxy.

The host never imports a flavor's implementation class; it reads flavor classes for their
name, type and config class only.
"""
