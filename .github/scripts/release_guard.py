#!/usr/bin/env python3
"""Refuse, in one clear line, a workflow run that would put the wrong code into an environment.

Stdlib only (the runner's python3, before anything is installed, before any AWS credentials).

  rollback-target --commit SHA [--main REF]
      SHA must be a full 40-character commit id that is an ancestor of (or equal to) REF
      (default origin/main): a rollback can only go back to code that was reviewed and merged.
      Needs the history (actions/checkout with fetch-depth: 0).

  main-head
      The run's commit ($GITHUB_SHA) must still be the head of main. "Re-run all jobs" on an old
      Deploy run would otherwise plan and apply that old commit, with a fresh (not stale) plan.

  no-waiting-apply --env ENV
      Fail while any other run waits for approval to deploy to ENV. That waiting job holds the
      environment's concurrency group: a rollback queued behind it would wait for the approval and
      could be cancelled by the next push. Reject the waiting run (named in the message) first.

Environment: GITHUB_TOKEN, GITHUB_REPOSITORY, GITHUB_API_URL, GITHUB_SERVER_URL, GITHUB_SHA, GITHUB_RUN_ID.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gh_report import github_api  # the same REST client as the PR comment

Api = Callable[..., object]
FULL_SHA = re.compile(r"[0-9a-f]{40}")


class Refused(Exception):
    """The one line that says what is wrong and what to do."""


def git(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], capture_output=True, text=True, check=False)


def rollback_target(commit: str, main: str) -> str:
    if not FULL_SHA.fullmatch(commit):
        raise Refused(
            f"rollback target {commit!r} is not a full commit SHA: paste the 40-character id of a commit of main "
            "(git log --format=%H main)"
        )
    if git("cat-file", "-e", f"{commit}^{{commit}}").returncode != 0:
        raise Refused(f"commit {commit} is not in this repository's history; pick a commit of main")
    if git("rev-parse", "--verify", "--quiet", main).returncode != 0:
        raise Refused(f"{main} not found: check out with fetch-depth: 0")
    if git("merge-base", "--is-ancestor", commit, main).returncode != 0:
        raise Refused(f"commit {commit} is not on {main}: a rollback may only restore code that was merged to main")
    return f"rollback target {commit} is on {main}"


def main_head(api: Api, repo: str, sha: str) -> str:
    ref = api("GET", f"/repos/{repo}/git/ref/heads/main")
    head = ref["object"]["sha"] if isinstance(ref, dict) else None
    if head != sha:
        raise Refused(
            f"this run's commit {sha[:12]} is no longer the head of main ({str(head)[:12]}): an old run must not "
            "deploy old code. Use the latest Deploy run (or push/revert on main) instead of re-running this one"
        )
    return f"{sha[:12]} is the head of main"


def no_waiting_apply(api: Api, repo: str, env: str, own_run: str, server: str) -> str:
    runs = api("GET", f"/repos/{repo}/actions/runs", params={"status": "waiting", "per_page": 100})
    waiting = []
    for run in (runs or {}).get("workflow_runs", []) if isinstance(runs, dict) else []:
        if str(run["id"]) == own_run:
            continue
        pending = api("GET", f"/repos/{repo}/actions/runs/{run['id']}/pending_deployments") or []
        if any(p.get("environment", {}).get("name") == env for p in pending):
            waiting.append(run.get("html_url") or f"{server}/{repo}/actions/runs/{run['id']}")
    if waiting:
        raise Refused(
            f"a run waits for approval to deploy to {env} and holds its concurrency group, so this run would queue "
            f"behind it: reject it first (Review deployments -> Reject), then start this again: {', '.join(waiting)}"
        )
    return f"no run waits for approval to deploy to {env}"


def main(argv: list[str] | None = None, api: Api = github_api) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    target = commands.add_parser("rollback-target")
    target.add_argument("--commit", required=True)
    target.add_argument("--main", default="origin/main")
    commands.add_parser("main-head")
    waiting = commands.add_parser("no-waiting-apply")
    waiting.add_argument("--env", required=True)
    args = parser.parse_args(argv)
    try:
        if args.command == "rollback-target":
            print(rollback_target(args.commit.strip(), args.main))
        elif args.command == "main-head":
            print(main_head(api, os.environ["GITHUB_REPOSITORY"], os.environ["GITHUB_SHA"]))
        else:
            server = os.environ.get("GITHUB_SERVER_URL", "https://github.com")
            repo, own = os.environ["GITHUB_REPOSITORY"], os.environ.get("GITHUB_RUN_ID", "")
            print(no_waiting_apply(api, repo, args.env, own, server))
    except Refused as refused:
        print(f"::error::{refused}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
