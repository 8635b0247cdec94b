#!/usr/bin/env python3
"""Post what the invoke tasks wrote to GitHub: the PR plan comment and the drift issues.

Stdlib only (it runs on the runner's python3 without the project installed). It decides nothing
about infrastructure: it reads files the invoke tasks wrote and talks to the GitHub REST API.

  plan-comment  --env test=DIR --env prod=DIR
      DIR holds plan.md and plan.txt (written by `invoke plan`). Creates or updates ONE comment on
      the pull request: the one written by github-actions[bot] that carries PLAN_MARKER (a comment
      anyone else wrote is never touched, marker or not). The full plan text goes in a collapsed
      <details>; when the comment would exceed GitHub's 65536-character limit the comment keeps only
      the summaries and the full text goes to the job summary ($GITHUB_STEP_SUMMARY) instead.

  plan-summary  --env prod=DIR
      The same sections (summary and full plan text) to the job summary only: what a reviewer reads
      before approving an apply.

  drift-issue   --env test=DIR --env prod=DIR
      DIR holds drift.md (written by `invoke drift`), pending.md (changes not yet deployed: not drift)
      and `status` (drift | clean). Drift opens or updates ONE issue per environment; clean closes
      it. The bot's issue is one opened by github-actions[bot], labelled DRIFT_LABEL, with the
      environment's marker: all three, so it never edits or closes anyone else's issue. Undeployed
      changes go to the job summary, never to the issue. An environment whose DIR is missing (its
      drift check errored) is left alone: that job failed.

Environment: GITHUB_TOKEN, GITHUB_REPOSITORY, GITHUB_API_URL, GITHUB_SERVER_URL, GITHUB_RUN_ID,
GITHUB_STEP_SUMMARY; plan-comment also PR_NUMBER and HEAD_SHA.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path

PLAN_MARKER = "<!-- glue-release-plan -->"
DRIFT_MARKER = "<!-- glue-release-drift:{env} -->"
# What the workflows' GITHUB_TOKEN posts as. A marker alone proves nothing: anyone can paste it.
BOT_LOGIN = "github-actions[bot]"
DRIFT_LABEL = "terraform-drift"
# GitHub rejects comment and issue bodies over 65536 characters; keep a margin for the API's own
# counting (it counts what it stores, which can differ slightly from Python's len()).
BODY_LIMIT = 65_000
# A job summary may hold 1 MiB per step.
STEP_SUMMARY_LIMIT = 1_000_000

ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")

Api = Callable[..., object]


# --------------------------------------------------------------------------- GitHub REST client


def github_api(method: str, path: str, body: dict | None = None, params: dict | None = None) -> object:
    """One REST call; returns the decoded JSON (None for an empty answer)."""
    base = os.environ.get("GITHUB_API_URL", "https://api.github.com").rstrip("/")
    url = base + path
    if params:
        url += "?" + urllib.parse.urlencode(params)
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header("Authorization", f"Bearer {os.environ['GITHUB_TOKEN']}")
    request.add_header("Accept", "application/vnd.github+json")
    request.add_header("X-GitHub-Api-Version", "2022-11-28")
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            raw = response.read()
    except urllib.error.HTTPError as error:
        detail = error.read().decode(errors="replace")[:500]
        raise SystemExit(f"GitHub API {method} {path} failed: HTTP {error.code}: {detail}") from None
    return json.loads(raw) if raw else None


def paginate(api: Api, path: str, params: dict | None = None) -> list[dict]:
    items: list[dict] = []
    page = 1
    while True:
        batch = api("GET", path, params={**(params or {}), "per_page": 100, "page": page})
        assert isinstance(batch, list)
        items.extend(batch)
        if len(batch) < 100:
            return items
        page += 1


# --------------------------------------------------------------------------- plan comment


def fence(text: str) -> str:
    """A code fence longer than any backtick run inside the text, so the text cannot close it."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    return "`" * max(3, longest + 1)


def read(path: Path) -> str | None:
    try:
        return ANSI.sub("", path.read_text(encoding="utf-8", errors="replace")).rstrip()
    except FileNotFoundError:
        return None


def plan_sections(envs: list[tuple[str, Path]], run_url: str, full: bool) -> list[str]:
    sections = []
    for env, folder in envs:
        summary = read(folder / "plan.md")
        if summary is None:
            sections.append(f"### {env}\n\n:x: No plan for `{env}`: the plan job failed. See [the run]({run_url}).")
            continue
        section = f"### {env}\n\n{summary}"
        text = read(folder / "plan.txt")
        if full and text is not None:
            marks = fence(text)
            section += (
                f"\n\n<details><summary>Full plan output ({env})</summary>\n\n"
                f"{marks}text\n{text}\n{marks}\n\n</details>"
            )
        sections.append(section)
    return sections


def plan_header(head_sha: str, run_url: str) -> str:
    short = head_sha[:12] if head_sha else "unknown"
    return (
        f"{PLAN_MARKER}\n## Terraform plan\n\n"
        f"Commit `{short}` · [workflow run]({run_url}) · this comment is updated on every push."
    )


def build_plan_comment(envs: list[tuple[str, Path]], head_sha: str, run_url: str) -> tuple[str, str, bool]:
    """Return (comment body, job summary, whether the full text fit in the comment)."""
    header = plan_header(head_sha, run_url)
    full = "\n\n".join([header, *plan_sections(envs, run_url, full=True)]) + "\n"
    summary = full.replace(PLAN_MARKER + "\n", "", 1)
    if len(full) <= BODY_LIMIT:
        return full, summary, True
    note = (
        "> [!NOTE]\n> The full plan text is too long for a comment (GitHub's limit is 65536 characters). "
        f"It is in the job summary of [the run]({run_url}) and in the run's `plan-<env>` artifacts."
    )
    compact = "\n\n".join([header, note, *plan_sections(envs, run_url, full=False)]) + "\n"
    if len(compact) > BODY_LIMIT:
        cut = "\n\n… (cut: the summaries alone exceed the comment limit; read the job summary)\n"
        compact = compact[: BODY_LIMIT - len(cut)] + cut
    return compact, summary, False


def by_bot(item: dict) -> bool:
    return (item.get("user") or {}).get("login") == BOT_LOGIN


def find_marked_comment(api: Api, repo: str, number: int, marker: str) -> dict | None:
    for comment in paginate(api, f"/repos/{repo}/issues/{number}/comments"):
        if by_bot(comment) and marker in (comment.get("body") or ""):
            return comment
    return None


def upsert_plan_comment(api: Api, repo: str, number: int, body: str) -> str:
    existing = find_marked_comment(api, repo, number, PLAN_MARKER)
    if existing is None:
        api("POST", f"/repos/{repo}/issues/{number}/comments", body={"body": body})
        return "created"
    api("PATCH", f"/repos/{repo}/issues/comments/{existing['id']}", body={"body": body})
    return "updated"


def write_step_summary(text: str) -> None:
    path = os.environ.get("GITHUB_STEP_SUMMARY")
    if not path:
        return
    if len(text) > STEP_SUMMARY_LIMIT:
        text = text[: STEP_SUMMARY_LIMIT - 200] + "\n\n… (cut at the job summary limit; see the artifacts)\n"
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(text)


# --------------------------------------------------------------------------- drift issues


def drift_title(env: str) -> str:
    return f"Terraform drift detected in {env}"


def build_drift_body(env: str, report: str, run_url: str) -> str:
    body = (
        f"{DRIFT_MARKER.format(env=env)}\n"
        f"The scheduled drift check found differences between `{env}` and the Terraform state "
        f"(last checked by [this run]({run_url})). This issue is updated by every check that still "
        "finds drift and closed by the first one that finds none. See docs/review-loop.md.\n\n"
        f"{report}\n"
    )
    if len(body) > BODY_LIMIT:
        cut = f"\n\n… (cut: the full report is in the `drift-{env}` artifact of [the run]({run_url}))\n"
        body = body[: BODY_LIMIT - len(cut)] + cut
    return body


def find_drift_issue(api: Api, repo: str, env: str) -> dict | None:
    marker = DRIFT_MARKER.format(env=env)
    params = {"state": "open", "labels": DRIFT_LABEL, "creator": BOT_LOGIN}
    for issue in paginate(api, f"/repos/{repo}/issues", params=params):
        labelled = DRIFT_LABEL in {label.get("name") for label in issue.get("labels") or []}
        if "pull_request" not in issue and by_bot(issue) and labelled and marker in (issue.get("body") or ""):
            return issue
    return None


def sync_drift_issue(api: Api, repo: str, env: str, status: str, report: str, run_url: str) -> str:
    issue = find_drift_issue(api, repo, env)
    if status == "drift":
        body = build_drift_body(env, report, run_url)
        if issue is None:
            created = api(
                "POST", f"/repos/{repo}/issues", body={"title": drift_title(env), "body": body, "labels": [DRIFT_LABEL]}
            )
            return f"opened #{created['number']}" if isinstance(created, dict) else "opened"
        api("PATCH", f"/repos/{repo}/issues/{issue['number']}", body={"body": body})
        return f"updated #{issue['number']}"
    if status == "clean":
        if issue is None:
            return "no drift"
        api(
            "POST",
            f"/repos/{repo}/issues/{issue['number']}/comments",
            body={"body": f"No drift in `{env}` any more, as of [this run]({run_url}). Closing."},
        )
        api("PATCH", f"/repos/{repo}/issues/{issue['number']}", body={"state": "closed", "state_reason": "completed"})
        return f"closed #{issue['number']}"
    raise SystemExit(f"{env}: unknown drift status {status!r} (expected drift or clean)")


# --------------------------------------------------------------------------- command line


def env_dir(value: str) -> tuple[str, Path]:
    name, sep, folder = value.partition("=")
    if not sep or not name or not folder:
        raise argparse.ArgumentTypeError(f"expected NAME=DIR, got {value!r}")
    return name, Path(folder)


def run_url() -> str:
    server = os.environ.get("GITHUB_SERVER_URL", "https://github.com")
    return f"{server}/{os.environ['GITHUB_REPOSITORY']}/actions/runs/{os.environ.get('GITHUB_RUN_ID', '')}"


def main(argv: list[str] | None = None, api: Api = github_api) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    for name in ("plan-comment", "plan-summary", "drift-issue"):
        command = commands.add_parser(name)
        command.add_argument("--env", dest="envs", action="append", type=env_dir, required=True, metavar="NAME=DIR")
    args = parser.parse_args(argv)
    repo = os.environ["GITHUB_REPOSITORY"]

    if args.command == "plan-comment":
        body, summary, fitted = build_plan_comment(args.envs, os.environ.get("HEAD_SHA", ""), run_url())
        write_step_summary(summary)
        outcome = upsert_plan_comment(api, repo, int(os.environ["PR_NUMBER"]), body)
        print(f"plan comment {outcome} ({len(body)} characters; full plan text in comment: {fitted})")
        return 0
    if args.command == "plan-summary":
        write_step_summary("\n\n".join(plan_sections(args.envs, run_url(), full=True)) + "\n")
        return 0

    for env, folder in args.envs:
        status = read(folder / "status")
        if status is None:
            print(f"{env}: no drift result (the drift check failed); issue left as it is")
            continue
        report = read(folder / "drift.md") or "(the drift report is empty)"
        if status == "drift":
            write_step_summary(f"## Drift in {env}\n\n{report}\n\n")
        pending = read(folder / "pending.md")
        if pending:
            write_step_summary(f"## Not yet deployed to {env} (not drift)\n\n{pending}\n\n")
        print(f"{env}: {sync_drift_issue(api, repo, env, status, report, run_url())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
