"""The `local` container registry: pushes OCI images into directories on this machine."""
