"""Country-name benchmark: our normaliser and three peers on the same labelled list, in one run.

    python bench/countries/run.py                 # all tools, markdown tables on stdout
    python bench/countries/run.py --tools ours countrynames --json out.json

The list is `cases.tsv` (name, expected ISO2 or empty, category, lang, source). A row is right when
the tool answers the expected code, or, for a row without one, when it answers no code of a current
country (a peer's pseudo-code such as EU, SUHH or GB-SCT counts as no code; a list counts as wrong).
"Wrong codes" are rows with an expected code that got a different real code.

Speed, per tool: first-seen names/s (every distinct name once, caches cleared; our number also
split into table hits and the names that need the fallbacks), repeated names/s (the same list
again through the tool's own function, so memoised tools answer from their memo) and a cold start
(a fresh interpreter: import, load and one pass over the first 1,480 names of a seeded shuffle).
Each is the best of --repeat runs after a warm-up (pycountry: one run); the machine is shared, so
compare tools within one run, not runs with each other.
"""
from __future__ import annotations

import argparse
import contextlib
import csv
import io
import json
import random
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
CASES = HERE / "cases.tsv"
CATEGORIES = ("canonical", "official", "short", "abbreviation", "historical", "dataset_style",
              "multilingual", "noisy", "kosovo", "partially_recognised", "negative")
COLD_NAMES = 1480


def load_cases() -> list[dict[str, str]]:
    with open(CASES, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


def cold_names(cases: list[dict[str, str]]) -> list[str]:
    names = [c["name"] for c in cases]
    random.Random(0).shuffle(names)
    return names[:COLD_NAMES]


class Tool:
    """One normaliser: `setup()` imports and builds it, `answer(name)` returns a code or None."""

    name = ""

    def setup(self) -> None: ...

    def answer(self, name: str):
        raise NotImplementedError

    def answer_uncached(self, name: str):
        return self.answer(name)

    def clear(self) -> None: ...

    memoised = False

    def fast(self):
        """The callable a user would call per name (for the repeated-names pass)."""
        return self.answer


class Ours(Tool):
    name = "ours (pipelines.countries)"

    def setup(self):
        import pipelines.countries as pc
        self.pc = pc

    def answer(self, name):
        return self.pc.to_iso2(name)

    def clear(self):
        self.pc.clear_cache()

    memoised = True

    def fast(self):
        return self.pc.to_iso2


class CountryConverter(Tool):
    name = "country_converter"

    def setup(self):
        import logging

        import country_converter as coco
        logging.getLogger("country_converter").setLevel(logging.CRITICAL)
        self.cc = coco.CountryConverter()

    def answer(self, name):
        out = self.cc.convert(name, to="ISO2", not_found=None)
        return None if isinstance(out, list) and len(out) != 1 else (out[0] if isinstance(out, list) else out)


class CountryNames(Tool):
    name = "countrynames"

    def setup(self):
        import countrynames
        self.cn = countrynames

    def answer(self, name):
        return self.cn.to_code(name)

    def answer_uncached(self, name):
        return self.cn.to_code.__wrapped__(name)

    def clear(self):
        self.cn.to_code.cache_clear()

    memoised = True

    def fast(self):
        return self.cn.to_code


class PyCountry(Tool):
    name = "pycountry (lookup, then search_fuzzy)"

    def setup(self):
        import pycountry
        self.pyc = pycountry

    def answer(self, name):
        try:
            return self.pyc.countries.lookup(name).alpha_2
        except LookupError:
            pass
        try:
            with contextlib.redirect_stdout(io.StringIO()):  # search_fuzzy prints (pycountry #226)
                return self.pyc.countries.search_fuzzy(name)[0].alpha_2
        except LookupError:
            return None


TOOLS = {"ours": Ours, "country_converter": CountryConverter, "countrynames": CountryNames, "pycountry": PyCountry}


def valid_codes() -> set[str]:
    from pipelines.countries import country_rows
    return {c["iso2"] for c in country_rows()}


def score(cases, answers, codes) -> dict:
    """Accuracy overall, per category, on code rows and no-code rows, and the wrong codes."""
    per_cat: dict[str, list[int]] = {c: [0, 0] for c in CATEGORIES}
    code_rows = [0, 0]
    none_rows = [0, 0]
    wrong = []
    for case, got in zip(cases, answers):
        got = got if isinstance(got, str) and got in codes else ("LIST" if isinstance(got, list) else None)
        exp = case["expected"] or None
        ok = got == exp if exp else got is None
        per_cat[case["category"]][0] += ok
        per_cat[case["category"]][1] += 1
        bucket = code_rows if exp else none_rows
        bucket[0] += ok
        bucket[1] += 1
        if exp and got and got != exp:
            wrong.append((case["name"], exp, got))
    total = code_rows[0] + none_rows[0], code_rows[1] + none_rows[1]
    return {"overall": total, "code_rows": code_rows, "no_code_rows": none_rows,
            "categories": per_cat, "wrong": wrong,
            "false_codes": [(c["name"], a) for c, a in zip(cases, answers)
                            if not c["expected"] and isinstance(a, str) and a in codes]}


def measure(tool: Tool, cases, repeat: int) -> dict:
    """Answers, and the best of `repeat` timed passes after one warm-up pass (the warm-up builds
    lazy caches such as our fuzzy candidates; on a shared machine the best pass is the one least
    disturbed by other jobs). First-seen passes start from cleared caches; repeated passes call the
    tool's own function (`fast()`) over the whole list, so memoised tools answer from their memo."""
    names = [c["name"] for c in cases]
    distinct = list(dict.fromkeys(names))
    answers = None
    firsts, repeats = [], []
    for i in range(repeat + 1):
        tool.clear()
        t = time.perf_counter()
        first = {n: tool.answer_uncached(n) for n in distinct}
        if i:
            firsts.append(len(distinct) / (time.perf_counter() - t))
        answers = [first[n] for n in names]
        fast = tool.fast()
        for n in distinct:
            fast(n)  # fill the memo (countrynames' first pass went around its lru_cache)
        loops = max(1, 200_000 // len(names)) if tool.memoised else 1
        t = time.perf_counter()
        for _ in range(loops):
            for n in names:
                fast(n)
        if i:
            repeats.append(loops * len(names) / (time.perf_counter() - t))
    return {"answers": answers, "first_seen": max(firsts), "repeated": max(repeats)}


def split_speed(cases, repeat: int) -> dict:
    """Our first-seen speed on names answered from the tables vs names that need the fallbacks."""
    import pipelines.countries as pc
    from pipelines.countries.resolver import table_hit

    names = list(dict.fromkeys(c["name"] for c in cases))
    table = [n for n in names if table_hit(n)]
    misses = [n for n in names if not table_hit(n)]
    out = {}
    for label, group in (("table_hits", table), ("misses", misses)):
        speeds = []
        for _ in range(repeat):
            pc.clear_cache()
            t = time.perf_counter()
            for n in group:
                pc.to_iso2(n)
            speeds.append(len(group) / (time.perf_counter() - t))
        out[label] = (len(group), max(speeds))
    return out


def cold_start(tool_key: str, repeat: int) -> float:
    """Best seconds of `repeat` fresh interpreters: import + load + one pass over COLD_NAMES names."""
    runs = []
    for _ in range(repeat):
        done = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--cold", tool_key],
                              capture_output=True, text=True, cwd=ROOT, check=True)
        runs.append(float(done.stdout.strip().splitlines()[-1]))
    return min(runs)


def _cold(tool_key: str) -> None:
    names = cold_names(load_cases())
    t = time.perf_counter()
    tool = TOOLS[tool_key]()
    tool.setup()
    for n in names:
        tool.answer(n)
    print(f"{time.perf_counter() - t:.4f}")


def pct(pair) -> str:
    return f"{100.0 * pair[0] / pair[1]:.1f}" if pair[1] else "-"


def report(results: dict, cases, split) -> str:
    counts = {c: sum(1 for x in cases if x["category"] == c) for c in CATEGORIES}
    n_code = sum(1 for c in cases if c["expected"])
    import os
    import platform

    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    lines = [f"{len(cases)} names ({n_code} with a code, {len(cases) - n_code} without); "
             f"Python {sys.version.split()[0]}, {platform.machine()}, {os.cpu_count()} CPUs, "
             f"load average {load} at the end of the run", "",
             f"| tool | overall | code rows ({n_code}) | no-code rows ({len(cases) - n_code}) | wrong codes "
             "| first-seen names/s | repeated names/s | cold start, s |",
             "|---|---|---|---|---|---|---|---|"]
    for r in results.values():
        s = r["score"]
        lines.append(f"| {r['name']} | {pct(s['overall'])}% | {pct(s['code_rows'])}% | {pct(s['no_code_rows'])}% "
                     f"| {len(s['wrong'])} | {r['first_seen']:,.0f} | {r['repeated']:,.0f} | {r['cold']:.2f} |")
    lines += ["", "Accuracy per category, % (rows):", "",
              "| tool | " + " | ".join(f"{c} ({counts[c]})" for c in CATEGORIES) + " |",
              "|---|" + "---|" * len(CATEGORIES)]
    for r in results.values():
        lines.append(f"| {r['name']} | " + " | ".join(pct(r["score"]["categories"][c]) for c in CATEGORIES) + " |")
    if split:
        (nt, st), (nm, sm) = split["table_hits"], split["misses"]
        lines += ["", f"Ours, first-seen: {nt} names answered from the tables at {st:,.0f} names/s; "
                      f"{nm} names needing the qualifier/fuzzy fallbacks at {sm:,.0f} names/s "
                      f"({1000.0 / sm:.3f} ms each)."]
    for r in results.values():
        if r["score"]["wrong"]:
            lines += ["", f"Wrong codes, {r['name']}: " +
                      "; ".join(f"{n!r} {e}->{g}" for n, e, g in r["score"]["wrong"])]
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tools", nargs="+", default=list(TOOLS), choices=list(TOOLS))
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per speed measure (the best counts)")
    parser.add_argument("--json", help="also write the results here")
    parser.add_argument("--misses", action="store_true", help="list our wrong and missed rows")
    parser.add_argument("--cold", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.cold:
        _cold(args.cold)
        return 0
    sys.path.insert(0, str(ROOT))
    cases = load_cases()
    codes = valid_codes()
    results = {}
    for key in args.tools:
        tool = TOOLS[key]()
        tool.setup()
        rep = 1 if key == "pycountry" else args.repeat
        m = measure(tool, cases, rep)
        results[key] = {"name": tool.name, "score": score(cases, m["answers"], codes),
                        "first_seen": m["first_seen"], "repeated": m["repeated"],
                        "cold": cold_start(key, rep)}
        print(f"done: {tool.name}", file=sys.stderr)
    split = split_speed(cases, args.repeat) if "ours" in results else None
    print(report(results, cases, split))
    if args.misses and "ours" in results:
        import pipelines.countries as pc
        print("\nOur misses:")
        for c in cases:
            r = pc.resolve(c["name"])
            a = r.iso2
            if (a or "") != c["expected"]:
                print(f"  {c['category']:<20} {c['name']!r:<45} want {c['expected'] or '-':<3} got {a or '-':<3} "
                      f"{r.method}: {r.reason}")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
