"""`python -m corptier.cli`: the console script without installing it."""

from corptier.cli import main

if __name__ == "__main__":
    main()
