"""make bench: page weight, Lighthouse scores and build times for the book (issue 6).

Prints a table and writes it to bench/results.md. It never gates `make test`.

1. Cold build: the repository's book sources are copied to a temporary folder and built there
   with a fresh jupyter cache (every notebook executed), exactly as `make book` builds.
2. Rebuild: one sentence is appended to a markdown cell of one chapter (in the copy) and the
   book is built again; the execution cache must skip every notebook (target: <= 25% of cold).
3. For every page (the TOC, plus search and index): served from 127.0.0.1 with gzip by the test
   harness (tests/browser.py), the bytes the server sent when Chromium (phone-sized window)
   loads the page and scrolls every figure into view:
   - cold: empty browser cache;
   - warm: the same page visited again (pages revalidate, assets come from the cache);
   - from home: the cache primed by the home page only (what a reader pays on first arriving
     at this page from elsewhere in the book, e.g. plotly.js on the first page with a figure).
   Other hosts are made unreachable at DNS level (--host-resolver-rules) rather than with
   Playwright routing, because routing turns the browser cache off; any attempt is counted.
4. Lighthouse (bench/node_modules, npm `lighthouse`) on its default mobile profile with Debian's
   Chromium, against the same 127.0.0.1 server: performance, accessibility, best-practices and
   SEO scores (the audits that cost a point of the last two are named under the table).
5. The time of the whole `make test`: the last run's time as recorded by the Makefile in
   .venv/last-make-test (bench does not run the tests unless --run-tests is given).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
sys.path.insert(0, str(ROOT / "tests"))

from browser import CHROMIUM, CHROMIUM_ARGS, serve  # noqa: E402
from test_structure import toc_files  # noqa: E402

LIGHTHOUSE = BENCH / "node_modules" / ".bin" / "lighthouse"
# Every host name resolves to nothing except 127.0.0.1 (which is an address, not a name).
BLOCK_OTHER_HOSTS = "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"
COPY_IGNORE = shutil.ignore_patterns(".git", ".venv", "_build", "node_modules", ".pytest_cache",
                                     "__pycache__", "*.egg-info", ".ipynb_checkpoints", "results",
                                     "handouts", ".jupyter_cache")
EDITED_CHAPTER = "notebooks/02-what-is-sciatica.ipynb"
TARGETS = {"perf": 90, "a11y": 100, "bp": 100, "seo": 100, "warm_kb": 400, "rebuild_pct": 25}


def pages() -> list[str]:
    return [f"{f}.html" for f in toc_files()] + ["search.html", "genindex.html"]


def build(src: Path, out: Path) -> tuple[float, int, str]:
    jb = Path(sys.executable).with_name("jupyter-book")
    t0 = time.perf_counter()
    proc = subprocess.run([str(jb), "build", str(src), "--path-output", str(out), "-W", "-n", "--keep-going"],
                          cwd=src, capture_output=True, text=True, env={**os.environ, "PYTHONWARNINGS": "ignore"})
    return time.perf_counter() - t0, proc.returncode, proc.stdout + proc.stderr


def edit_prose(src: Path) -> str:
    """Append a sentence to the first markdown cell after the title of one chapter."""
    path = src / EDITED_CHAPTER
    if not path.is_file():
        path = sorted((src / "notebooks").glob("*.ipynb"))[1]
    nb = json.loads(path.read_text(encoding="utf-8"))
    cells = [c for c in nb["cells"] if c["cell_type"] == "markdown"]
    cell = cells[1] if len(cells) > 1 else cells[0]
    text = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
    cell["source"] = text.rstrip("\n") + "\n\n(Benchmark edit: this sentence was added to measure a rebuild.)\n"
    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return path.relative_to(src).as_posix()


def builds(args) -> dict:
    out: dict = {}
    with tempfile.TemporaryDirectory(prefix="sciatica-bench-") as tmp:
        src = Path(tmp) / "src"
        shutil.copytree(ROOT, src, ignore=COPY_IGNORE)
        dest = Path(tmp) / "out"
        print("bench: cold build (fresh jupyter cache, every notebook executed)...", flush=True)
        out["cold_s"], rc, log = build(src, dest)
        out["cold_ok"] = rc == 0
        if rc != 0:
            print(log[-3000:])
        out["executed"] = log.count("Executed notebook")
        # A rebuild is short (mostly Jupyter Book's fixed start-up), so one run is noisy on a shared
        # machine: edit and rebuild three times and report the median (all three are printed).
        times, executed, oks = [], 0, []
        for i in range(3):
            out["edited"] = edit_prose(src)
            print(f"bench: rebuild {i + 1}/3 after editing the prose of {out['edited']}...", flush=True)
            secs, rc, log = build(src, dest)
            times.append(secs)
            oks.append(rc == 0)
            executed += log.count("Executed notebook")
        out["rebuild_runs"] = times
        out["rebuild_s"] = statistics.median(times)
        out["rebuild_ok"] = all(oks)
        out["rebuild_executed"] = executed
        html = dest / "_build" / "html"
        keep = Path(args.html_out)
        if keep.exists():
            shutil.rmtree(keep)
        shutil.copytree(html, keep)
    return out


def visit(page, url: str) -> None:
    page.goto(url, wait_until="load")
    plots = page.locator(".sc-plot")
    for i in range(plots.count()):
        div = plots.nth(i)
        div.scroll_into_view_if_needed()
        try:
            page.wait_for_function("d => d.dataset.drawn === 'yes' || d.dataset.drawn === 'failed'",
                                   arg=div.element_handle(), timeout=30_000)
        except Exception:  # noqa: BLE001 - the byte count still stands; tests check drawing
            pass
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(300)


def weights(url, all_pages: list[str]) -> dict[str, dict]:
    from playwright.sync_api import sync_playwright

    res: dict[str, dict] = {}
    stats = url.stats
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS + [BLOCK_OTHER_HOSTS])
        try:
            for rel in all_pages:
                row = {}
                external: list[str] = []
                # cold, then warm in the same context (its cache is primed by the cold visit)
                ctx = b.new_context(viewport={"width": 390, "height": 800})
                page = ctx.new_page()
                page.on("request", lambda r: external.append(r.url) if not r.url.startswith(("http://127.0.0.1", "data:", "blob:", "about:")) else None)
                m = stats.mark()
                visit(page, url + rel)
                row["cold"] = sum(b_ for _, _, b_ in stats.since(m))
                row["requests"] = len(stats.since(m))
                m = stats.mark()
                visit(page, url + rel)
                row["warm"] = sum(b_ for _, _, b_ in stats.since(m))
                ctx.close()
                # from home: a context primed by the home page only
                ctx = b.new_context(viewport={"width": 390, "height": 800})
                page = ctx.new_page()
                visit(page, url + "book/index.html")
                m = stats.mark()
                visit(page, url + rel)
                row["from_home"] = sum(b_ for _, _, b_ in stats.since(m))
                ctx.close()
                row["external"] = len(external)
                res[rel] = row
                print(f"bench: {rel}: cold {row['cold'] / 1024:.0f} KB, warm {row['warm'] / 1024:.1f} KB", flush=True)
        finally:
            b.close()
    return res


def lighthouse(url: str, rel: str, tmp: Path) -> dict:
    if not LIGHTHOUSE.exists():
        return {"error": "lighthouse not installed (run: make bench)"}
    report = tmp / (rel.replace("/", "_") + ".json")
    flags = " ".join(["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", BLOCK_OTHER_HOSTS])
    proc = subprocess.run(
        [str(LIGHTHOUSE), url + rel, "--quiet", f"--chrome-flags={flags}", "--only-categories=performance,accessibility,best-practices,seo",
         "--output=json", f"--output-path={report}"],
        env={**os.environ, "CHROME_PATH": CHROMIUM}, capture_output=True, text=True, timeout=300,
    )
    if proc.returncode != 0 or not report.exists():
        return {"error": (proc.stderr or proc.stdout)[-300:]}
    d = json.loads(report.read_text())
    a = d["audits"]

    def ms(key):
        return a[key].get("numericValue")

    cats = d["categories"]

    def lost(cat):  # the audits of a category that did not pass (scored, weight > 0)
        return [r["id"] for r in cats[cat]["auditRefs"]
                if r.get("weight") and a[r["id"]].get("score") is not None and a[r["id"]]["score"] < 1]

    return {
        "perf": round(100 * (cats["performance"]["score"] or 0)),
        "a11y": round(100 * (cats["accessibility"]["score"] or 0)),
        "bp": round(100 * (cats["best-practices"]["score"] or 0)),
        "seo": round(100 * (cats["seo"]["score"] or 0)),
        "lost": {c: lost(c) for c in ("best-practices", "seo") if lost(c)},
        "fcp": ms("first-contentful-paint"),
        "lcp": ms("largest-contentful-paint"),
        "tbt": ms("total-blocking-time"),
        "cls": a["cumulative-layout-shift"].get("numericValue"),
        "lh_bytes": a["total-byte-weight"].get("numericValue"),
        "lh_version": d.get("lighthouseVersion"),
    }


def make_test_time(args) -> str:
    if args.run_tests:
        t0 = time.perf_counter()
        rc = subprocess.run(["make", "-s", "test"], cwd=ROOT).returncode
        return f"{time.perf_counter() - t0:.0f} s (measured now by bench, exit {rc})"
    f = ROOT / ".venv" / "last-make-test"
    if f.is_file():
        secs, when, rc = (f.read_text().split() + ["?", "?", "?"])[:3]
        return f"{secs} s (the last `make test`, {when}, {rc}; recorded by the Makefile)"
    return "not measured yet (run `make test`, or `make bench BENCH_ARGS=--run-tests`)"


def kb(n) -> str:
    return f"{n / 1024:.0f}" if n >= 10240 else f"{n / 1024:.1f}"


def table(b: dict, w: dict, lh: dict, test_time: str, host: str) -> str:
    ok = lambda cond: "yes" if cond else "**no**"  # noqa: E731
    lines = [
        "# Benchmark results (`make bench`)",
        "",
        f"Measured {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC on {host}. "
        f"Lighthouse {next((v.get('lh_version') for v in lh.values() if v.get('lh_version')), '?')}, "
        "default mobile profile (simulated slow 4G, 4x CPU slowdown), Debian's Chromium; pages served "
        "gzip-compressed from 127.0.0.1 by `tests/browser.py` (pages revalidate, assets cached for "
        "an hour). Bytes are what the server sent (headers included) while Chromium loaded the page "
        "and scrolled every figure into view (so plotly.js is counted where a page has a figure).",
        "",
        "| page | perf | a11y | best practices | SEO | FCP s | LCP s | TBT ms | cold KB | warm KB | from home KB | requests | other hosts |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for rel, row in w.items():
        r = lh.get(rel, {})
        if "error" in r:
            scores = ["err", "err", "err", "err", "", "", ""]
        else:
            scores = [str(r["perf"]), str(r["a11y"]), str(r["bp"]), str(r["seo"]),
                      f"{r['fcp'] / 1000:.1f}", f"{r['lcp'] / 1000:.1f}", f"{r['tbt']:.0f}"]
        lines.append(f"| {rel} | " + " | ".join(scores) + f" | {kb(row['cold'])} | {kb(row['warm'])} | "
                     f"{kb(row['from_home'])} | {row['requests']} | {row['external']} |")
    good = [r for r in lh.values() if "error" not in r]
    lost = [f"{rel}: {cat} {', '.join(ids)}" for rel, r in lh.items() for cat, ids in r.get("lost", {}).items()]
    if lost:
        lines += ["", "Audits that cost best-practices or SEO points:", ""] + [f"- {x}" for x in lost]
    chapters = {k: v for k, v in w.items() if k.startswith("notebooks/")}
    if b is None:
        b = {"cold_s": float("nan"), "rebuild_s": float("nan"), "executed": "-", "rebuild_executed": "-",
             "cold_ok": False, "edited": "(not measured: --prebuilt)"}
    lines += [
        "",
        "| build | seconds | notebooks executed | target |",
        "|---|---|---|---|",
        f"| cold (fresh jupyter cache) | {b['cold_s']:.1f} | {b['executed']} | exit {'0' if b['cold_ok'] else 'non-zero'} |",
        f"| rebuild after editing the prose of {b['edited']} (median of "
        f"{', '.join(f'{t:.1f}' for t in b.get('rebuild_runs', [])) or '-'}) | {b['rebuild_s']:.1f} "
        f"({100 * b['rebuild_s'] / b['cold_s']:.0f}% of cold) | {b['rebuild_executed']} | <= {TARGETS['rebuild_pct']}% |",
        "",
        f"`make test`: {test_time}.",
        "",
        "| target | met |",
        "|---|---|",
        f"| every page performance >= {TARGETS['perf']} | {ok(good and all(r['perf'] >= TARGETS['perf'] for r in good) and len(good) == len(w))} |",
        f"| every page accessibility = {TARGETS['a11y']} | {ok(good and all(r['a11y'] >= TARGETS['a11y'] for r in good) and len(good) == len(w))} |",
        f"| every page best practices = {TARGETS['bp']} | {ok(good and all(r['bp'] >= TARGETS['bp'] for r in good) and len(good) == len(w))} |",
        f"| every page SEO = {TARGETS['seo']} | {ok(good and all(r['seo'] >= TARGETS['seo'] for r in good) and len(good) == len(w))} |",
        f"| every chapter <= {TARGETS['warm_kb']} KB on a warm cache | {ok(all(v['warm'] <= TARGETS['warm_kb'] * 1024 for v in chapters.values()))} |",
        f"| rebuild <= {TARGETS['rebuild_pct']}% of cold build | {ok(b['rebuild_s'] <= b['cold_s'] * TARGETS['rebuild_pct'] / 100)} |",
        f"| no request to another host | {ok(all(v['external'] == 0 for v in w.values()))} |",
        "",
    ]
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--run-tests", action="store_true", help="also run and time `make test`")
    ap.add_argument("--html-out", default=str(Path(tempfile.gettempdir()) / "sciatica-bench-html"),
                    help="where the benchmarked book is kept (default: a temp folder)")
    ap.add_argument("--prebuilt", help="measure this built book (its html folder); skip the build timings")
    ap.add_argument("--output", default=str(BENCH / "results.md"))
    args = ap.parse_args(argv)

    if args.prebuilt:
        b, html = None, Path(args.prebuilt)
    else:
        b, html = builds(args), Path(args.html_out)
    with serve(html) as url, tempfile.TemporaryDirectory(prefix="sciatica-lh-") as tmp:
        w = weights(url, pages())
        lh = {}
        for rel in pages():
            print(f"bench: lighthouse {rel}...", flush=True)
            lh[rel] = lighthouse(url, rel, Path(tmp))
    host = f"{os.cpu_count()} CPUs"
    text = table(b, w, lh, make_test_time(args), host)
    print()
    print(text)
    Path(args.output).write_text(text, encoding="utf-8")
    print(f"(written to {Path(args.output).relative_to(ROOT) if Path(args.output).is_relative_to(ROOT) else args.output})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
