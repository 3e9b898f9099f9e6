"""The whole hostile corpus, in the order the report prints it."""

from __future__ import annotations

from hostile import (
    cases_build,
    cases_ingest,
    cases_init,
    cases_places,
    cases_resources,
    cases_validate,
)
from hostile.harness import Case

CASES: list[Case] = [
    *cases_validate.CASES,
    *cases_build.CASES,
    *cases_places.CASES,
    *cases_resources.CASES,
    *cases_init.CASES,
    *cases_ingest.CASES,
]
