"""The three base abstractions of the guide: `StackComponent`, `StackComponentConfig`, `Flavor`."""

from flavorhost.stack.flavor import Flavor
from flavorhost.stack.stack_component import StackComponent, StackComponentConfig

__all__ = ["Flavor", "StackComponent", "StackComponentConfig"]
