"""`@step`: a Python function that runs as one step of a pipeline, in its own process.

Called inside a `@pipeline` function, a step does not run: it records an invocation and returns
placeholders for its outputs, which later steps take as arguments. Called anywhere else, it is
the plain function.
"""

from __future__ import annotations

import contextvars
import inspect
import json
import typing
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, overload

from flavorhost.pipelines.function_sources import source_of
from flavorhost.pipelines.snapshot import InputRef, StepSpec

DEFAULT_OUTPUT = "output"


@dataclass(frozen=True)
class StepOutput:
    """A placeholder for an output of a step invocation, while a pipeline is compiled."""

    step: str
    name: str


@dataclass
class Compilation:
    """The step invocations recorded while a pipeline function runs."""

    steps: list[StepSpec] = field(default_factory=list)

    def add(self, step: Step, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        taken = {s.name for s in self.steps}
        name, count = step.name, 1
        while name in taken:
            count += 1
            name = f"{step.name}_{count}"
        try:
            bound = inspect.signature(step.entrypoint).bind(*args, **kwargs)
        except TypeError as error:
            raise TypeError(f"step {step.name!r}: {error}") from None
        inputs: dict[str, InputRef] = {}
        parameters: dict[str, Any] = {}
        for argument, value in bound.arguments.items():
            if isinstance(value, StepOutput):
                inputs[argument] = InputRef(step=value.step, output=value.name)
                continue
            try:
                json.dumps(value)
            except (TypeError, ValueError):
                raise TypeError(
                    f"step {step.name!r}: argument {argument!r} is a {type(value).__name__}; "
                    "arguments given as values must be JSON-like (pass other values as another "
                    "step's output)"
                ) from None
            parameters[argument] = value
        upstream = sorted({ref.step for ref in inputs.values()} | set(step.after))
        self.steps.append(
            StepSpec(
                name=name,
                source=source_of(step.entrypoint),
                upstream=upstream,
                inputs=inputs,
                parameters=parameters,
                outputs=step.outputs,
                settings=step.settings,
                step_operator=step.step_operator,
            )
        )
        placeholders = tuple(StepOutput(name, output) for output in step.outputs)
        return placeholders[0] if len(placeholders) == 1 else placeholders


# Set while a pipeline function runs: step calls are recorded, not run.
compiling: contextvars.ContextVar[Compilation | None] = contextvars.ContextVar(
    "flavorhost_compiling", default=None
)


def output_names(function: Callable[..., Any]) -> list[str]:
    """The step's outputs, from its return annotation: `Annotated[T, "name"]` names the single
    output, a `tuple[Annotated[T1, "a"], Annotated[T2, "b"]]` several; otherwise one `output`."""
    try:
        hints = typing.get_type_hints(function, include_extras=True)
    except Exception:  # annotations that do not resolve here name nothing
        return [DEFAULT_OUTPUT]
    returned = hints.get("return")
    if typing.get_origin(returned) is typing.Annotated:
        named = [a for a in typing.get_args(returned)[1:] if isinstance(a, str)]
        return named[:1] or [DEFAULT_OUTPUT]
    if typing.get_origin(returned) is tuple:
        names = []
        for index, item in enumerate(typing.get_args(returned)):
            label = [a for a in typing.get_args(item)[1:] if isinstance(a, str)]
            if typing.get_origin(item) is not typing.Annotated or not label:
                return [DEFAULT_OUTPUT]
            names.append(label[0] if label else f"output_{index}")
        if len(set(names)) != len(names):
            raise ValueError(f"step {function.__qualname__!r} names two outputs alike: {names}")
        return names or [DEFAULT_OUTPUT]
    return [DEFAULT_OUTPUT]


class Step:
    """A step: the function, its name, outputs and settings."""

    def __init__(
        self,
        function: Callable[..., Any],
        name: str | None = None,
        settings: dict[str, dict[str, Any]] | None = None,
        step_operator: bool | str | None = None,
    ) -> None:
        self.entrypoint = function
        self.step_operator = step_operator or None
        self.name = name or function.__name__
        self.outputs = output_names(function)
        self.settings = checked_settings(settings, f"step {self.name!r}")
        self.after: list[str] = []
        self.__doc__ = function.__doc__
        self.__wrapped__ = function

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        compilation = compiling.get()
        if compilation is None:
            return self.entrypoint(*args, **kwargs)
        return compilation.add(self, args, kwargs)

    def __repr__(self) -> str:
        return f"Step({self.name!r})"


def checked_settings(
    settings: dict[str, dict[str, Any]] | None, owner: str
) -> dict[str, dict[str, Any]]:
    """Settings by component type (e.g. {"experiment_tracker": {...}}), JSON-like."""
    from flavorhost.enums import StackComponentType

    checked: dict[str, dict[str, Any]] = {}
    for key, values in (settings or {}).items():
        kind = key.split(".", 1)[0]
        if kind not in {t.value for t in StackComponentType}:
            known = ", ".join(t.value for t in StackComponentType)
            raise ValueError(f"{owner}: settings key {key!r} is not a component type ({known})")
        if not isinstance(values, dict):
            raise TypeError(f"{owner}: settings[{key!r}] must be a dict of setting values")
        try:
            json.dumps(values)
        except (TypeError, ValueError) as error:
            raise TypeError(f"{owner}: settings[{key!r}] must be JSON-like: {error}") from None
        checked[key] = dict(values)
    return checked


@overload
def step(function: Callable[..., Any], /) -> Step: ...


@overload
def step(
    *,
    name: str | None = None,
    settings: dict[str, dict[str, Any]] | None = None,
    step_operator: bool | str | None = None,
) -> Callable[[Callable[..., Any]], Step]: ...


def step(
    function: Callable[..., Any] | None = None,
    /,
    *,
    name: str | None = None,
    settings: dict[str, dict[str, Any]] | None = None,
    step_operator: bool | str | None = None,
) -> Any:
    """Makes a function a pipeline step: `@step` or `@step(name=..., settings={...})`.

    `settings` maps a component type (e.g. "experiment_tracker") to settings the step's calls
    to that component carry, validated by the flavor's settings class in its sidecar.
    `step_operator`: True runs the step with the stack's step operator, a name with that one
    (which must be the stack's)."""
    if function is not None:
        return Step(function)
    return lambda decorated: Step(
        decorated, name=name, settings=settings, step_operator=step_operator
    )
