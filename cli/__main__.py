"""`python -m rvpack.cli` is the `rvpack` command."""

from rvpack.cli.app import entry_point

entry_point()
