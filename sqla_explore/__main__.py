"""`python -m sqla_explore` does what the `sqla-explore` command does."""

from sqla_explore.cli import main

if __name__ == "__main__":
    main()
