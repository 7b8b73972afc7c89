"""The `local` annotator: datasets of tasks as JSON files in a local folder, labeled in a small
web interface its sidecar serves."""
