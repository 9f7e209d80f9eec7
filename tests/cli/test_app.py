"""The ``twin`` group: its command table, and parameter values without pydantic."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer.main
from typer._click import Context
from typer._click.exceptions import BadParameter
from typer._coercion import build_runtime_param
from typer.core import _TyperParameter

from cli import commands  # noqa: F401  (registers every command)
from cli.app import COMMANDS, _PlainCoercion, app


def _every_command() -> dict[str, typer.main.TyperGroup | typer.main.TyperCommand]:
    return dict(typer.main.get_command(app).commands)  # type: ignore[attr-defined]


def test_the_table_lists_every_command_in_typers_order_with_its_help_and_module() -> None:
    # The order a plain typer group lists them: commands as registered, then groups.
    registered = [
        typer.main.get_command_from_info(info, pretty_exceptions_short=True, rich_markup_mode=None)
        for info in app.registered_commands
    ]
    order = [command.name for command in registered] + [g.name for g in app.registered_groups]
    assert list(COMMANDS) == order
    modules = {
        c.name: info.callback.__module__
        for c, info in zip(registered, app.registered_commands, strict=True)
    }
    for group in app.registered_groups:
        modules[group.name] = group.typer_instance.registered_commands[0].callback.__module__
    for name, command in _every_command().items():
        module, help_text = COMMANDS[name]
        assert modules[name] == f"cli.{module}", name
        assert " ".join((command.help or "").split("\n\n")[0].split()) == help_text, name


def _parameters() -> list[tuple[str, _TyperParameter, typer.main.TyperCommand]]:
    found = []

    def walk(command, path: str) -> None:
        for param in command.params:
            if isinstance(param, _TyperParameter):
                found.append((f"{path} {param.name}", param, command))
        for name, sub in getattr(command, "commands", {}).items():
            walk(sub, f"{path} {name}")

    walk(typer.main.get_command(app), "twin")
    return found


#: Values to coerce for each annotation, as the command line's parser hands them over.
SAMPLES = {
    "str": ["Büro 3.01", "", "--", "0"],
    "Path": ["model.ifc", "", "~/模型/a b.ifczip", "-"],
    "list[str]": [("a", "b"), ["301"], ()],
    "list[pathlib.Path]": [("a.ifc", "b.ifc"), ["c.ifc"]],
    "int": ["7", " 8 ", "3.0"],
    "float": ["0.5", "1e3", "inf"],
    "bool": ["true", "0", "yes"],
}


def _label(annotation: object) -> str:
    return (
        getattr(annotation, "__name__", None)
        if not hasattr(annotation, "__origin__")
        else str(annotation)
    )  # type: ignore[return-value]


def test_every_parameter_gets_the_value_typer_itself_gives() -> None:
    checked = set()
    for where, param, command in _parameters():
        descriptor = param.type_descriptor
        label = _label(descriptor.annotation)
        ctx = Context(command)
        plain = _PlainCoercion(
            parameter_info=descriptor.parameter_info, annotation=descriptor.annotation
        )
        own = build_runtime_param(descriptor)
        for value in SAMPLES[label]:
            if param.nargs == -1 or param.multiple:
                value = value if isinstance(value, list | tuple) else (value,)
            elif isinstance(value, list | tuple):
                continue
            expected = own.coerce(value, param=param, ctx=ctx)
            got = plain.coerce(value, param=param, ctx=ctx)
            assert (got, type(got)) == (expected, type(expected)), (where, value)
            checked.add(label)
    assert {"str", "Path", "list[str]", "list[pathlib.Path]", "int", "float"} <= checked


def test_a_value_typer_refuses_gets_typers_own_message(tmp_path: Path) -> None:
    params = {where: (param, command) for where, param, command in _parameters()}
    for where, value in [("twin serve port", "eighty"), ("twin demo rate", "fast")]:
        param, command = params[where]
        descriptor = param.type_descriptor
        ctx = Context(command)
        plain = _PlainCoercion(
            parameter_info=descriptor.parameter_info, annotation=descriptor.annotation
        )
        with pytest.raises(BadParameter) as own:
            build_runtime_param(descriptor).coerce(value, param=param, ctx=ctx)
        with pytest.raises(BadParameter) as ours:
            plain.coerce(value, param=param, ctx=ctx)
        assert ours.value.message == own.value.message and "valid" in ours.value.message
