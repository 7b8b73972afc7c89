"""Helpers kept at ZenML's import paths, so code written for ZenML ports by renaming."""
