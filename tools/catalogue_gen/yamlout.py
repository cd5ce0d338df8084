"""YAML output for the seed catalogue: block style, with {lo, en} pairs and small records in flow style."""
from __future__ import annotations

import yaml


class Flow(dict):
    """A mapping written in flow style: {lo: ..., en: ...}."""


class FlowList(list):
    """A list written in flow style: [a, b]."""


class _Dumper(yaml.SafeDumper):
    def increase_indent(self, flow=False, indentless=False):
        # indent list items under their key (PyYAML's default is "indentless")
        return super().increase_indent(flow, False)

    def ignore_aliases(self, data):
        return True  # never write &anchors / *aliases, even for shared objects


def _flow_dict(dumper, data):
    return dumper.represent_mapping("tag:yaml.org,2002:map", data.items(), flow_style=True)


def _flow_list(dumper, data):
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=True)


def _block_dict(dumper, data):
    return dumper.represent_mapping("tag:yaml.org,2002:map", data.items(), flow_style=False)


_Dumper.add_representer(Flow, _flow_dict)
_Dumper.add_representer(FlowList, _flow_list)
_Dumper.add_representer(dict, _block_dict)


def T(lo: str, en: str) -> Flow:
    """A Lao/English text pair."""
    return Flow(lo=lo, en=en)


def dump(data, header: str = "") -> str:
    body = yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100000,
                     default_flow_style=False)
    return header + body
