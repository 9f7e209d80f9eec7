"""The typer application every command module registers on."""

import typer

app = typer.Typer(
    name="twin",
    help="BIM digital twin for facility management.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
