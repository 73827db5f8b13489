"""The translation catalogues: compiled for every run, and checked to be complete.

The .mo files are built, never committed (`*.mo` is in .gitignore): `start`, `test`, `lighthouse`
and the Docker image compile them from locale/*/LC_MESSAGES/django.po with Debian's msgfmt.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from django.conf import settings

from harmplan.devtools.services import APT_PACKAGES, ensure_system_packages

LOCALE_DIR = Path(settings.BASE_DIR) / "locale"
# msgfmt --statistics prints e.g. "120 translated messages, 2 fuzzy translations, 3 untranslated
# messages." (parts with a count of 0 are left out).
_COUNT = re.compile(r"(\d+) (translated|fuzzy|untranslated)")


def catalogues() -> list[Path]:
    """Every language's catalogue (English is the source language and has none)."""
    return sorted(LOCALE_DIR.glob("*/LC_MESSAGES/django.po"))


def compile_translations() -> None:
    """locale/*/django.po → .mo, so pages, emails and reminders can be read in every language the
    program offers. Installs gettext with apt-get when msgfmt is missing (a fresh machine)."""
    from django.core.management import call_command

    ensure_system_packages({"gettext": APT_PACKAGES["gettext"]})
    call_command(
        "compilemessages",
        ignore_patterns=[".venv", "var", "staticfiles", "node_modules"],
        verbosity=0,
    )


def catalogue_problems(po_file: Path) -> list[str]:
    """What keeps a catalogue from being complete: msgfmt's format errors (a placeholder that does
    not match, a broken plural), fuzzy entries and untranslated ones. Empty when all is well."""
    ensure_system_packages({"gettext": APT_PACKAGES["gettext"]})
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(po_file)],
        capture_output=True,
        text=True,
    )
    output = result.stderr.strip()
    problems = []
    if result.returncode != 0:
        problems.append(f"{po_file}: msgfmt --check found errors:\n{output}")
    counts = {kind: int(n) for n, kind in _COUNT.findall(output.splitlines()[-1] if output else "")}
    if counts.get("fuzzy"):
        problems.append(
            f"{po_file}: {counts['fuzzy']} fuzzy entries (check each, then remove '#, fuzzy')"
        )
    if counts.get("untranslated"):
        problems.append(f"{po_file}: {counts['untranslated']} untranslated entries")
    return problems
