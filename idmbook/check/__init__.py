"""Stage 2, checking the project as a whole.

Rules across files (sessions, references, budgets) and the preflight a build runs first.
"""
