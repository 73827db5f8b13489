"""Shared output for the catalog commands."""

from __future__ import annotations

from django.core.management.base import CommandError

from strategies.catalog_files import Catalog, CatalogError, Report, read_catalog


def read_or_explain(command, file: str) -> Catalog:
    """The checked catalog in `file`, or every problem written out and the command stopped."""
    try:
        return read_catalog(file)
    except CatalogError as error:
        write_errors(command, error)
        raise CommandError(f"{file} {problem_count(error)}. Nothing was changed.") from None


def write_report(command, report: Report, *, dry_run: bool) -> None:
    if dry_run:
        command.stdout.write("Dry run: nothing was saved. This is what would happen.")
    left_alone = len(report.unchanged) + len(report.left_alone)
    detail = f"{len(report.unchanged)} already up to date"
    if report.left_alone:
        detail += f", {len(report.left_alone)} changed by a curator"
    command.stdout.write(
        f"Created {len(report.created)}, updated {len(report.updated)}, "
        f"left alone {left_alone} ({detail})."
    )
    if report.focus_areas_created:
        command.stdout.write(f"New focus areas: {', '.join(report.focus_areas_created)}")
    if command.verbosity >= 2 and report.created:
        command.stdout.write(f"Created: {', '.join(sorted(report.created))}")
    if command.verbosity >= 1 and report.updated:
        command.stdout.write(f"Updated: {', '.join(sorted(report.updated))}")
    if command.verbosity >= 1 and report.left_alone:
        command.stdout.write(
            f"Changed by a curator, left alone: {', '.join(sorted(report.left_alone))}"
        )


def write_errors(command, error: CatalogError) -> None:
    for message in error.errors:
        command.stderr.write(message)


def problem_count(error: CatalogError) -> str:
    count = len(error.errors)
    return f"has {count} problem{'' if count == 1 else 's'}, listed above"
