"""``python -m newsprism``: the same CLI as the ``newsprism`` script."""

from newsprism.cli import main

if __name__ == "__main__":
    main()
