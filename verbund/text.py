"""Text coming in and going out: what no field may hold, and what spreadsheets and readers
would misread."""

import re

# C0 control characters and DEL; tab, line feed and carriage return are ordinary text.
# Kept as a character class so that the API's schema can state the same rule.
CONTROL_CHARACTER_CLASS = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f"
CONTROL_CHARACTERS = re.compile(f"[{CONTROL_CHARACTER_CLASS}]")

# A spreadsheet program reads a cell beginning with one of these as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Invisible characters that turn the writing direction (U+202A-U+202E, U+2066-U+2069).
DIRECTION_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


def without_direction_controls(value):
    """`value` with the invisible direction overrides removed: a reader (a calendar, a PDF
    viewer) would otherwise show the text around them reversed, e.g. "exe.fdp" as "pdf.exe"."""
    return DIRECTION_CONTROLS.sub("", value)
