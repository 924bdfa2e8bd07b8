"""Translation helpers for the pure cores.

The pure modules (workflow, crypto, audit chain) import no Django directly, so import-linter can
hold them to it; the one thing they need from Django is lazy translation, which does not touch
the database and is resolved only when a message is shown.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

lazy = gettext_lazy
LazyText = Promise

__all__ = ["LazyText", "lazy"]
