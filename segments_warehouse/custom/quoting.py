"""How a definition's values reach the generated SQL: every text value goes through `literal`, which writes a call
of the dispatched macro sql_string with the value as an ASCII-only Jinja string, so no user text reaches the SQL (or
the Jinja) unquoted; numbers are written from checked Python numbers. docs/custom_segments.md, "Quoting"."""

from __future__ import annotations

import datetime as dt
from typing import Any


def jinja_string(text: str) -> str:
    """`text` as a double-quoted Jinja string literal made of printable ASCII letters, digits and a few safe
    signs only: everything else (quotes, backslashes, braces, %, #, newlines, unicode) is a \\x, \\u or \\U
    escape, which Jinja decodes back to the same text."""
    out = []
    for char in text:
        if char.isascii() and (char.isalnum() or char in " _-.,:/@+=()[]<>!?*&^~|`$;"):
            out.append(char)
        elif ord(char) < 0x100:
            out.append(f"\\x{ord(char):02x}")
        elif ord(char) < 0x10000:
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(f"\\U{ord(char):08x}")
    return '"' + "".join(out) + '"'


def jinja_value(value: Any) -> str:
    """A mapping, list, boolean or text as a Jinja literal, every text through jinja_string."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{jinja_string(k)}: {jinja_value(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(jinja_value(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    return jinja_string(str(value))


def text_expression(value: str) -> str:
    """A text value as a Jinja expression (for a macro's argument); `literal` wraps it in {{ }}."""
    if not isinstance(value, str):
        raise TypeError(f"not text: {value!r}")
    return f"sql_string({jinja_string(value)})"


def literal(value: Any, kind: str = "text") -> str:
    """One value as SQL: the only path by which a definition's values reach the generated model."""
    if kind == "number":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise TypeError(f"not a number: {value!r}")
        return repr(value) if isinstance(value, int) else repr(float(value))
    if kind == "boolean":
        return "true" if value is True else "false"
    if kind in ("date", "timestamp"):
        if not isinstance(value, dt.date):
            raise TypeError(f"not a date: {value!r}")
        return f"cast({{{{ {text_expression(value.isoformat())} }}}} as {kind})"
    return f"{{{{ {text_expression(value)} }}}}"


def sql_list(values, kind: str) -> str:
    return "(" + ", ".join(literal(value, kind) for value in values) + ")"


def compare(expression: str, op: str, value: Any, kind: str) -> str:
    if op == "is null":
        return f"{expression} is null"
    if op == "is not null":
        return f"{expression} is not null"
    if op in ("in", "not in"):
        return f"{expression} {op} {sql_list(value, kind)}"
    if op == "between":
        return f"{expression} between {literal(value[0], kind)} and {literal(value[1], kind)}"
    if op == "contains":
        return f"{{{{ dbt.position({text_expression(value)}, '{expression}') }}}} > 0"
    if op == "starts with":
        return f"substr({expression}, 1, {len(value)}) = {literal(value)}"
    return f"{expression} {'<>' if op == '!=' else op} {literal(value, kind)}"
