"""`python -m app.cli` is `ecites`."""

from app.cli import main

main()
