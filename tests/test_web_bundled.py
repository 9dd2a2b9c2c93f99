"""The web demo with the bundled model itself (no scripted replies): the part it writes
carries customizer ranges, so the page shows sliders, and moving one recompiles the part
without the model. Real `scad-agent web` on 127.0.0.1, Debian's Chromium via Playwright."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from test_web import CHROMIUM, CHROMIUM_ARGS, web_server

playwright_api = pytest.importorskip("playwright.sync_api")
pytest.importorskip("gradio")
pytest.importorskip("transformers")

WAIT_MS = 240_000  # the bundled model on two shared cores: a turn takes 10-60 s
PROMPT = "a rectangular block 45 mm long, 30 mm wide and 12 mm high"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium"),
]


@pytest.fixture
def bundled_server(tmp_path: Path) -> Iterator[str]:
    with web_server("--work-dir", str(tmp_path / "work"), start_s=180) as (url, _):
        yield url


def test_a_part_from_the_bundled_model_gets_sliders(bundled_server: str) -> None:
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1440, "height": 1080})
        page.set_default_timeout(WAIT_MS)
        page.goto(bundled_server)
        page.fill("#prompt textarea", PROMPT)
        page.click("#send")
        page.wait_for_selector("#viewer canvas")
        page.wait_for_selector("#chat :text('part OK')")

        # every top-level size the model wrote has a range: a slider, not a bare number field
        sliders = page.locator("#parameters input[type=range]")
        sliders.first.wait_for()
        names = page.locator("#parameters [id^=param-]").evaluate_all(
            "els => els.map(e => e.id)")
        assert "param-length" in names and sliders.count() >= 3, names

        # a slider's value recompiles the part without the model
        with page.expect_response(lambda r: "/gradio_api/file=" in r.url
                                  and r.url.endswith("/part.glb")) as glb:
            field = page.locator("#param-length input[type=number]")
            field.fill("60")
            field.blur()
        assert glb.value.status == 200
        page.wait_for_selector("#chat :text('set length = 60: recompiled without the model')")
        page.wait_for_selector("#program :text('length = 60;')")
        page.wait_for_selector("#part-size :text('60.0 x')")
        browser.close()
