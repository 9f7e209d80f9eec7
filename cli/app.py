"""The typer application every command module registers on, and its command group.

typer 0.2x coerces each parameter's value through a pydantic ``TypeAdapter``
it builds when the parameter is first processed: every ``twin CMD --help``
(the group's own ``--help``, not given, has the value ``None``) and every
command that runs imported pydantic for it: 0.1 s of a cached ``twin ingest``
of 0.7 s, and of a ``twin CMD --help`` of 0.3 s (``python -X importtime``:
``typer._adapters`` and pydantic's plugin loader). :class:`TwinGroup` hands the
plain parameters (``str``, ``Path`` and lists of them: all the text and path
arguments of the twin's commands) a coercion that gives the same values
without pydantic; numbers, flags given a string, and any other type keep
typer's own, so their values and error messages stay typer's.
"""

from __future__ import annotations

import importlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, get_args, get_origin

import typer
import typer.main
from typer.core import TyperCommand, TyperGroup

try:  # typer's coercion layer (typer >= 0.2x); older typers coerce with click
    from typer._coercion import RuntimeParam, build_runtime_param
    from typer._param_types import coerce_cli_path
    from typer.core import _TyperParameter
except ImportError:  # pragma: no cover - then typer's own coercion runs
    RuntimeParam = None


if RuntimeParam is not None:

    @dataclass(frozen=True)
    class _PlainCoercion(RuntimeParam):  # type: ignore[misc,valid-type]
        """``str``/``Path`` values (one or a list) from the command line's
        strings, as typer's adapters give them; anything else goes to typer's."""

        def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
            kind, many = _plain_kind(self.annotation, self.parameter_info)
            items = list(value) if many and isinstance(value, list | tuple) else [value]
            # A path's default may be a Path already; typer keeps it as it is.
            accepted = (str, os.PathLike) if kind is Path else (str,)
            if kind is None or not all(isinstance(item, accepted) for item in items):
                own = build_runtime_param(param.type_descriptor)
                return own._coerce_value(value, param=param, ctx=ctx)
            if kind is Path:
                info = self.parameter_info
                items = [
                    coerce_cli_path(Path(item), info, path_type=Path, param=param, ctx=ctx)
                    for item in items
                ]
            return items if many else items[0]


def _plain_kind(annotation: Any, info: Any) -> tuple[type | None, bool]:
    """(``str`` or ``Path``, whether a list) for a plain parameter, else (None, False).

    Plain: no custom parser and, for paths, no ``path_type`` of its own (typer's
    path checks, which :func:`coerce_cli_path` applies, are no reason to leave).
    """
    many = get_origin(annotation) is list
    if many:
        (annotation,) = get_args(annotation) or (None,)
    if info.parser is not None or annotation not in (str, Path):
        return None, False
    if annotation is Path and info.path_type not in (None, Path):
        return None, False
    return annotation, many


def _coerce_plainly(command: Any, ctx: Any) -> None:
    """Give every typer parameter of ``command`` (its ``--help`` too) the plain coercion."""
    if RuntimeParam is None:
        return
    for param in command.get_params(ctx):
        if isinstance(param, _TyperParameter) and param._runtime_param is None:
            descriptor = param.type_descriptor
            if descriptor.file_annotation is None:
                param._runtime_param = _PlainCoercion(
                    parameter_info=descriptor.parameter_info, annotation=descriptor.annotation
                )


class TwinGroup(TyperGroup):
    """typer's group, whose parameters and commands coerce plain values without pydantic."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        _coerce_plainly(self, ctx)
        return super().parse_args(ctx, args)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        command = super().get_command(ctx, cmd_name)
        if command is not None and not isinstance(command, TwinGroup | _Unloaded):
            _coerce_plainly(command, ctx)
        return command


#: Every command of ``twin``, in the order ``twin --help`` lists them: the
#: module under ``cli`` that registers it and the first paragraph of its help
#: (all the list shows), so that the list needs no command module imported.
#: ``tests/cli/test_startup.py`` checks it against the commands themselves.
COMMANDS: dict[str, tuple[str, str]] = {
    "compliance": (
        "compliance",
        "Check every office against the per-rank usable-area limits of the standard.",
    ),
    "demo-allocations": (
        "allocations",
        "Write fictitious allocation records for a building (for demos and tests).",
    ),
    "serve": (
        "serve",
        "Serve every registered building's HTTP API (and live events) until interrupted.",
    ),
    "demo": (
        "demo",
        "Generate, register and serve the demo building with simulated devices and "
        "allocations on http://127.0.0.1:PORT.",
    ),
    "demo-model": (
        "demo_model",
        "Generate the demo government office building (IFC) with known answers.",
    ),
    "energy": (
        "energy",
        "Consumption of a medium over [from, to), grouped by building, storey, zone, "
        "department, organisation, room type or room (readings from TWIN_DATA_DIR's "
        "database or TWIN_DATABASE_URL).",
    ),
    "ingest": (
        "ingest",
        "Ingest one building from one or more IFC files and print its summary.",
    ),
    "info": ("ingest", "Print the storeys, rooms and equipment of a building as a tree."),
    "openapi": (
        "openapi",
        "Print or write the OpenAPI document of the service (no server is started).",
    ),
    "plan": (
        "plan",
        "Draw floor plans coloured by room type, compliance, occupancy or live status.",
    ),
    "route": ("route", "The quickest walking route between two places of a building."),
    "round": (
        "route",
        "A maintenance round: the order to visit places that keeps the walk short.",
    ),
    "export-glb": ("route", "Write the building's 3D scene as a GLB file (last argument)."),
    "simulate": (
        "simulate",
        "Simulate the building's devices (its loaded registry, else one generated from "
        "its equipment) and publish their readings until the duration ends.",
    ),
    "usage": (
        "usage",
        "Number of rooms, usable area and area by room type, grouped as asked.",
    ),
    "allocations": ("allocations", "Office allocations: import and export."),
    "db": ("db", "The database: schema migrations."),
    "devices": ("devices", "Device registry: load, list, template, rejections."),
    "export": ("export", "Export a building as Brick (Turtle) or COBie (XLSX)."),
    "keys": ("keys", "API keys: create, list, revoke."),
    "meetings": ("meetings", "Meeting rooms: bookable rooms, bookings, calendars (.ics)."),
}


class _Unloaded(TyperCommand):
    """A command whose module is not imported yet: its name and help, for the list."""

    def __init__(self, name: str, module: str, help: str) -> None:
        super().__init__(name, help=help)
        self.module = module


class TwinApp(TwinGroup):
    """The ``twin`` group: imports only the module of the command that runs.

    Commands whose module is not imported are listed from :data:`COMMANDS`;
    resolving one imports its module (which registers it on :data:`app`) and
    builds it the way typer builds every command.
    """

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        built = dict(self.commands)
        self.commands = {
            name: built.pop(name, None) or _Unloaded(name, module, help)
            for name, (module, help) in COMMANDS.items()
        }
        self.commands.update(built)

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        pending = self.commands.get(args[0]) if args else None
        if isinstance(pending, _Unloaded):
            importlib.import_module(f"cli.{pending.module}")
            self.commands[pending.name] = typer.main.get_group(app).commands[pending.name]
        return super().resolve_command(ctx, args)


def _root() -> None:
    """Nothing to do before a command; it makes typer build a group before any
    command module has registered its commands."""


app = typer.Typer(
    name="twin",
    cls=TwinApp,
    callback=_root,
    help="BIM digital twin for facility management.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
