"""Annotators: the base abstractions every annotator flavor builds on."""

from flavorhost.annotators.base_annotator import (
    BaseAnnotator,
    BaseAnnotatorConfig,
    BaseAnnotatorFlavor,
)

__all__ = ["BaseAnnotator", "BaseAnnotatorConfig", "BaseAnnotatorFlavor"]
