"""`python -m ui.cli`: the same as the `myeongjang` console script."""

from ui.cli.root import main

main()
