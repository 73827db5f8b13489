"""Small-cell suppression for the program report (the CMS cell-size rule).

The rule, for every number the report shows, on the page and in the CSV alike:

1. A count from 1 to 10 is never shown: it reads "fewer than 11". Zero is shown as 0 (nobody
   can be picked out of nobody).
2. Complementary suppression. In a group whose cells add up to a total that is shown (goals by
   approach add up to all the goals), one hidden cell could be worked out by subtraction:
   total − the shown cells. So when a group has a hidden cell, the next smallest shown cells
   (above zero) are hidden too, until the hidden cells add up to 11 or more — then the
   difference says nothing about any count of 1 to 10. Such a cell reads "not shown".
3. If that cannot be reached (every cell is hidden and they still add up to less than 11), the
   total is hidden as well.

What this does not cover: comparing two reports (a whole program and one counselor, or two
overlapping periods) can still give a difference. Counselor reports are for org admins, who may
see caseloads anyway; the figures never carry names or free text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

SMALLEST_SHOWN = 11
SMALL = _("fewer than 11")
COMPLEMENT = _("not shown")


@dataclass
class Cell:
    label: StrOrPromise
    value: int
    hidden_as: StrOrPromise = ""  # "", SMALL or COMPLEMENT

    @property
    def shown(self) -> bool:
        return not self.hidden_as

    @property
    def display(self) -> str:
        return str(self.hidden_as) if self.hidden_as else f"{self.value:,}"


def is_small(value: int) -> bool:
    return 0 < value < SMALLEST_SHOWN


def suppress(cells: list[Cell], total: Cell | None = None) -> None:
    """Hide the cells (and total) of one group in place, by the rules in the module docstring."""
    for cell in [*cells, *([total] if total else [])]:
        if is_small(cell.value):
            cell.hidden_as = SMALL
    if total is None or not total.shown:
        return
    hidden = [cell for cell in cells if not cell.shown]
    if not hidden:
        return
    candidates = sorted((c for c in cells if c.shown and c.value > 0), key=lambda c: c.value)
    while sum(c.value for c in hidden) < SMALLEST_SHOWN and candidates:
        cell = candidates.pop(0)
        cell.hidden_as = COMPLEMENT
        hidden.append(cell)
    if sum(c.value for c in hidden) < SMALLEST_SHOWN or len(hidden) == 1:
        total.hidden_as = COMPLEMENT
