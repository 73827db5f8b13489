"""Load the seed strategy catalog (strategies/catalog/strategies.json). Safe to run again.

New entries are created and published. An entry the file changed is updated, unless a curator has
changed that strategy since it was loaded: then it is left alone, so curators' edits are never
overwritten. Prints what was created, updated and left alone.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from strategies.catalog_files import SEED_FILE, catalog_load

from ._report import read_or_explain, write_report


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--file", default=str(SEED_FILE), help="Catalog file to load.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Say what would change; save nothing."
        )

    def handle(self, *args, file: str, dry_run: bool, **options):
        self.verbosity = options["verbosity"]
        report = catalog_load(catalog=read_or_explain(self, file), dry_run=dry_run)
        write_report(self, report, dry_run=dry_run)
