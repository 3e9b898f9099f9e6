"""The checks idmbook runs, each identified by a code (see ``idmbook rules``)."""

from idmbook.rules.codes import RULES, Rule, diag

__all__ = ["RULES", "Rule", "diag"]
