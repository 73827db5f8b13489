"""axe-core checks for the browser tests, with the WCAG 2.2 AA rule tags."""

from __future__ import annotations

from weakref import WeakSet

from axe_playwright_python.sync_playwright import Axe

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
_axe = Axe()

# Pages whose browser context has JavaScript switched off (see the phone_no_js fixture).
NO_JS_PAGES: WeakSet = WeakSet()


def assert_no_axe_violations(page) -> None:
    if page in NO_JS_PAGES:
        _check_no_js_page(page)
        return
    _check(page)


def _check(page) -> None:
    results = _axe.run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
    assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"


def _check_no_js_page(page) -> None:
    """axe needs JavaScript to run. Check the exact DOM the no-JavaScript page shows by loading
    it into a second page where the site's own scripts are blocked, so nothing changes it."""
    html, url = page.content(), page.url
    checker = page.context.browser.new_page(viewport=page.viewport_size)
    try:

        def serve(route):
            if route.request.url == url:
                route.fulfill(body=html, content_type="text/html; charset=utf-8")
            elif route.request.resource_type == "script":
                route.abort()
            else:
                route.continue_()

        checker.route("**/*", serve)
        checker.goto(url)
        _check(checker)
    finally:
        checker.close()
