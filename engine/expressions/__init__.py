"""Expression languages of modelers (JUEL, FEEL) read into the platform's sandboxed expression form."""
from engine.expressions.translate import (
    FEEL_LANG,
    JUEL_LANG,
    LANGUAGE_NAMES,
    PLATFORM,
    Translation,
    UnsupportedExpression,
    guarded_names,
    language_of,
    translate,
)

__all__ = ["FEEL_LANG", "JUEL_LANG", "LANGUAGE_NAMES", "PLATFORM", "Translation", "UnsupportedExpression",
           "guarded_names", "language_of", "translate"]
