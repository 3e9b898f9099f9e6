"""Every diagnostic code, its default severity and its explanation.

Each rule's explanation says what goes wrong and what to do instead; ``idmbook rules`` prints
them and the rapporteur's guide is generated from them. The rules are kept by family:
reading a file (files.py), the book as a whole (book.py), ingest (ingest.py), the checks left
out without the build extra (extras.py).
"""

from __future__ import annotations

from idmbook.diagnostics import Diagnostic, Severity
from idmbook.rules.apparatus import APPARATUS_RULES
from idmbook.rules.book import BOOK_RULES
from idmbook.rules.cover import COVER_RULES
from idmbook.rules.extras import EXTRA_RULES
from idmbook.rules.files import FILE_RULES
from idmbook.rules.ingest import INGEST_RULES
from idmbook.rules.rule import ERR, INFO, WARN, Rule

__all__ = ["ERR", "INFO", "RULES", "WARN", "Rule", "diag"]


RULES: dict[str, Rule] = {
    rule.code: rule
    for rule in sorted(
        [
            *FILE_RULES,
            *BOOK_RULES,
            *INGEST_RULES,
            *APPARATUS_RULES,
            *COVER_RULES,
            *EXTRA_RULES,
        ],
        key=lambda rule: rule.code,
    )
}
"""Every rule by its code, in the order of the codes."""


def diag(
    code: str,
    path: str,
    line: int,
    column: int,
    message: str,
    hint: str | None = None,
    severity: Severity | None = None,
) -> Diagnostic:
    """A diagnostic for ``code`` with the rule's default severity."""
    rule = RULES[code]
    return Diagnostic(code, severity or rule.severity, path, line, column, message, hint)
