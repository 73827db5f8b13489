"""The drink picker: what someone drank, converted to standard drinks.

A US standard drink is 14 grams of pure alcohol (NIAAA, "What is a standard drink?"): about a
12 oz can of 5% beer, a 5 oz glass of 12% wine or a 1.5 oz shot of 40% spirits. The UK counts
units of 8 grams instead (NHS, "Alcohol units"); HarmPlan uses the US standard drink and says
so beside the picker. Pure alcohol weighs 0.789 grams per millilitre.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy as _

GRAMS_PER_STANDARD_DRINK = Decimal(14)  # NIAAA (US)
GRAMS_PER_UK_UNIT = Decimal(8)  # NHS (UK), for reference
ALCOHOL_GRAMS_PER_ML = Decimal("0.789")


@dataclass(frozen=True)
class Drink:
    key: str
    label: StrOrPromise  # lazily translated
    size_ml: int
    strength: Decimal  # % alcohol by volume


DRINKS = (
    Drink("beer-can", _("A can or bottle of beer (12 oz, 355 ml)"), 355, Decimal(5)),
    Drink("beer-pint", _("A pint of beer (16 oz, 473 ml)"), 473, Decimal(5)),
    Drink("wine-glass", _("A glass of wine (5 oz, 148 ml)"), 148, Decimal(12)),
    Drink("wine-large", _("A large glass of wine (250 ml)"), 250, Decimal(12)),
    Drink("shot", _("A shot of spirits (1.5 oz, 44 ml)"), 44, Decimal(40)),
)
BY_KEY = {drink.key: drink for drink in DRINKS}


def standard_drinks(*, size_ml: Decimal, strength: Decimal, count: Decimal = Decimal(1)) -> Decimal:
    """Standard drinks (14 g of alcohol) in `count` drinks of `size_ml` at `strength` % ABV,
    to one decimal place, as a check-in keeps it."""
    grams = Decimal(size_ml) * Decimal(strength) / 100 * ALCOHOL_GRAMS_PER_ML * Decimal(count)
    return (grams / GRAMS_PER_STANDARD_DRINK).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
