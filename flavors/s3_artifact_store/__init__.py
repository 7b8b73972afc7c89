"""The `s3` artifact store: objects in S3 (or any S3-compatible endpoint) through s3fs.

s3fs is installed only in this flavor's own environment, never in the host's.
"""
