#!/usr/bin/env python3
"""HarmPlan's command line.

`python3 manage.py start` runs HarmPlan and `python3 manage.py test` tests it. Before Django loads,
this file makes sure the project's virtual environment (.venv) exists and matches the lock file,
then runs itself again inside it, so that both commands work on a fresh machine with Python 3.11.
Set HARMPLAN_BOOTSTRAP=0 where the packages are installed another way (the Docker image).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
VENV_PYTHON = VENV / "bin" / "python"


def _lock_for(argv: list[str]) -> Path:
    # Tests and linting need the dev tools; running the app needs only the runtime lock.
    needs_dev = len(argv) > 1 and argv[1] in {"test", "benchmark"}
    return ROOT / ("requirements-dev.lock" if needs_dev else "requirements.lock")


def _digest(lock: Path) -> str:
    return hashlib.sha256(lock.read_bytes()).hexdigest()


def _stamp(lock: Path) -> Path:
    return VENV / f".{lock.name}.sha256"


def _installed(lock: Path) -> bool:
    # The dev lock is a superset of the runtime lock, so either stamp satisfies a runtime command.
    candidates = {lock, ROOT / "requirements-dev.lock"}
    return any(_stamp(c).exists() and _stamp(c).read_text() == _digest(c) for c in candidates)


def _create_venv() -> None:
    if subprocess.call([sys.executable, "-m", "venv", str(VENV)]) == 0:
        return
    # Debian ships venv support as a separate package.
    if shutil.which("apt-get") and os.geteuid() == 0:
        version = f"python{sys.version_info.major}.{sys.version_info.minor}-venv"
        subprocess.check_call(["apt-get", "install", "-y", "-q", version])
        shutil.rmtree(VENV, ignore_errors=True)
        subprocess.check_call([sys.executable, "-m", "venv", str(VENV)])
        return
    sys.exit("Could not create .venv. Install your system's python3-venv package and try again.")


def bootstrap(argv: list[str]) -> None:
    if os.environ.get("HARMPLAN_BOOTSTRAP") == "0":
        return
    lock = _lock_for(argv)
    if not VENV_PYTHON.exists():
        print("Creating the virtual environment in .venv …", flush=True)
        _create_venv()
    if not _installed(lock):
        print(f"Installing packages from {lock.name} …", flush=True)
        pip = [str(VENV_PYTHON), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
        subprocess.check_call([*pip, "-r", str(lock)])
        _stamp(lock).write_text(_digest(lock))
    if Path(sys.prefix).resolve() != VENV.resolve():
        os.execv(str(VENV_PYTHON), [str(VENV_PYTHON), *argv])


def main() -> None:
    bootstrap(sys.argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "harmplan.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
