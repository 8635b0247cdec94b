import pytest

from glue_runtime.args import ArgumentError, resolve_args

ARGV = ["script.py", "--JOB_NAME", "j", "--input_path", "s3://b/in/", "--job-bookmark-option", "job-bookmark-disable"]


def test_required_names_resolve_and_glue_extras_are_ignored():
    assert resolve_args(ARGV, ["input_path"]) == {"input_path": "s3://b/in/", "JOB_NAME": "j"}


def test_missing_required_argument_is_named_as_glue_names_it():
    with pytest.raises(ArgumentError, match=r"^the following arguments are required: --output_path, --limit$"):
        resolve_args(ARGV, ["input_path", "output_path", "limit"])


def test_abbreviations_are_rejected():
    with pytest.raises(ArgumentError, match="--inp is not accepted as an abbreviation of it"):
        resolve_args(["s.py", "--inp", "x"], ["input_path"])


def test_typed_required_and_optional_arguments():
    args = resolve_args(
        ["s.py", "--limit", "5", "--ratio=0.5", "--dry_run", "true"],
        required={"limit": int},
        optional={"ratio": 1.0, "dry_run": False, "label": "none"},
    )
    assert args == {"limit": 5, "ratio": 0.5, "dry_run": True, "label": "none"}


def test_bad_typed_value_names_the_argument():
    with pytest.raises(ArgumentError, match="argument --limit: invalid literal"):
        resolve_args(["s.py", "--limit", "five"], required={"limit": int})
    with pytest.raises(ArgumentError, match="argument --dry_run: not a boolean"):
        resolve_args(["s.py", "--dry_run", "maybe"], optional={"dry_run": False})


def test_last_value_wins_and_argv0_may_be_absent():
    assert resolve_args(["--a", "1", "--a", "2"], ["a"]) == {"a": "2"}


# That job_context never imports awsglue off Glue (and what it does on Glue) is tested in test_job_context.py.
