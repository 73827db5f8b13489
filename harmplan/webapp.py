"""The installable web app: its manifest, the service worker and the page shown offline.

The service worker keeps only the app shell (styles, scripts, icons, the offline page) and the
signed-out "Get help now" page, each fetched without cookies. It never stores a signed-in page or
anything from a person's records; those always come from the network.
"""

from __future__ import annotations

import hashlib
import json

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from harmplan.accounts.models import ICON_CHOICES
from harmplan.branding import branding_for
from plans.checkins.forms import CheckInForm

SHELL_FILES = [
    "css/harmplan.css",
    "js/harmplan.js",
    "js/exit-this-page.js",
    "js/offline.js",
    "django_htmx/htmx-2.min.js",
    *(path for path, _ in ICON_CHOICES),
]


def shell_urls() -> list[str]:
    return [static(path) for path in SHELL_FILES] + [reverse("offline")]


def public_page_urls() -> list[str]:
    """Pages that read the same for everyone, kept as their signed-out version."""
    return [reverse("help")]


@login_not_required
@require_GET
def manifest(request: HttpRequest) -> JsonResponse:
    branding = branding_for(request.user)
    data = {
        "id": "/",
        "name": branding.name,
        "short_name": branding.name,
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#1f4e46",
        "icons": [
            {"src": branding.icon_url, "sizes": "any", "type": "image/svg+xml", "purpose": "any"}
        ],
    }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json"
    return response


@login_not_required
@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    shell, public = shell_urls(), public_page_urls()
    # A new list of files (new static file names after a deploy) means a new cache.
    version = hashlib.sha256(json.dumps([shell, public]).encode()).hexdigest()[:12]
    body = render_to_string(
        "harmplan/service_worker.js",
        {
            "cache_name": f"shell-{version}",
            "shell": json.dumps(shell),
            "public_pages": json.dumps(public),
            "offline_url": json.dumps(reverse("offline")),
        },
    )
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    # Served from the root so that it may control every page; always checked for a new version.
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response


@login_not_required
@require_GET
def offline(request: HttpRequest) -> HttpResponse:
    # The same for everyone (it is kept without cookies): no goals, only how the day feels.
    form = CheckInForm(goals=[], today=timezone.localdate(), auto_id="id_offline_%s")
    return render(request, "harmplan/offline.html", {"form": form})
