"""The `local` orchestrator: runs each step of a pipeline as a process on this machine."""
