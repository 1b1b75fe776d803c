"""File-check throughput of the machine-readability rules (L1-L3) on a generated CSV,
side by side in one run with Python's csv module alone reading the same file:

* floor: ``csv.reader`` over the decoded file, every row read;
* ours: ``ckanext.wards.conformance.checker.check_file(path)`` (no standard declared: the
  2026 rules only, as the file-check job runs them on most resources).

Both read the same file from the page cache, alternately, ``--repeat`` times; the best
time of each is kept. Printed: MB/s, rows/s, seconds and the ratio (target: ours within
3x the floor). ``--profile`` prints the checker's top functions (cProfile) instead.

    .venv/bin/python benchmarks/bench_filecheck.py [--rows 100000] [--repeat 5] [--profile]
"""
from __future__ import annotations

import argparse
import csv
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

HEADER = ["ID", "名称", "区名", "所在地", "定員（人）", "開設日", "バリアフリー", "緯度", "経度", "備考"]
WARDS = ["千代田区", "中央区", "港区", "新宿区", "文京区", "台東区", "墨田区", "江東区"]


def make_file(path: Path, rows: int, seed: int = 17) -> None:
    """A municipal-like table: text, codes, numbers, dates, flags, coordinates, and now and
    then a remark, as real files have (not every cell clean, nothing pathological)."""
    rng = random.Random(seed)
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\r\n")
        writer.writerow(HEADER)
        for i in range(rows):
            ward = WARDS[i % len(WARDS)]
            writer.writerow([
                f"131016{i:07d}", f"区立施設{i}", ward, f"東京都{ward}九段南{i % 9 + 1}-{i % 30 + 1}-{i % 7 + 1}",
                str(rng.randint(10, 500)), f"20{rng.randint(10, 24)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                "有" if rng.random() < 0.6 else "無", f"35.{rng.randint(600000, 720000)}",
                f"139.{rng.randint(600000, 800000)}", "" if rng.random() < 0.9 else "土日休館",
            ])


def floor(path: Path) -> int:
    rows = 0
    with open(path, encoding="utf-8-sig", newline="") as f:
        for _ in csv.reader(f):
            rows += 1
    return rows


def ours(path: Path) -> int:
    from ckanext.wards.conformance import checker

    return checker.check_file(path)["file"]["rows"]


def side_by_side(path: Path, repeat: int) -> dict[str, tuple[float, int]]:
    """Each contender's best CPU time (``time.process_time``: the time other processes take
    on the machine's two cores is not counted), run alternately so that a change of load
    (cache, frequency) falls on both."""
    best: dict[str, tuple[float, int]] = {}
    for _ in range(repeat):
        for name, fn in (("floor", floor), ("ours", ours)):
            start = time.process_time()
            rows = fn(path)
            seconds = time.process_time() - start
            if name not in best or seconds < best[name][0]:
                best[name] = (seconds, rows)
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000, help="data rows of the generated CSV (default 100000)")
    parser.add_argument("--repeat", type=int, default=5, help="runs of each contender, alternately; the best is kept (default 5)")
    parser.add_argument("--profile", action="store_true", help="print the checker's top functions (cProfile)")
    args = parser.parse_args(argv)

    from ckanext.wards.conformance import checker

    checker.load_data()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.csv"
        make_file(path, args.rows)
        megabytes = path.stat().st_size / 1e6
        if args.profile:
            import cProfile
            import pstats

            profiler = cProfile.Profile()
            profiler.runcall(ours, path)
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
            return 0
        ours(path)  # warm: caches of the rules and settings, the page cache
        best = side_by_side(path, args.repeat)
        (floor_s, floor_rows), (ours_s, ours_rows) = best["floor"], best["ours"]
    print(f"file: {args.rows} rows, {megabytes:.1f} MB; best of {args.repeat}")
    print(f"{'':>22} {'MB/s':>8} {'rows/s':>10} {'CPU s':>8}")
    print(f"{'csv module alone':>22} {megabytes / floor_s:8.1f} {floor_rows / floor_s:10.0f} {floor_s:8.2f}")
    print(f"{'file check (L1-L3)':>22} {megabytes / ours_s:8.1f} {ours_rows / ours_s:10.0f} {ours_s:8.2f}")
    print(f"ratio: {ours_s / floor_s:.2f}x the csv module (target: within 3x)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
