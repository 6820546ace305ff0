"""The sqla-explore engine: evaluate a cell, run it on an AsyncSession, capture every layer.

Nothing in this package imports Textual; the TUI and the headless CLI both sit on top of it.
"""
