"""Imports point one way (ARCHITECTURE.md): a scan of the source keeps it so."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TOP_LEVEL = {"bank", "commands", "read_models", "queries", "web", "bootstrap", "manage", "tests"}

ALLOWED = {
    "bank": {"bank"},
    "commands": {"bank", "commands"},
    "read_models": {"bank", "read_models"},
    "queries": {"bank", "read_models", "queries"},
    "web": {"commands", "queries", "bootstrap", "web"},
    "bootstrap": {"bank", "commands", "read_models", "bootstrap"},
}

PURE_DOMAIN = ["bank/events.py", "bank/account.py", "bank/money.py", "bank/errors.py"]


def imported_roots(path: Path) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def sources(package: str) -> list[Path]:
    single = ROOT / f"{package}.py"
    return [single] if single.exists() else sorted((ROOT / package).rglob("*.py"))


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_package_imports_only_what_the_architecture_allows(package: str) -> None:
    for path in sources(package):
        forbidden = (imported_roots(path) & TOP_LEVEL) - ALLOWED[package]
        assert not forbidden, f"{path.relative_to(ROOT)} imports {sorted(forbidden)}"


@pytest.mark.parametrize("module", PURE_DOMAIN)
def test_the_domain_core_imports_only_the_standard_library_and_bank(module: str) -> None:
    outside = imported_roots(ROOT / module) - {"bank"} - set(sys.stdlib_module_names)
    assert not outside, f"{module} imports {sorted(outside)}"


def test_only_the_store_modules_of_bank_import_sqlalchemy() -> None:
    for path in sources("bank"):
        if "sqlalchemy" in imported_roots(path):
            assert path.parent.name == "store", f"{path.relative_to(ROOT)} imports sqlalchemy"
