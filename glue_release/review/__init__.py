"""What a reviewer approves on: attribute diffs, IAM permission changes, code provenance, cost, and the policy gate.

Each module reads ``terraform show -json`` output (plus, for provenance and cost,
the manifest and declarations) and returns rows; ``plan_summary`` renders them.
"""
