"""A model class the `local` model deployer's servers import to unpickle (tests add the repository
to their `python_path`)."""

from __future__ import annotations


class Doubler:
    """Predicts twice the sum of each instance."""

    def __init__(self, factor: float = 2.0) -> None:
        self.factor = factor

    def predict(self, instances: list[list[float]]) -> list[float]:
        """One prediction per instance."""
        return [self.factor * sum(row) for row in instances]
