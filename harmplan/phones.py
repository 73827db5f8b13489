"""Phone numbers as people write them: which characters they may type, and the `tel:` link that
a phone dials."""

from __future__ import annotations

PHONE_CHARACTERS = set("+0123456789 -().")


def tel_href(phone: str) -> str:
    """`555 123-4567` → `tel:5551234567`; a leading + is kept for international numbers."""
    return "tel:" + "".join(ch for ch in phone if ch.isdigit() or ch == "+")
