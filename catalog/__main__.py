from catalog.cli import cli

cli(prog_name="catalog")
