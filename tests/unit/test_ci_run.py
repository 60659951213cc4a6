"""`.ci/run` leaves no virtual environment behind, however it ends."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

CI_RUN = Path(__file__).resolve().parents[2] / ".ci" / "run"


def test_ci_run_removes_the_virtual_environment_it_made(tmp_path: Path):
    # A python3 that makes the environment's folder, as `python3 -m venv` does, then fails: the run stops there.
    stub = tmp_path / "bin"
    stub.mkdir()
    log = tmp_path / "venv-path"
    (stub / "python3").write_text(f'#!/bin/sh\nmkdir -p "$3/bin" && printf %s "$3" > "{log}"\nexit 3\n', encoding="utf-8")
    (stub / "python3").chmod(0o755)
    temp = tmp_path / "tmp"
    temp.mkdir()
    env = {**os.environ, "PATH": f"{stub}{os.pathsep}{os.environ['PATH']}", "TMPDIR": str(temp)}
    result = subprocess.run(["bash", str(CI_RUN)], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 3
    venv = Path(log.read_text(encoding="utf-8"))
    assert venv.is_relative_to(temp)  # it was made, in the temporary folder
    assert not venv.exists() and list(temp.iterdir()) == []
