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

DOMAIN = sorted(path.relative_to(ROOT).as_posix() for path in (ROOT / "bank").glob("*.py"))
"""The domain: every module of `bank` outside `bank/store`."""

REACHES_THE_STORE = {"bank/repository.py"}
"""The one domain module that loads and saves through the store."""


def imported_modules(path: Path) -> set[str]:
    """The absolute names `path` imports (`bank.store.event_store`, `sqlalchemy`...)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def imported_roots(path: Path) -> set[str]:
    return {name.split(".")[0] for name in imported_modules(path)}


def sources(package: str) -> list[Path]:
    single = ROOT / f"{package}.py"
    return [single] if single.exists() else sorted((ROOT / package).rglob("*.py"))


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_package_imports_only_what_the_architecture_allows(package: str) -> None:
    for path in sources(package):
        forbidden = (imported_roots(path) & TOP_LEVEL) - ALLOWED[package]
        assert not forbidden, f"{path.relative_to(ROOT)} imports {sorted(forbidden)}"


@pytest.mark.parametrize("module", DOMAIN)
def test_the_domain_imports_only_the_standard_library_and_bank(module: str) -> None:
    outside = imported_roots(ROOT / module) - {"bank"} - set(sys.stdlib_module_names)
    assert not outside, f"{module} imports {sorted(outside)}"


@pytest.mark.parametrize("module", sorted(set(DOMAIN) - REACHES_THE_STORE))
def test_the_domain_core_does_not_import_the_store(module: str) -> None:
    store = {name for name in imported_modules(ROOT / module) if name.startswith("bank.store")}
    assert not store, f"{module} imports {sorted(store)}"


def test_only_the_store_modules_of_bank_import_sqlalchemy() -> None:
    for path in sources("bank"):
        if "sqlalchemy" in imported_roots(path):
            assert path.parent.name == "store", f"{path.relative_to(ROOT)} imports sqlalchemy"
