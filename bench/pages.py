"""Page loads as a clerk sees them (issue 15 item 9): a real `streamlit run server.py` on the default demo
data, Debian's chromium driven by Playwright. A full load is a new tab opening the page's address (a new
Streamlit session: the cookie is read, the staff session resumed, the menu built, the page run); a
navigation is a click on the page's sidebar link in a session already open. Each is timed on the page's own
clock (from the navigation start, or from the click event, so Playwright's own checks before clicking are
not counted) until the page's own title is on screen and Streamlit reports the script run finished. Prints p50 / max per
page, beside a baseline saved by an earlier run (`--save` / `--baseline`) and the goals, with the load average.

    python -m bench pages [--runs 5] [--database-url sqlite:////tmp/x/ghiseu.db] [--save after.json]
                          [--baseline before.json]
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from core.platform.i18n import t

GOAL_LOAD_MS, GOAL_NAVIGATION_MS = 1000, 500
# page address -> the sidebar label that opens it (the case and invoice pages need a record to show)
PAGES = {"queue": "queue", "case_detail?case=1": "case_detail", "ledger": "ledger", "invoice": "invoice",
         "new_request": "new_request", "new_dispute": "new_dispute", "refunds": "refunds"}
_RENDERED = """title => {
  const app = document.querySelector('[data-testid=stApp]');
  const heading = document.querySelector('[data-testid=stMain] h1');
  return app && app.dataset.testScriptState === 'notRunning' && heading && heading.innerText.trim() === title
    && !document.querySelector('[data-testid=stMain] [data-stale=true]') && performance.now();
}"""
# the click's time on the page's clock, recorded before Streamlit handles it
_CLICKS = "document.addEventListener('click', () => { window.__clicked = performance.now(); }, true)"


def _wait_rendered(page, title: str) -> float:
    """The page's clock (ms since its navigation started) when the title shows and the run has ended."""
    return page.wait_for_function(_RENDERED, arg=title, timeout=60_000, polling=10).json_value()


def _title(page) -> str:
    page.wait_for_timeout(400)  # tests/e2e/steps.settle: let a started rerun begin before waiting for its end
    page.wait_for_selector("[data-testid=stApp][data-test-script-state=notRunning]")
    return page.locator("[data-testid=stMain] h1").first.inner_text().strip()


def _open_from_menu(page, label: str) -> None:
    page.get_by_test_id("stSidebar").get_by_role("link", name=t(f"ui.nav.{label}"), exact=True).click()


def measure(base: str, runs: int) -> dict[str, dict[str, list[float]]]:
    """Milliseconds per page: {"load": [...], "navigation": [...]}."""
    from playwright.sync_api import sync_playwright

    from tests.app_processes import CHROMIUM, CHROMIUM_ARGS
    from tests.e2e.steps import sign_in

    timings = {path: {"load": [], "navigation": []} for path in PAGES}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="ro-RO")
        page = context.new_page()
        page.set_default_timeout(60_000)
        sign_in(page, base, "clerk", "clerk-demo", "queue")
        loaded, reached = {}, {}  # warm-up, each page once: its title by address and through the menu
        for path, label in PAGES.items():
            page.goto(f"{base}/{path}")
            loaded[path] = _title(page)
            _open_from_menu(page, label)
            reached[label] = _title(page)
        for _ in range(runs):
            for path, label in PAGES.items():
                tab = context.new_page()  # a new tab: a new Streamlit session, signed in by the cookie
                tab.add_init_script(_CLICKS)
                tab.goto(f"{base}/{path}")
                timings[path]["load"].append(_wait_rendered(tab, loaded[path]))
                # through the menu to another page and back, timing the way back
                other = "ledger" if label == "queue" else "queue"
                _open_from_menu(tab, other)
                _wait_rendered(tab, reached[other])
                _open_from_menu(tab, label)
                rendered = _wait_rendered(tab, reached[label])
                timings[path]["navigation"].append(rendered - tab.evaluate("window.__clicked"))
                tab.close()
        browser.close()
    return timings


def _demo_database(folder: Path) -> str:
    url = f"sqlite:///{folder / 'ghiseu.db'}"
    subprocess.run([sys.executable, "-m", "seed_data", "--check", "0"], check=True, stdout=subprocess.DEVNULL,
                   env={**os.environ, "DATABASE_URL": url})
    return url


def _row(name: str, now: list[float], before: list[float] | None, goal: int) -> str:
    p50, worst = statistics.median(now), max(now)
    was = f"{statistics.median(before):.0f} / {max(before):.0f}" if before else ""
    return f"| {name} | {len(now)} | {was} | {p50:.0f} | {worst:.0f} | {goal} |"


def report(timings: dict, baseline: dict | None) -> str:
    lines = ["| page, action | n | before p50 / max ms | p50 ms | max ms | goal ms |",
             "| --- | --- | --- | --- | --- | --- |"]
    for kind, goal in (("load", GOAL_LOAD_MS), ("navigation", GOAL_NAVIGATION_MS)):
        for path, measured in timings.items():
            before = (baseline or {}).get(path, {}).get(kind)
            lines.append(_row(f"{path.split('?')[0]}, {kind}", measured[kind], before, goal))
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench pages", description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="timed loads and navigations per page")
    parser.add_argument("--database-url", help="an already seeded SQLite database (default: seed a new one)")
    parser.add_argument("--save", type=Path, help="write the timings as JSON (a later run's --baseline)")
    parser.add_argument("--baseline", type=Path, help="timings saved by an earlier run, shown beside these")
    args = parser.parse_args(argv)
    from tests.app_processes import serve

    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder)
        url = args.database_url or _demo_database(data)
        with serve(data, DATABASE_URL=url, SEED_ON_FIRST_START="false") as base:
            timings = measure(base, args.runs)
    if args.save:
        args.save.write_text(json.dumps(timings, indent=1))
    baseline = json.loads(args.baseline.read_text()) if args.baseline else None
    print(report(timings, baseline))
    print("load average (1, 5, 15 min): " + ", ".join(f"{x:.2f}" for x in os.getloadavg())
          + f" on {os.cpu_count()} cores")
    return 0
