"""`python -m ops` is the `wangge` command."""

from ops.cli import main

main()
