"""The demo network: ``build_demo(as_of, seed)`` and the stories planted in it.

``demo.tables`` holds who is in it (pure data), ``demo.build`` builds it as of a fixed
anchor day and ``demo.shift`` moves it to the day asked for.
"""

from demo.build import ANCHOR, build_demo, intended_introductions
from demo.tables import INTENDED_INTRODUCTIONS, PUSHES_LUCK_ID

__all__ = ["ANCHOR", "INTENDED_INTRODUCTIONS", "PUSHES_LUCK_ID", "build_demo", "intended_introductions"]
