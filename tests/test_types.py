"""The type check that `manage.py test` runs before the suite: real mypy with django-stubs.

The type error test runs mypy as configured in pyproject.toml (the Django plugin included) on
one small file, so it needs no service and runs in `manage.py test --quick`. That clean code
passes is shown by the full run itself, which type-checks the three packages.
"""

from __future__ import annotations

from harmplan.management.commands.test import TYPED_PACKAGES, type_check, type_check_wanted


def test_a_type_error_fails_the_type_check(tmp_path, capfd):
    module = tmp_path / "wrong.py"
    module.write_text(
        "from harmplan.accounts.models import User\n\n"
        "def name_of(user: User) -> int:\n"
        "    return user.username\n"
    )

    assert type_check([str(module)]) != 0
    assert 'Incompatible return value type (got "str", expected "int")' in capfd.readouterr().out


def test_the_full_run_checks_the_three_packages_and_a_chosen_run_does_not():
    assert TYPED_PACKAGES == ("harmplan", "plans", "strategies")
    assert type_check_wanted([])
    assert not type_check_wanted(["tests/test_stepdown.py", "-k", "weekly"])
