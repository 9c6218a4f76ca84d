"""The guides point at code and tests that exist: every relative link resolves to a file or folder,
and every test they name is defined where they say."""

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
GUIDES = [
    ROOT / "README.md",
    ROOT / "docs" / "coming-from-celery.md",
    ROOT / "docs" / "operations.md",
]
LINK = re.compile(r"\[([^\]]*)\]\(([^)\s]+)\)")
# A test file's link, then the tests it names: [tests/x.py](../tests/x.py) (`test_a`, `test_b`)
LINK_WITH_TESTS = re.compile(r"\]\(([^)\s]+\.py)\) \(([^)]*)\)")
NAMED_TEST = re.compile(r"`(test_\w+)`")
DOUBLE_COLON = re.compile(r"([\w./-]+\.py)::(\w+)")


def defined_tests(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    return {
        node.name
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.name.startswith("test_")
    }


def relative_links(guide: Path) -> list[str]:
    targets = [target for _, target in LINK.findall(guide.read_text())]
    return [t for t in targets if not re.match(r"[a-z]+:|#", t)]


def every_test_name() -> set[str]:
    return set().union(*(defined_tests(path) for path in (ROOT / "tests").rglob("test_*.py")))


@pytest.mark.parametrize("guide", GUIDES, ids=lambda path: path.name)
def test_every_relative_link_in_the_guide_points_at_an_existing_file(guide):
    missing = [
        target
        for target in relative_links(guide)
        if not (guide.parent / target.split("#")[0].split("::")[0]).exists()
    ]

    assert relative_links(guide), "the guide links to nothing: the pattern is wrong"
    assert not missing, f"{guide.name} links to missing files: {missing}"


@pytest.mark.parametrize("guide", GUIDES, ids=lambda path: path.name)
def test_every_test_the_guide_names_next_to_a_test_file_is_defined_in_that_file(guide):
    text = guide.read_text()
    pairs = [
        (target, name)
        for target, names in LINK_WITH_TESTS.findall(text)
        for name in NAMED_TEST.findall(names)
    ]
    pairs += [(path, name) for path, name in DOUBLE_COLON.findall(text)]
    undefined = []
    for target, name in pairs:
        path = guide.parent / target if target.startswith("..") else ROOT / target
        if not path.exists() or name not in defined_tests(path):
            undefined.append(f"{target}::{name}")

    assert not undefined, f"{guide.name} names tests that do not exist: {undefined}"


@pytest.mark.parametrize("guide", GUIDES, ids=lambda path: path.name)
def test_every_test_name_in_the_guide_exists_somewhere_in_the_suite(guide):
    named = set(NAMED_TEST.findall(guide.read_text()))
    unknown = sorted(named - every_test_name())

    assert not unknown, f"{guide.name} names tests that do not exist: {unknown}"
