"""What one output graph remembers while the profile fills it: the nodes already described
(a catalogue page shares metrics, themes and publishers between a hundred datasets), the
prefixes bound, and the terms built once per process."""
from __future__ import annotations

import functools

from rdflib import Graph, Namespace
from rdflib.namespace import PROV

from ckanext.dcat.profiles.base import URIRefOrLiteral

from ckanext.wards.dcat.uris import CNT, DQV, imi, spec


def graph_memo(g: Graph) -> set:
    """Nodes already described in this graph; cheaper than asking the store every time.
    The marker ``"catalog"`` says the graph is a catalogue page."""
    memo = g.__dict__.get("_wards_described")
    if memo is None:
        memo = g.__dict__["_wards_described"] = set()
    return memo


def bind_prefixes(g: Graph) -> None:
    """Prefixes for our namespaces: shorter output, and rdflib's writers find a prefix for
    every metric URI instead of failing (and retrying) on each one."""
    memo = graph_memo(g)
    if "prefixes" in memo:
        return
    memo.add("prefixes")
    g.bind("dqv", DQV)
    g.bind("ic", imi())
    g.bind("prov", PROV)
    g.bind("cnt", CNT)
    for prefix, namespace in spec()["metric_prefixes"].items():
        g.bind(prefix, Namespace(namespace))


@functools.lru_cache(maxsize=4096)
def vocabulary_ref(iri: str):
    """The cleaned IRI, or (as the stock code does) a literal if no IRI can be written."""
    return URIRefOrLiteral(iri)
