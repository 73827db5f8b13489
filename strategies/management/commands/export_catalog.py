"""Export the strategy catalog as a JSON file that import_catalog (here or elsewhere) can read."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand

from strategies.catalog_files import catalog_export
from strategies.models import Strategy


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", "-o", help="File to write. Without it the catalog goes to standard output."
        )
        parser.add_argument(
            "--status",
            action="append",
            choices=Strategy.Status.values,
            help="Only strategies with this status (repeat for more). Default: all of them.",
        )

    def handle(self, *args, output: str | None, status: list[str] | None, **options):
        data = catalog_export(statuses=status)
        text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
        if output:
            with open(output, "w", encoding="utf-8") as file:
                file.write(text)
            self.stderr.write(f"Exported {len(data['strategies'])} strategies to {output}.")
        else:
            self.stdout.write(text, ending="")
