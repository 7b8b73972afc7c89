"""The three base abstractions of the guide: `StackComponent`, `StackComponentConfig`, `Flavor`."""

from flavorhost.stack.flavor import Flavor
from flavorhost.stack.stack_component import StackComponent, StackComponentConfig
from flavorhost.stack.step_run_info import BaseSettings, StepRunInfo

__all__ = ["BaseSettings", "Flavor", "StackComponent", "StackComponentConfig", "StepRunInfo"]
