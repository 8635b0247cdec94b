"""Per-environment settings.

Account-level names (region, name prefix, artifacts bucket) live once, in
``environments/<env>.tfvars``: Terraform reads that file and so does the tool.
What only the tool needs (provider mirror, emulator port, the account guard)
comes from invoke's config: ``invoke.yaml``, ``INVOKE_*`` variables, flags.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from glue_release.emulator.control import DEFAULT_PORT, Emulator
from glue_release.errors import UserError
from glue_release.paths import BUILD_DIR, ENVIRONMENTS_DIR

LOCAL = "local"
# A top-level `name = "value"` or `name = number|true|false` line of a tfvars file.
_ASSIGNMENT = re.compile(r'^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(?:"([^"]*)"|([0-9.]+|true|false))\s*(?:#.*)?$')


@dataclass(frozen=True)
class Settings:
    env: str
    region: str
    name_prefix: str
    artifacts_bucket: str
    tfvars: Path
    backend_config: Path
    provider_mirror: str | None = None
    account_id: str | None = None  # the guard: refuse to deploy with credentials of another account
    emulator_port: int = DEFAULT_PORT
    build_root: Path = BUILD_DIR
    verbose: bool = False  # stream Terraform's output instead of logging it under build/<env>/logs/

    @property
    def is_local(self) -> bool:
        return self.env == LOCAL

    @property
    def build_dir(self) -> Path:
        return self.build_root / self.env

    @property
    def emulator(self) -> Emulator | None:
        if not self.is_local:
            return None
        return Emulator(port=self.emulator_port, state_dir=self.build_root / "emulator")


# The provider every configuration here needs, as a filesystem mirror lays it out.
MIRRORED_PROVIDER = "registry.terraform.io/hashicorp/aws"


def _shown(path: Path) -> str:
    return f"{path.parent.name}/{path.name}"


def _written(tfvars: Path, name: str) -> str:
    """Where ``name`` is assigned but not as a quoted string (an unclosed quote, a list): the line, to fix it."""
    for number, line in enumerate(tfvars.read_text(encoding="utf-8").splitlines(), 1):
        if re.match(rf"\s*{name}\s*=", line):
            return f"; line {number} is `{line.strip()}`"
    return ""


def _check_writable(folder: Path) -> None:
    """The build folder of an environment can be made and written; else one line before anything starts."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / ".writable"
        probe.touch()
        probe.unlink()
    except OSError as error:
        raise UserError(
            f"cannot write to the build folder {folder} ({error.strerror}); make it writable, "
            "or set build_root in invoke.yaml (or INVOKE_BUILD_ROOT) to a writable folder"
        ) from None


def known_environments(environments_dir: Path = ENVIRONMENTS_DIR) -> list[str]:
    return sorted(p.name.removesuffix(".tfvars") for p in environments_dir.glob("*.tfvars"))


def read_tfvars(path: Path) -> dict[str, str]:
    """The simple top-level assignments of a tfvars file (strings, numbers, booleans); maps and lists are skipped."""
    values: dict[str, str] = {}
    depth = 0
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise UserError(f"{_shown(path)}: not UTF-8 text; save it as UTF-8 (Terraform reads it as such)") from None
    for line in text.splitlines():
        if depth == 0 and (match := _ASSIGNMENT.match(line)):
            values[match[1]] = match[2] if match[2] is not None else match[3]
        depth += line.count("{") + line.count("[") - line.count("}") - line.count("]")
    return values


def load_settings(
    env: str,
    config: Mapping[str, Any] | None = None,
    environments_dir: Path = ENVIRONMENTS_DIR,
    build_root: Path = BUILD_DIR,
) -> Settings:
    """Settings for ``env`` from its tfvars and the invoke config (``provider_mirror``, ``emulator.port``, ``envs``)."""
    known = known_environments(environments_dir)
    if not known:
        raise UserError(
            f"{environments_dir} holds no <env>.tfvars: every environment is one there, with its .s3.tfbackend; "
            "restore the folder (`git checkout -- environments`)"
        )
    if env not in known:
        raise UserError(f"unknown environment {env!r}; known environments: {', '.join(known)}")
    config = config or {}
    tfvars = environments_dir / f"{env}.tfvars"
    backend = environments_dir / f"{env}.s3.tfbackend"
    values = read_tfvars(tfvars)
    for required in ("region", "name_prefix", "artifacts_bucket_name"):
        if not values.get(required):
            raise UserError(f"{tfvars.name}: {required} must be set (a quoted string){_written(tfvars, required)}")
    if not backend.exists():
        raise UserError(f"{backend.name} is missing; every environment needs a backend file next to its tfvars")
    check_config_shape(config)
    env_config = (config.get("envs") or {}).get(env) or {}
    emulator_config = config.get("emulator") or {}
    try:
        port = int(emulator_config.get("port") or DEFAULT_PORT)
    except (TypeError, ValueError):
        raise UserError(f"emulator.port must be a number, got {emulator_config.get('port')!r}") from None
    if not 1024 <= port <= 65535:
        raise UserError(f"emulator.port must be between 1024 and 65535, got {port}")
    account = env_config.get("account_id")
    if account is not None and not re.fullmatch(r"\d{12}", str(account)):
        raise UserError(f"envs.{env}.account_id must be a 12-digit AWS account id, got {account!r}")
    mirror = config.get("provider_mirror") or None
    if mirror and not Path(mirror).is_dir():
        raise UserError(
            f"provider_mirror {mirror!r} is not a directory (set INVOKE_PROVIDER_MIRROR to a provider mirror)"
        )
    if mirror and not (Path(mirror) / MIRRORED_PROVIDER).is_dir():
        # Terraform would fail only at init, after the bootstrap started, with the cause far up its log.
        raise UserError(
            f"provider_mirror {mirror!r} holds no {MIRRORED_PROVIDER}/; point INVOKE_PROVIDER_MIRROR "
            "(or provider_mirror in invoke.yaml) at the folder that holds registry.terraform.io/"
        )
    _check_writable(build_root / env)
    return Settings(
        env=env,
        region=values["region"],
        name_prefix=values["name_prefix"],
        artifacts_bucket=values["artifacts_bucket_name"],
        tfvars=tfvars,
        backend_config=backend,
        provider_mirror=mirror,
        account_id=None if account is None else str(account),
        emulator_port=port,
        build_root=build_root,
        verbose=bool(config.get("verbose")),
    )


# -- invoke.yaml ---------------------------------------------------------------------

CONFIG_FILE = "invoke.yaml"
_SCALARS = (str, int, float, bool, list)


def _is_mapping(value: object) -> bool:
    # invoke hands nested config over as its own DataProxy, a mapping that is not a Mapping subclass.
    return value is None or isinstance(value, Mapping) or (hasattr(value, "get") and not isinstance(value, _SCALARS))


def check_config_shape(config: Mapping[str, Any], where: str = CONFIG_FILE) -> None:
    """The settings the tool reads have the shape the README gives; one line naming the first that does not."""
    emulator = config.get("emulator")
    if not _is_mapping(emulator):
        raise UserError(f"{where}: emulator must be a mapping such as `emulator: {{port: 5000}}`, got {emulator!r}")
    envs = config.get("envs")
    if not _is_mapping(envs):
        raise UserError(
            f"{where}: envs must be a mapping of environment names, such as `envs: {{prod: {{account_id: "
            f'"123456789012"}}}}`, got {envs!r}'
        )
    for name, value in (envs or {}).items():
        if not _is_mapping(value):
            raise UserError(f"{where}: envs.{name} must be a mapping such as `{{account_id: null}}`, got {value!r}")
    for key in ("provider_mirror", "build_root"):
        value = config.get(key)
        if value is not None and not isinstance(value, str):
            raise UserError(f"{where}: {key} must be a path (a string) or null, got {value!r}")


def _unique_keys_loader() -> type:
    import yaml

    class UniqueKeyLoader(yaml.SafeLoader):
        """YAML where a key given twice in one mapping is an error, not "the last one wins"."""

    def construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            key = loader.construct_object(key_node, deep=deep)
            line = key_node.start_mark.line + 1
            if key in seen:
                raise UserError(f"key {key!r} appears twice, on lines {seen[key]} and {line}; keep one")
            seen[key] = line
        return dict(loader.construct_mapping(node, deep=deep))

    UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, construct_mapping)
    return UniqueKeyLoader


def load_yaml_unique(text: str) -> Any:
    """Parse YAML, refusing duplicate keys (UserError naming both lines) and invalid YAML (yaml.YAMLError)."""
    import yaml

    return yaml.load(text, Loader=_unique_keys_loader())


def check_config_file(path: Path) -> None:
    """``invoke.yaml`` is valid YAML, has no duplicate keys, and has the tool's shape; one line when not.

    Called before invoke reads the file itself (invoke would stop with a traceback on invalid YAML and
    silently keep the last of two equal keys).
    """
    import yaml

    if not path.exists():
        return
    try:
        data = load_yaml_unique(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise UserError(f"{path.name}: not UTF-8 text; save it as UTF-8 (see the README's settings table)") from None
    except UserError as error:
        raise UserError(f"{path.name}: {error}") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"{path.name}:{mark.line + 1}" if mark is not None else path.name
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise UserError(
            f"{where}: not valid YAML ({problem}); fix the file (see the README's settings table)"
        ) from None
    if data is None:
        return
    if not isinstance(data, dict):
        raise UserError(f"{path.name}: must be a mapping of settings (provider_mirror, emulator, envs), got {data!r}")
    check_config_shape(data, path.name)
    check_config_keys(data, path.name, known_environments(path.parent / "environments"))


# What invoke.yaml may hold: the tool's settings, and invoke's own (run, tasks, ...), which invoke checks.
SETTINGS = {"provider_mirror": None, "emulator": ("port",), "verbose": None, "build_root": None, "envs": None}
ENV_SETTINGS = ("account_id",)


def check_config_keys(data: Mapping[str, Any], where: str, environments: list[str]) -> None:
    """No misspelt setting: a typo (``emulatr``, ``acount_id``) would silently drop the setting (and the guard)."""
    import difflib

    import invoke

    def unknown(key: object, known: Any, what: str) -> UserError:
        close = difflib.get_close_matches(str(key), [str(k) for k in known], n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        return UserError(f"{where}: unknown {what} {key!r}{hint}; known: {', '.join(map(str, known))}")

    known_top = [*SETTINGS, *sorted(invoke.Config.global_defaults())]
    for key in data:
        if key not in known_top:
            raise unknown(key, known_top, "setting")
    for key in data.get("emulator") or {}:
        if key not in SETTINGS["emulator"]:
            raise unknown(key, SETTINGS["emulator"], "setting under emulator:")
    verbose = data.get("verbose")
    if verbose is not None and not isinstance(verbose, bool):
        raise UserError(f"{where}: verbose must be true or false, got {verbose!r}")
    for env, value in (data.get("envs") or {}).items():
        if environments and env not in environments:
            raise unknown(env, environments, "environment under envs:")
        for key in value or {}:
            if key not in ENV_SETTINGS:
                raise unknown(key, ENV_SETTINGS, f"setting under envs.{env}:")
        account = (value or {}).get("account_id")
        if account is not None and not re.fullmatch(r"\d{12}", str(account)):
            raise UserError(f"{where}: envs.{env}.account_id must be a 12-digit AWS account id, got {account!r}")
