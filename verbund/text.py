"""Stored text on its way out: what spreadsheets and readers would misread."""

import re

# A spreadsheet program reads a cell beginning with one of these as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Invisible characters that turn the writing direction (U+202A-U+202E, U+2066-U+2069).
DIRECTION_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
