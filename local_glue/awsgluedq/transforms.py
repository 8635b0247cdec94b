"""EvaluateDataQuality for local runs: the dataset-level DQDL rules every AWS Glue Studio script carries.

Since 2023 AWS Glue Studio writes an ``EvaluateDataQuality().process_rows(frame=..., ruleset=...)`` node into
the scripts it generates, with the default ruleset ``Rules = [ColumnCount > 0]``, so an unmodified Studio
script needs it to run at all. Rules follow "Data Quality Definition Language (DQDL) reference"
(https://docs.aws.amazon.com/glue/latest/dg/dqdl.html). Evaluated locally: ``RowCount`` and ``ColumnCount``
compared with a number, ``IsComplete "col"`` and ``ColumnExists "col"``. The ``ruleOutcomes`` frame has
Glue's columns (Rule, Outcome, FailureReason, EvaluatedMetrics). Any other rule, and the row-level outcomes,
fail with one line saying they are not available locally. Nothing is published (no Data Quality results,
no CloudWatch metrics).
"""

from __future__ import annotations

import operator
import re
from typing import Any

from awsglue._local import not_available
from awsglue.dynamicframe import DynamicFrame, DynamicFrameCollection
from pyspark.sql import functions as F

RULE_OUTCOMES = "ruleOutcomes"
ROW_LEVEL_OUTCOMES = "rowLevelOutcomes"
_OPS = {">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le, "=": operator.eq, "!=": operator.ne}
_COUNT = re.compile(r"^(RowCount|ColumnCount)\s*(>=|<=|!=|>|<|=)\s*(-?\d+(?:\.\d+)?)$")
_COLUMN = re.compile(r'^(IsComplete|ColumnExists)\s+"([^"]+)"$')


def rules(ruleset: str) -> list[str]:
    """The rules of ``Rules = [ r1, r2, ... ]``, split on the commas outside quotes."""
    body = re.sub(r"^\s*Rules\s*=\s*\[", "", ruleset.strip(), count=1)
    if body == ruleset.strip() or not body.rstrip().endswith("]"):
        raise ValueError(f"EvaluateDataQuality: ruleset must read 'Rules = [ ... ]', got {ruleset.strip()[:60]!r}")
    body = body.rstrip()[:-1]
    out, current, quoted = [], "", False
    for ch in body:
        if ch == '"':
            quoted = not quoted
        if ch == "," and not quoted:
            out.append(current.strip())
            current = ""
        else:
            current += ch
    out.append(current.strip())
    return [r for r in out if r]


def _evaluate(frame: DynamicFrame, rule: str) -> tuple[bool, str | None, dict[str, float]]:
    df = frame.toDF()
    if match := _COUNT.match(rule):
        metric, op, limit = match[1], match[2], float(match[3])
        value = float(df.count() if metric == "RowCount" else len(df.columns))
        ok = _OPS[op](value, limit)
        return (
            ok,
            None if ok else f"Value: {value:g} does not meet the constraint requirement!",
            {f"Dataset.*.{metric}": value},
        )
    if match := _COLUMN.match(rule):
        kind, column = match[1], match[2]
        if column not in df.columns:
            return False, f"Column {column} does not exist", {}
        if kind == "ColumnExists":
            return True, None, {}
        total, filled = df.agg(F.count(F.lit(1)), F.count(F.col(f"`{column}`"))).first()
        completeness = 1.0 if total == 0 else filled / total
        ok = completeness == 1.0
        return (
            ok,
            None if ok else f"Value: {completeness:g} does not meet the constraint requirement!",
            {f"Column.{column}.Completeness": completeness},
        )
    not_available(
        f"EvaluateDataQuality rule {rule!r}", "local runs evaluate RowCount, ColumnCount, IsComplete, ColumnExists"
    )


class _Outcomes(DynamicFrameCollection):
    def select(self, key: str, transformation_ctx: str = "") -> DynamicFrame:
        if key == ROW_LEVEL_OUTCOMES:
            not_available("EvaluateDataQuality row-level outcomes (rowLevelOutcomes)")
        return super().select(key, transformation_ctx)


class EvaluateDataQuality:
    DATA_QUALITY_RULE_OUTCOMES_KEY = RULE_OUTCOMES
    DATA_QUALITY_ROW_LEVEL_OUTCOMES_KEY = ROW_LEVEL_OUTCOMES

    def process_rows(
        self,
        frame: DynamicFrame,
        ruleset: str,
        publishing_options: dict | None = None,
        additional_options: dict | None = None,
        **_: Any,
    ) -> DynamicFrameCollection:
        outcomes = self.apply(frame, ruleset, publishing_options)
        return _Outcomes({RULE_OUTCOMES: outcomes, ROW_LEVEL_OUTCOMES: frame}, frame.glue_ctx)

    @classmethod
    def apply(cls, frame: DynamicFrame, ruleset: str, publishing_options: dict | None = None, **_: Any) -> DynamicFrame:
        """The rule outcomes as a DynamicFrame: Rule, Outcome (Passed/Failed), FailureReason, EvaluatedMetrics."""
        rows = []
        for rule in rules(ruleset):
            ok, reason, metrics = _evaluate(frame, rule)
            rows.append((rule, "Passed" if ok else "Failed", reason, metrics))
        spark = frame.toDF().sparkSession
        schema = "Rule string, Outcome string, FailureReason string, EvaluatedMetrics map<string,double>"
        return DynamicFrame(spark.createDataFrame(rows, schema), frame.glue_ctx, "ruleOutcomes")
