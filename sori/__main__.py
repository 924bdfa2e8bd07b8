"""``python -m sori`` is the ``sori`` command."""

from sori.cli import main

main()
