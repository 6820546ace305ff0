"""Rosetta: legacy `Session.query()` code translated to SQLAlchemy 2.0 await-chains, run both ways, compared."""

from .detect import is_legacy, legacy_constructs
from .translate import Untranslatable, translate, try_translate

__all__ = ["Untranslatable", "is_legacy", "legacy_constructs", "translate", "try_translate"]
