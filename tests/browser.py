"""Debian's Chromium, headless, driven by Selenium through Debian's chromedriver (both from the Makefile's apt
step; nothing is downloaded), and a few console steps the browser tests and ``bench/console.py`` share."""

from __future__ import annotations

import base64
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

CHROMIUM = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
CHROMEDRIVER = ("/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver")


def _first(paths: tuple[str, ...], name: str) -> str | None:
    return next((p for p in paths if Path(p).exists()), None) or shutil.which(name)


def chromium_paths() -> tuple[str, str] | None:
    browser, driver = _first(CHROMIUM, "chromium"), _first(CHROMEDRIVER, "chromedriver")
    return (browser, driver) if browser and driver else None


class Browser:
    """One headless Chromium with a fresh profile, removed on ``quit``."""

    def __init__(self, *, width: int = 1440, height: int = 1000) -> None:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service

        paths = chromium_paths()
        if paths is None:
            raise RuntimeError("chromium and chromedriver NOT FOUND: install Debian's chromium chromium-driver")
        os.environ.setdefault("SE_OFFLINE", "true")  # Selenium Manager must never try to download a driver
        self.profile = tempfile.mkdtemp(prefix="docintel-chromium-")
        options = webdriver.ChromeOptions()
        options.binary_location = paths[0]
        for arg in (
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            "--disable-default-apps",
            "--no-first-run",
            "--no-default-browser-check",
            "--lang=zh-CN",
            f"--user-data-dir={self.profile}",
            f"--window-size={width},{height}",
        ):
            options.add_argument(arg)
        self.driver = webdriver.Chrome(service=Service(paths[1]), options=options)
        self.driver.set_page_load_timeout(120)
        self.driver.set_script_timeout(300)

    def quit(self) -> None:
        try:
            self.driver.quit()
        finally:
            shutil.rmtree(self.profile, ignore_errors=True)


def wait_for(predicate: Callable[[], Any], *, timeout: float = 240, what: str = "condition") -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.05)


def login(driver, base_url: str, key: str) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    driver.get(base_url + "/console/login")
    driver.find_element(By.ID, "key").send_keys(key)
    driver.find_element(By.ID, "login-submit").click()
    wait_for(lambda: driver.current_url.rstrip("/").endswith("/console"), what="the case list")


def create_case(driver, base_url: str, business_type: str) -> str:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    driver.get(base_url + "/console/")
    Select(driver.find_element(By.ID, "business_type")).select_by_value(business_type)
    driver.find_element(By.ID, "create-case").click()
    wait_for(lambda: "/console/cases/" in driver.current_url, what="the new case page")
    return driver.current_url.rsplit("/", 1)[1]


def timings(driver) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    return driver.execute_script("return window.__console.timings")


def upload_with_input(driver, path: Path) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """Chooses a file in the upload input and waits until its fields are drawn; answers the page's timing."""
    from selenium.webdriver.common.by import By

    before = len(timings(driver))
    driver.find_element(By.ID, "upload-files").send_keys(str(path))
    return _settled(driver, before)


def replace_page(driver, document_id: str, page: int, path: Path) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """Answers a reshoot entry: chooses a new picture with the entry's "replace this page" button."""
    from selenium.webdriver.common.by import By

    before = len(timings(driver))
    driver.find_element(By.ID, f"replace-{document_id}-{page}").send_keys(str(path))
    return _settled(driver, before)


def upload_by_drop(driver, path: Path, *, append_to: str = "") -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """Drops a file on the drop zone (a real ``drop`` event carrying a File), as a clerk dragging it would."""
    before = len(timings(driver))
    driver.execute_script(
        """
        const [b64, name, appendTo] = arguments;
        const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
        const dt = new DataTransfer();
        dt.items.add(new File([bytes], name, { type: name.endsWith('.pdf') ? 'application/pdf' : 'image/jpeg' }));
        document.getElementById('append-to').value = appendTo;
        const zone = document.getElementById('dropzone');
        for (const type of ['dragenter', 'dragover', 'drop']) {
          zone.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: dt }));
        }
        """,
        base64.b64encode(path.read_bytes()).decode(),
        path.name,
        append_to,
    )
    return _settled(driver, before)


def _settled(driver, before: int) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    wait_for(
        lambda: len(timings(driver)) > before and not driver.execute_script("return window.__console.busy"),
        what="the upload to be read and drawn",
    )
    last = timings(driver)[-1]
    if "error" in last:
        raise AssertionError(f"upload failed in the console: {last['error']}")
    return last
