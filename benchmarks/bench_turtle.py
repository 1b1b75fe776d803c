"""Benchmark: ckanext.wards.dcat.writers.turtle.serialize against rdflib's Turtle and
N-Triples writers, and ckanext.wards.dcat.writers.jsonld.serialize against rdflib's
JSON-LD writer.

The graph is shaped like a /catalog.ttl page of 100 datasets (~10,000 triples): datasets
as IRIs with ~20 properties, Japanese literals with @ja, typed dates, two distributions
each, and blank nodes for the contact point, the temporal coverage and the DQV measurements,
in a ConjunctiveGraph as ckanext-dcat builds it. Prints the median of a few runs each,
and each time as a multiple of our writer of the same format (N-Triples: of our Turtle).

Run: .venv/bin/python benchmarks/bench_turtle.py [--datasets 100] [--runs 5]
"""
from __future__ import annotations

import argparse
import statistics
import time
import warnings

import rdflib
from rdflib import BNode, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS as DCT, FOAF, RDF, XSD

from ckanext.wards.dcat.writers import jsonld, turtle

DQV = Namespace("http://www.w3.org/ns/dqv#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
PROV = Namespace("http://www.w3.org/ns/prov#")
SITE = "https://data.example.jp/"
METRICS = [URIRef(f"{SITE}metric/{name}") for name in (
    "completeness", "accuracy", "timeliness", "format", "license", "machineReadable",
    "standardConformance", "encoding", "geocoded", "dateFormat")]


def catalogue(datasets: int) -> rdflib.Graph:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        g = rdflib.ConjunctiveGraph()
    for prefix, ns in (("dcat", DCAT), ("dct", DCT), ("foaf", FOAF), ("dqv", DQV), ("vcard", VCARD),
                       ("prov", PROV), ("xsd", XSD)):
        g.bind(prefix, ns)
    for n in range(datasets):
        add_dataset(g, n)
    return g


def add_dataset(g: rdflib.Graph, n: int) -> None:
    ward = 13101 + n % 23
    dataset = URIRef(f"{SITE}dataset/{ward}-shelters-{n}")
    triples = [
        (RDF.type, DCAT.Dataset),
        (DCT.title, Literal(f"指定避難所一覧 {n}", lang="ja")),
        (DCT.title, Literal(f"Designated shelters {n}", lang="en")),
        (DCT.description, Literal("区内の指定緊急避難場所と指定避難所の一覧です。\n災害時に開設されます。", lang="ja")),
        (DCT.description, Literal("Evacuation shelters in the ward.", lang="en")),
        (DCT.identifier, Literal(f"{ward}-shelters-{n}")),
        (DCT.issued, Literal("2021-04-01", datatype=XSD.date)),
        (DCT.modified, Literal(f"2024-03-{1 + n % 28:02d}T09:00:00", datatype=XSD.dateTime)),
        (DCAT.keyword, Literal("防災", lang="ja")),
        (DCAT.keyword, Literal("避難所", lang="ja")),
        (DCAT.keyword, Literal("shelter", lang="en")),
        (DCAT.theme, URIRef("http://publications.europa.eu/resource/authority/data-theme/JUST")),
        (DCAT.theme, URIRef("http://publications.europa.eu/resource/authority/data-theme/HEAL")),
        (DCT.publisher, URIRef(f"{SITE}organization/{ward}")),
        (DCT.spatial, URIRef(f"http://data.e-stat.go.jp/lod/sac/C{ward}-19700401")),
        (DCT.accrualPeriodicity, URIRef("http://publications.europa.eu/resource/authority/frequency/ANNUAL")),
        (DCT.license, URIRef("https://creativecommons.org/licenses/by/4.0/")),
        (DCAT.landingPage, URIRef(f"https://www.city.example.lg.jp/bousai/{n}.html")),
        (DCT.language, URIRef("http://publications.europa.eu/resource/authority/language/JPN")),
        (DCT.accessRights, URIRef("http://publications.europa.eu/resource/authority/access-right/PUBLIC")),
        (DCT.conformsTo, URIRef("https://www.digital.go.jp/resources/data_dataset/03_evacuation_space")),
        (DCT.rights, Literal("出典：東京都特別区", lang="ja")),
        (DCT.type, URIRef("http://purl.org/dc/dcmitype/Dataset")),
        (URIRef(f"{DCAT}version"), Literal(f"1.{n % 5}")),  # DCAT 3, unknown to rdflib's DCAT
        (DCAT.spatialResolutionInMeters, Literal("10.0", datatype=XSD.decimal)),
        (FOAF.page, URIRef(f"https://www.city.example.lg.jp/bousai/{n}/guide.html")),
    ]
    contact, temporal = BNode(), BNode()
    triples += [(DCAT.contactPoint, contact), (DCT.temporal, temporal)]
    g.add((contact, RDF.type, VCARD.Kind))
    g.add((contact, VCARD.fn, Literal("防災課", lang="ja")))
    g.add((contact, VCARD.hasEmail, URIRef(f"mailto:bousai{n}@city.example.lg.jp")))
    g.add((temporal, RDF.type, DCT.PeriodOfTime))
    g.add((temporal, DCAT.startDate, Literal("2021-04-01", datatype=XSD.date)))
    g.add((temporal, DCAT.endDate, Literal("2025-03-31", datatype=XSD.date)))
    for k, fmt in enumerate(("CSV", "PDF")):
        distribution = URIRef(f"{SITE}dataset/{ward}-shelters-{n}/resource/{k}")
        triples.append((DCAT.distribution, distribution))
        for p, o in ((RDF.type, DCAT.Distribution), (DCT.title, Literal(f"避難所一覧（{fmt}）", lang="ja")),
                     (DCAT.accessURL, URIRef(f"https://www.city.example.lg.jp/files/{n}.{fmt.lower()}")),
                     (DCAT.downloadURL, URIRef(f"https://www.city.example.lg.jp/files/{n}.{fmt.lower()}")),
                     (DCT.format, URIRef(f"http://publications.europa.eu/resource/authority/file-type/{fmt}")),
                     (DCAT.byteSize, Literal(1024 * (n + k + 1), datatype=XSD.nonNegativeInteger)),
                     (DCT.issued, Literal("2021-04-01", datatype=XSD.date))):
            g.add((distribution, p, o))
    for k, metric in enumerate(METRICS):
        measurement = BNode()
        triples.append((DQV.hasQualityMeasurement, measurement))
        g.add((measurement, RDF.type, DQV.QualityMeasurement))
        g.add((measurement, DQV.isMeasurementOf, metric))
        g.add((measurement, DQV.value, Literal((n * k) % 100 / 100, datatype=XSD.double)))
        g.add((measurement, PROV.generatedAtTime, Literal("2024-04-01T00:00:00", datatype=XSD.dateTime)))
    for p, o in triples:
        g.add((dataset, p, o))


def median_times(writers: dict, runs: int) -> dict[str, float]:
    """Runs alternate between the writers, so a busy machine slows them all alike."""
    times: dict[str, list[float]] = {name: [] for name in writers}
    for _ in range(runs):
        for name, write in writers.items():
            t0 = time.perf_counter()
            write()
            times[name].append(time.perf_counter() - t0)
    return {name: statistics.median(samples) for name, samples in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--datasets", type=int, default=100)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    graph = catalogue(args.datasets)
    print(f"{len(graph)} triples, median of {args.runs} runs")
    writers = {
        "rdflib turtle": lambda: graph.serialize(format="turtle"),
        "rdflib nt": lambda: graph.serialize(format="nt"),
        "wards turtle": lambda: turtle.serialize(graph),
        "rdflib json-ld": lambda: graph.serialize(format="json-ld"),
        "wards json-ld": lambda: jsonld.serialize(graph),
    }
    times = median_times(writers, args.runs)
    for name, seconds in times.items():
        ours = times["wards json-ld" if "json-ld" in name else "wards turtle"]
        print(f"{name:14} {seconds * 1000:8.1f} ms  {seconds / ours:5.2f}x ours")


if __name__ == "__main__":
    main()
