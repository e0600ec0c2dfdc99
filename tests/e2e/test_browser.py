"""The web app in a real browser (Debian's Chromium, driven by Selenium through chromedriver):
an RM finds a customer of their book, reads its explanation and requests an override; their
team head approves it; after the next close the RM sees the new applied tier. Every page must
run under the app's CSP without a console error. Screenshots of the main pages are saved in
CORPTIER_ARTIFACTS (default: pytest's temporary folder)."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from ci_requirements import browser_available

pytestmark = pytest.mark.browser

CUSTOMERS, MONTHS = 300, 2
RM, HEAD = "rm00001", "team_head"
DESKTOP, PHONE = (1280, 800), (390, 844)
WAIT = 20.0


@dataclass(frozen=True)
class Bank:
    """The closed synthetic branch behind the app: its workspace, periods and logins."""

    ws: Any
    periods: list[str]
    passwords: dict[str, str]
    customer: dict[str, Any]
    """A customer of the RM's book on the basic tier, without flags, in the first period."""


@pytest.fixture(scope="module")
def browser_paths() -> tuple[str, str]:
    return browser_available()


@pytest.fixture(scope="module")
def e2e_bank(tmp_path_factory: pytest.TempPathFactory, browser_paths: tuple[str, str]) -> Bank:
    """A synthetic branch of 300 customers × 2 months, both loaded, the first closed, one web
    login per role (the demo's users); the second month is closed by the test."""
    from corptier.services import close_period, load_period
    from corptier.services.access import principal
    from corptier.services.book import BookQuery, list_customers
    from corptier.services.demo import make_demo_users
    from corptier.services.synthesis import synthesize_bank
    from corptier.workspace import Workspace

    root = tmp_path_factory.mktemp("e2e")
    ws = Workspace.init(root / "ws", language="zh-CN")
    summary = synthesize_bank(root / "in", customers=CUSTOMERS, months=MONTHS, seed=7)
    periods = list(summary.periods)
    for period in periods:
        load_period(ws, period, root / "in" / period)
    close_period(ws, periods[0])
    logins, _token = make_demo_users(ws)
    page = list_customers(ws, principal(ws, RM), periods[0],
                          BookQuery(filters={"applied_tier": "basic"}, size=200))
    plain = [r for r in page.rows if not r.get("flags") and r["computed_tier"] == "basic"]
    assert plain, "the RM's book has a basic customer without flags"
    return Bank(ws, periods, {x.name: x.password for x in logins}, plain[0])


@pytest.fixture(scope="module")
def server(e2e_bank: Bank) -> Iterator[str]:
    """The real app (uvicorn) on a free port of 127.0.0.1, in a thread; its base URL."""
    import uvicorn

    from corptier.web import create_app
    from web_bank import settings

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(create_app(e2e_bank.ws, settings()), host="127.0.0.1", port=port,
                            log_level="warning", lifespan="off")
    app_server = uvicorn.Server(config)
    thread = threading.Thread(target=app_server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + WAIT
    while not app_server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    app_server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def artifacts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = os.environ.get("CORPTIER_ARTIFACTS")
    path = Path(folder) if folder else tmp_path_factory.mktemp("artifacts")
    path.mkdir(parents=True, exist_ok=True)
    return path


class Browser:
    """One headless Chromium session (its own cookies: a separate user), with the waits,
    screenshots and console checks of these tests."""

    def __init__(self, paths: tuple[str, str], base: str, artifacts: Path) -> None:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service

        options = webdriver.ChromeOptions()
        options.binary_location = paths[0]
        for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                    "--disable-gpu", "--lang=zh-CN", "--hide-scrollbars",
                    f"--window-size={DESKTOP[0]},{DESKTOP[1]}"):
            options.add_argument(arg)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        self.driver = webdriver.Chrome(options=options, service=Service(paths[1]))
        self.base, self.artifacts = base, artifacts
        self.console: list[dict[str, Any]] = []
        self.size(*DESKTOP)

    def size(self, width: int, height: int, mobile: bool = False) -> None:
        self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
            "width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile})

    def open(self, path: str) -> None:
        """Go to `path` once the current page's htmx requests are done (leaving earlier aborts
        them, which htmx logs as console errors)."""
        self.idle()
        self.driver.get(self.base + path)
        self.ready()

    def ready(self) -> None:
        self.until(lambda d: d.execute_script("return document.readyState") == "complete")
        self.collect()

    def until(self, condition: Callable[[Any], Any], timeout: float = WAIT) -> Any:
        """Wait for `condition`; an element replaced meanwhile (an htmx swap) is asked again."""
        from selenium.common.exceptions import StaleElementReferenceException
        from selenium.webdriver.support.ui import WebDriverWait

        wait = WebDriverWait(self.driver, timeout,
                             ignored_exceptions=(StaleElementReferenceException,))
        return wait.until(condition)

    def idle(self) -> None:
        """Wait until htmx has no request in flight and every panel loaded on page load
        (`hx-trigger="load"`, swapped out when its answer came) is in."""
        self.until(lambda d: not d.find_elements(
            "css selector", ".htmx-request, [hx-trigger='load']"))

    def css(self, selector: str) -> Any:
        from selenium.webdriver.common.by import By

        return self.driver.find_element(By.CSS_SELECTOR, selector)

    def text(self, selector: str = "body") -> str:
        return str(self.css(selector).text)

    def submit(self, form: str) -> None:
        """Click the form's button and wait for the page it leads to."""
        self.idle()
        old = self.css("html")
        self.css(f"{form} button").click()
        self.until(lambda _d: _stale(old))
        self.ready()

    def log_in(self, name: str, password: str) -> None:
        self.open("/login")
        self.css("input[name=name]").send_keys(name)
        self.css("input[name=password]").send_keys(password)
        self.submit("form[action='/login']")
        assert name in self.text("header .who"), self.text()

    def shot(self, name: str) -> Path:
        path = self.artifacts / f"{name}.png"
        assert self.driver.save_screenshot(str(path)), path
        return path

    def collect(self) -> None:
        page = self.driver.current_url.removeprefix(self.base)
        self.console.extend({**e, "page": page} for e in self.driver.get_log("browser"))

    def errors(self) -> list[str]:
        self.collect()
        return [f"{e['page']}: {e['message']}" for e in self.console
                if e["level"] in ("SEVERE", "ERROR")]

    def quit(self) -> None:
        self.driver.quit()


def _stale(element: Any) -> bool:
    from selenium.common.exceptions import StaleElementReferenceException

    try:
        element.tag_name  # noqa: B018 (touching it raises once the page was replaced)
    except StaleElementReferenceException:
        return True
    return False


@pytest.fixture
def browser(browser_paths: tuple[str, str], server: str,
            artifacts: Path) -> Iterator[Callable[[], Browser]]:
    """`browser()`: a new browser session; every one is checked for console errors (a CSP
    violation, a failed script or resource) and closed after the test."""
    made: list[Browser] = []

    def new() -> Browser:
        made.append(Browser(browser_paths, server, artifacts))
        return made[-1]

    yield new
    errors = [e for b in made for e in b.errors()]
    for b in made:
        b.quit()
    assert errors == [], errors


def test_override_from_request_to_applied_tier(e2e_bank: Bank, browser, artifacts) -> None:  # type: ignore[no-untyped-def]
    from corptier.services import close_period

    customer = e2e_bank.customer
    cid, name = customer["customer_id"], customer["name"]
    rm = browser()
    rm.open("/login")
    rm.shot("login")
    rm.log_in(RM, e2e_bank.passwords[RM])
    assert "/workbench" in rm.driver.current_url and "工作台" in rm.text("h1")
    rm.shot("workbench")

    # search the book (htmx swaps the results in place, under the CSP)
    rm.open("/customers")
    assert "客户列表" in rm.text("h1")
    rm.shot("customers")
    first = rm.text("#results")
    search = rm.css("input[name=q]")
    search.send_keys(name)
    rm.css("form.filters button").click()
    rm.until(lambda _d: cid in rm.text("#results") and rm.text("#results") != first)
    rm.idle()
    rows = rm.until(lambda d: [r.text for r in d.find_elements("css selector",
                                                                "#results tbody tr")])
    assert len(rows) == 1 and name in rows[0], rows
    assert "q=" in rm.driver.current_url, "htmx pushed the search into the address"
    old = rm.css("html")
    rm.css(f"#results a[href^='/customers/{cid}']").click()
    rm.until(lambda _d: _stale(old))
    rm.ready()

    # the 360 page: profile, tier, the explanation, the recommendations loaded by htmx
    assert name in rm.text("h1")
    explanation = rm.text("pre.explanation")
    assert cid in explanation or "基础" in explanation, explanation
    assert len(explanation.splitlines()) >= 3, explanation
    rm.idle()
    assert rm.text("#recommendations").strip()
    assert rm.driver.find_elements("css selector", ".chart svg"), "the trend chart is drawn"
    tier_box = rm.text("section.card:nth-of-type(2)")
    assert "基础" in tier_box, tier_box
    rm.shot("customer-360")

    # request an override: tier, reason, end date
    from selenium.webdriver.support.ui import Select

    form = "form[action$='/overrides']"
    pick = Select(rm.css(f"{form} select[name=tier]"))
    pick.select_by_value("growth")
    wanted = pick.first_selected_option.text
    rm.css(f"{form} textarea[name=reason]").send_keys("年度战略合作 <script>alert(1)</script>")
    until = (datetime.now(UTC).date() + timedelta(days=90)).isoformat()
    rm.driver.execute_script("arguments[0].value = arguments[1]",
                             rm.css(f"{form} input[name=until]"), until)
    rm.submit(form)
    assert "#overrides" in rm.driver.current_url
    mine = rm.text("#overrides")
    assert wanted in mine and "待审批" in mine and until in mine, mine

    # the team head approves it in the queue (a browser of their own)
    head = browser()
    head.log_in(HEAD, e2e_bank.passwords[HEAD])
    head.shot("dashboard")
    head.open("/overrides")
    queue = head.text("main section.card:first-of-type")
    assert cid in queue and "年度战略合作 <script>alert(1)</script>" in queue, queue
    assert wanted in queue and "growth" not in queue, "the queue names the tier"
    head.shot("override-queue")
    [approve] = head.driver.find_elements(
        "css selector", "main section.card:first-of-type form[action$='/approve']")
    action = approve.get_attribute("action")
    head.submit(f"form[action='{action.removeprefix(head.base)}']")
    history = head.text("main section.card:nth-of-type(2)")
    assert cid in head.text("main section.card:nth-of-type(2)") and "已批准" in history, history
    assert cid not in head.text("main section.card:first-of-type")

    # the next close applies it; the RM reloads the customer and sees the new applied tier
    close_period(e2e_bank.ws, e2e_bank.periods[1], by="admin")
    rm.open(f"/customers/{cid}")
    assert e2e_bank.periods[1] in rm.text("h1")
    tier_box = rm.text("section.card:nth-of-type(2)")
    applied = rm.css("section.card:nth-of-type(2) dd strong").text
    assert applied == wanted, tier_box
    rm.size(*PHONE, mobile=True)
    rm.open("/workbench")
    assert "工作台" in rm.text("h1") and e2e_bank.periods[1] in rm.text("h1")
    changes = rm.text("main section.card:nth-of-type(2)")
    assert name in changes and wanted in changes, changes
    who, nav = rm.css("header .who"), rm.css("header nav")
    assert nav.location["y"] >= who.location["y"] + who.size["height"], "the menu on its own row"
    assert rm.driver.execute_script("return document.documentElement.scrollWidth") <= PHONE[0]
    rm.shot("workbench-phone")
    assert {p.name for p in artifacts.glob("*.png")} >= {
        "login.png", "workbench.png", "customers.png", "customer-360.png", "dashboard.png",
        "override-queue.png", "workbench-phone.png"}
