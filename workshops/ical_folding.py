"""RFC 5545 line folding for our calendar files, with the same output as icalendar.

icalendar folds every content line character by character, which dominates the time a
large feed takes (about three quarters of a 1,000-event feed). The same result can be
cut from the UTF-8 bytes with slices: segments of at most `limit - 1` octets that end on
a character boundary and never on a backslash or caret (icalendar keeps escape sequences
together). `tests/test_calendar.py` compares both on random lines.

`calendar.py` folds the lines it writes itself with `foldline`, and serialises the
icalendar components it builds with `component_to_ical`, which folds icalendar's own
(unfolded) content lines the same way; icalendar itself is left as it is.
"""

from icalendar import Component

_ESCAPES = b"\\^"


def foldline(line: str, limit: int = 75, fold_sep: str = "\r\n ") -> str:
    data = line.encode("utf-8")
    size = limit - 1
    if len(data) <= size:
        return line
    segments = []
    start = 0
    while len(data) - start > size:
        end = start + size
        while data[end] & 0xC0 == 0x80:  # inside a multi-byte character
            end -= 1
        if data[end - 1] in _ESCAPES:
            end -= 1
        segments.append(data[start:end].decode("utf-8"))
        start = end
    segments.append(data[start:].decode("utf-8"))
    return fold_sep.join(segments)


def component_to_ical(component: Component, *, sorted: bool = True) -> bytes:
    """`component.to_ical(sorted=...)`, folded with `foldline`: the same bytes."""
    lines = component.content_lines(sorted=sorted)
    return ("\r\n".join(foldline(line) for line in lines if line) + "\r\n").encode("utf-8")
