"""The benchmark scripts (benchmarks/<name>.py: scripts, not a package) loaded as modules for the tests that
check what they build or measure. A plain module: tests import it, never `from conftest import`."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

BENCHMARKS_DIR = Path(__file__).resolve().parents[1] / "benchmarks"


def benchmark_script(name: str) -> ModuleType:
    """benchmarks/<name>.py as the module `broadsheet_<name>_benchmark`."""
    spec = importlib.util.spec_from_file_location(f"broadsheet_{name}_benchmark", BENCHMARKS_DIR / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module
