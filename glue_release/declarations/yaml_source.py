"""YAML for declarations: PyYAML's safe loader, except that a key given twice is an error.

PyYAML keeps the last of two equal keys without a word, so a copy-pasted
``number_of_workers`` would silently win over the first one. Both lines are named.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from glue_release.errors import UserError


class UniqueKeyLoader(yaml.SafeLoader):
    """``yaml.SafeLoader`` that refuses duplicate mapping keys, naming both lines."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                first = seen.get(key)
            except TypeError:  # an unhashable key: the base class reports it
                break
            line = key_node.start_mark.line + 1
            if first is not None:
                raise DuplicateKeyError(key, first, line)
            seen[key] = line
        return super().construct_mapping(node, deep)


class DuplicateKeyError(yaml.YAMLError):
    def __init__(self, key: Any, first: int, second: int) -> None:
        super().__init__(f"key {key!r} appears twice, at lines {first} and {second}; keep one")
        self.key, self.first, self.second = key, first, second


def load_yaml(path: Path, shown: str) -> Any:
    """Parse ``path``; any problem is one ``UserError`` line naming ``shown`` (the path as the user sees it)."""
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=UniqueKeyLoader)  # a SafeLoader subclass
    except DuplicateKeyError as exc:
        raise UserError(f"{shown}: {exc}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" at line {mark.line + 1}" if mark else ""
        raise UserError(f"{shown}: not valid YAML{at}: {getattr(exc, 'problem', None) or exc}") from None
    except UnicodeDecodeError:
        raise UserError(f"{shown}: not UTF-8 text") from None
    except IsADirectoryError:
        raise UserError(f"{shown}: is a directory, expected a YAML file") from None
