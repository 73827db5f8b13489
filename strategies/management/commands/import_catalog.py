"""Import a strategy catalog JSON file, for example one exported by another program.

The whole file is checked first. Every problem is listed with its place in the file, and a file
with any problem changes nothing. Strategies with a new slug are created; existing ones are updated
(published ones keep a new version in their history).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from strategies.catalog_files import catalog_import

from ._report import read_or_explain, write_report


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("file", help="The catalog JSON file.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check the file and say what would change."
        )

    def handle(self, *args, file: str, dry_run: bool, **options):
        self.verbosity = options["verbosity"]
        report = catalog_import(catalog=read_or_explain(self, file), dry_run=dry_run)
        write_report(self, report, dry_run=dry_run)
