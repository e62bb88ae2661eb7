"""`python -m kvrules` runs the command line."""

from kvrules.cli import main

main()
