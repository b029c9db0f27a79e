"""The house limits on size: no module over 400 lines, no function over 60 lines.

A function is counted from its ``def`` to its last line, docstring included. Migrations are
generated and not counted; the exceptions below are explained in docs/architecture.md.
Prints each breach and exits 1 if there is any (run by ``make lint``).
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

MODULE_LINES = 400
FUNCTION_LINES = 60
PACKAGES = ["agencies", "cases", "referrals", "workflows", "web", "core", "config"]
# One env-driven settings module, most of it the comment on each setting.
MODULE_EXCEPTIONS = {"config/settings.py"}


def breaches(root: Path) -> list[str]:
    found = []
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            name = path.relative_to(root).as_posix()
            source = path.read_text(encoding="utf-8")
            lines = source.count("\n")
            if lines > MODULE_LINES and name not in MODULE_EXCEPTIONS:
                found.append(f"{name}: {lines} lines (limit {MODULE_LINES})")
            for node in ast.walk(ast.parse(source)):
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                    length = (node.end_lineno or node.lineno) - node.lineno + 1
                    if length > FUNCTION_LINES:
                        found.append(
                            f"{name}:{node.lineno} {node.name}: {length} lines "
                            f"(limit {FUNCTION_LINES})"
                        )
    return found


if __name__ == "__main__":
    problems = breaches(Path(__file__).resolve().parent.parent)
    for problem in problems:
        print(problem)
    sys.exit(1 if problems else 0)
