"""A pytest plugin that records every operation the API tests send, for the fast path's
differential test (tests/api/test_fastpath.py)::

    DOLBOM_RECORD_QUERIES=/tmp/queries.jsonl python -m pytest tests/api -p tests.api.record_queries

Each line: the document, its variables, its operation name and the caller (role, region,
organization). Without the variable it records nothing.
"""

from __future__ import annotations

import inspect
import json
import os
from typing import Any


def pytest_configure(config: Any) -> None:
    path = os.environ.get("DOLBOM_RECORD_QUERIES")
    if not path:
        return
    from schema.build import DolbomSchema

    original = DolbomSchema.execute
    signature = inspect.signature(original)

    async def execute(self: Any, *args: Any, **kwargs: Any) -> Any:
        bound = signature.bind(self, *args, **kwargs).arguments
        principal = getattr(bound.get("context_value"), "principal", None)
        line = {"query": bound.get("query"), "variables": bound.get("variable_values"),
                "operationName": bound.get("operation_name"),
                "role": getattr(getattr(principal, "role", None), "value", None),
                "region": getattr(principal, "region_id", None),
                "organization": getattr(principal, "organization_id", None)}
        try:
            text = json.dumps(line, sort_keys=True)  # ASCII: lone surrogates too
        except (TypeError, ValueError):
            text = None
        if text is not None:
            with open(path, "a", encoding="utf-8") as out:
                out.write(text + "\n")
        return await original(self, *args, **kwargs)

    DolbomSchema.execute = execute  # type: ignore[method-assign]
