"""The ``smoke:`` section of a job declaration: what a smoke run feeds the job and what it expects back.

```yaml
smoke:
  inputs:                      # per input argument; default: the input's own `sample`
    orders_path: {sample: sample/orders.jsonl}
  arguments:                   # argument overrides for smoke runs only
    as_of_date: "2024-06-01"
  checks:                      # per output argument; every output must have data unless has_data: false
    output_path:
      has_data: true
      min_rows: 1
      max_rows: 100
      columns: {customer_id: bigint, email: string, country: null}   # Spark type, or null for any type
  check: smoke_check.py        # a module in the job folder: def check(outputs: dict[str, DataFrame]) -> list[str]
```

It is part of the declaration's one schema (``glue_release.declarations.model.SmokeSection``)
and parsed with it, once, by ``load_job``; this module names what smoke runs use.
"""

from __future__ import annotations

from glue_release.declarations.job import OutputCheck, SmokeSpec, parse_smoke
from glue_release.declarations.model import TYPE_ALIASES, TYPE_RE, normalise_type

__all__ = ["TYPE_ALIASES", "TYPE_RE", "OutputCheck", "SmokeSpec", "normalise_type", "parse_smoke"]
