"""The loop lab: four ways to run one query under concurrency, a loop-lag probe, and the HTTP bench.

Nothing here imports Textual; `tui/loop_lab.py` and `sqla-explore bench` both sit on top of it.
"""
