"""YAML loading that remembers where each mapping and key came from, for precise error messages."""
from __future__ import annotations

import yaml


class LineDict(dict):
    """A mapping from a YAML file that knows the line of itself and of each key (1-based)."""

    line: int = 0
    key_lines: dict

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class _Loader(yaml.SafeLoader):
    pass


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


class YamlError(Exception):
    """Text that is not YAML. `detail` is PyYAML's description of the mistake, `line` 1-based or None."""

    def __init__(self, message: str, line: int | None, detail: str = ""):
        super().__init__(message)
        self.line = line
        self.detail = detail or message

    def finding(self, file: str):
        """The bilingual `yaml.invalid` finding for `file` (engine.catalogue.messages_files)."""
        from engine.catalogue.problems import problem

        return problem("yaml.invalid", file, self.line, at=self.line or 1, detail=self.detail)


def load_yaml(text: str):
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        raise YamlError(f"not valid YAML: {exc.problem}", line, str(exc.problem or exc)) from exc
    except yaml.YAMLError as exc:
        raise YamlError(f"not valid YAML: {exc}", None, str(exc)) from exc


def line_of(obj, key: str | None = None) -> int | None:
    if isinstance(obj, LineDict):
        return obj.line_of(key) if key else obj.line
    return None
