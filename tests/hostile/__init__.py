"""The standing hostile-input suite: a corpus of malformed and malicious inputs built in code
(cases_*.py), the harness that runs each through the real command line and checks what must
always hold (harness.py), and the pytest module that runs them (test_hostile.py).
``scripts/hostile_report.py`` (``make hostile``) prints the same cases as a table."""
