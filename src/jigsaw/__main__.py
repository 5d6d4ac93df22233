"""``python -m jigsaw`` is the ``jigsaw`` command."""

from jigsaw.cli import main

main()
