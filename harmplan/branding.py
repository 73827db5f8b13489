"""The name, icon and quick-exit site a person sees: their organization's, or the neutral default.

A client's phone may be seen by a partner, a parent or a landlord, so nothing a client sees says
what the app is for. Signed-out pages (sign-in, help, the manifest) use the settings' defaults.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.templatetags.static import static


@dataclass(frozen=True)
class Branding:
    name: str
    icon: str  # a path under static/
    exit_url: str

    @property
    def icon_url(self) -> str:
        return static(self.icon)


def default_branding() -> Branding:
    config = settings.HARMPLAN
    return Branding(name=config["DISPLAY_NAME"], icon=config["ICON"], exit_url=config["EXIT_URL"])


def branding_for(user) -> Branding:
    organization = user.organization if user is not None and user.is_authenticated else None
    if organization is None:
        return default_branding()
    default = default_branding()
    return Branding(
        name=organization.display_name.strip() or default.name,
        icon=organization.icon or default.icon,
        exit_url=organization.exit_url or default.exit_url,
    )
