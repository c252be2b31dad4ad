"""The structure the code promises (docs/architecture.md): every email kind is complete in
both languages, no app reaches for another app's private names, and an import inside a
function says why it is there. The import directions themselves are checked by
import-linter (`make lint`)."""

import ast
import re
from pathlib import Path

import pytest
from django.template.loader import get_template
from django.utils.translation import trans_real
from django.utils.translation.template import templatize

from tasks import registry
from tasks.models import MessageKind

ROOT = Path(__file__).resolve().parent.parent
APPS = ("verbund", "cms", "workshops", "members", "tasks")
GETTEXT = re.compile(r"gettext\(u'((?:[^'\\]|\\.)*)'\)")
NGETTEXT = re.compile(r"ngettext\(u'((?:[^'\\]|\\.)*)', u'((?:[^'\\]|\\.)*)'")
REFERENCED = re.compile(r"{%\s*(?:include|extends)\s+\"([^\"]+)\"")


def source_files():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def template_with_references(name, seen):
    """The template's source and the sources of what it includes or extends."""
    if name in seen:
        return
    seen.add(name)
    source = get_template(name).template.source
    yield name, source
    for referenced in REFERENCED.findall(source):
        yield from template_with_references(referenced, seen)


def unescape(literal):
    return literal.replace("\\'", "'").replace("\\\\", "\\")


def untranslated(source):
    """The German texts of a template that have no English translation."""
    code = templatize(source)
    catalog = trans_real.translation("en")._catalog
    missing = [
        text
        for text in map(unescape, GETTEXT.findall(code))
        if re.search(r"[A-Za-zÄÖÜäöüß]", text) and not catalog.get(text)
    ]
    missing += [
        unescape(singular)
        for singular, _plural in NGETTEXT.findall(code)
        if not catalog.get((unescape(singular), 1))
    ]
    return missing


def test_every_app_registers_its_kinds_and_the_model_offers_them():
    kinds = set(registry.KINDS)
    assert {"enrolment_confirmed", "reminder", "thank_you", "firm_digest"} <= kinds
    assert {"saved_search", MessageKind.MESSAGE} <= kinds
    from tasks.models import Notification

    assert {value for value, _label in Notification._meta.get_field("kind").choices} == kinds
    for spec in registry.KINDS.values():
        assert spec.category is None or spec.category in registry.CATEGORIES, spec.name


@pytest.mark.parametrize(
    "kind", sorted(name for name in registry.KINDS if name != MessageKind.MESSAGE)
)
def test_every_kind_has_subject_text_and_html_in_both_languages(kind):
    spec = registry.spec(kind)
    missing = {}
    for suffix in ("_subject.txt", ".txt", ".html"):
        for name, source in template_with_references(spec.template + suffix, set()):
            if gaps := untranslated(source):
                missing[name] = gaps
    assert not missing, f"untranslated texts: {missing}"


def test_no_app_imports_another_apps_private_names():
    offending = []
    for path in source_files():
        importer = path.relative_to(ROOT).parts[0]
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if not isinstance(node, ast.ImportFrom) or not node.module or node.level:
                continue
            if node.module.split(".")[0] in APPS and node.module.split(".")[0] != importer:
                private = [a.name for a in node.names if a.name.startswith("_")]
                private += [p for p in node.module.split(".") if p.startswith("_")]
                if private:
                    offending.append(f"{path.relative_to(ROOT)}:{node.lineno} {private}")
    assert not offending


def explained(lines, index):
    """A comment on the import's line, or above it and the imports just before it."""
    if "#" in lines[index]:
        return True
    index -= 1
    while index >= 0 and re.match(r"\s*(from \S+ )?import ", lines[index]):
        index -= 1
    return index >= 0 and lines[index].strip().startswith("#")


def test_imports_inside_functions_say_why():
    """An import inside a function hides a dependency; the few that must be there (a
    circle Django's app loading forbids breaking otherwise) carry a comment."""
    unexplained = []
    for path in source_files():
        lines = path.read_text().splitlines()
        tree = ast.parse("\n".join(lines), str(path))
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(function):
                if not isinstance(node, ast.Import | ast.ImportFrom):
                    continue
                if not explained(lines, node.lineno - 1):
                    unexplained.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not unexplained
