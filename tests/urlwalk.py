"""Walk the whole URL configuration: every pattern, with a made-up path that reaches it."""

import re
import uuid

from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404
from django.urls.resolvers import RoutePattern

ROUTE_PARAMETER = re.compile(r"<(?:(?P<converter>\w+):)?\w+>")
REGEX_GROUP = re.compile(r"\((?:\?P<\w+>)?(?:[^()]|\([^()]*\))*\)")
SAMPLE_BY_CONVERTER = {"int": "1", "uuid": str(uuid.uuid4())}


def walk(patterns, chain=()):
    """(pattern, chain of the patterns leading to it) for every URL pattern."""
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from walk(entry.url_patterns, (*chain, entry.pattern))
        elif isinstance(entry, URLPattern):
            yield entry, (*chain, entry.pattern)


def sample_path(chain, samples=None):
    """A concrete path for a chain of route and regex patterns, with made-up parameters."""
    samples = {**SAMPLE_BY_CONVERTER, **(samples or {})}
    parts = []
    for pattern in chain:
        text = str(pattern)
        if isinstance(pattern, RoutePattern):
            text = ROUTE_PARAMETER.sub(
                lambda m: samples.get(m.group("converter"), samples.get("str", "x")), text
            )
        else:
            text = REGEX_GROUP.sub(samples["int"], text.lstrip("^").rstrip("$"))
            text = text.replace(".*", "x").replace("\\.", ".").replace("\\", "")
        parts.append(text)
    return "/" + "".join(parts)


def project_routes(samples=None):
    """((path, view module) reached, (path, view module) not reached) for every pattern."""
    routes, unreachable = [], []
    for pattern, chain in walk(get_resolver().url_patterns):
        path = sample_path(chain, samples)
        try:
            reached = resolve(path).func is pattern.callback
        except Resolver404:
            reached = False
        module = getattr(pattern.callback, "__module__", "")
        (routes if reached else unreachable).append((path, module))
    return routes, unreachable
