"""sqla-explore: a terminal explorer of async SQLAlchemy results (tray, boxes, food, plate)."""

__version__ = "0.1.0"
