"""Helpers for the discreet-use browser tests: a stand-in for the neutral exit site, and the
measuring of tap targets."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings

NEUTRAL_PAGE = "<!doctype html><html lang='en'><title>Weather</title><h1>Weather today</h1></html>"

# Every link, button and form control a finger can touch, with the size the browser gives it.
# Links inside a sentence are left out (WCAG 2.5.8 "inline" exception): a link whose block of
# text holds more words than the link itself. A radio or checkbox is measured by its label.
MEASURE_TARGETS = """
() => {
  const blocks = "p, li, dd, dt, td, th, span.hint, div";
  const visible = (el) => {
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    return style.visibility !== "hidden" && style.display !== "none"
      && box.width > 1 && box.height > 1;
  };
  const inSentence = (el) => {
    if (el.tagName !== "A") return false;
    const block = el.parentElement.closest(blocks);
    if (!block) return false;
    return block.textContent.replace(/\\s+/g, " ").trim().length >
      el.textContent.replace(/\\s+/g, " ").trim().length;
  };
  const found = [];
  const controls = document.querySelectorAll(
    "a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button]");
  for (const el of controls) {
    let target = el;
    if (el.matches("input[type=radio], input[type=checkbox]")) {
      target = el.closest("label") || document.querySelector(`label[for="${el.id}"]`) || el;
    }
    if (!visible(target) || inSentence(el)) continue;
    if (el.closest(".skip-link") && document.activeElement !== el) continue;
    const box = target.getBoundingClientRect();
    found.push({
      what: (el.tagName + " " + (el.textContent || el.name || el.value || "").trim()).slice(0, 60),
      width: Math.round(box.width * 10) / 10,
      height: Math.round(box.height * 10) / 10,
    });
  }
  return found;
}
"""


def too_small(page, minimum: float = 44) -> list[dict]:
    """The targets on `page` narrower or lower than `minimum` CSS pixels."""
    targets = page.evaluate(MEASURE_TARGETS)
    return [t for t in targets if t["width"] < minimum or t["height"] < minimum]


def too_small_lines(page, minimum: float = 44) -> list[str]:
    """`too_small`, one line for each target, saying where it is."""
    path = urlsplit(page.url).path
    return [f"{path}: {t['what']!r} {t['width']}×{t['height']}" for t in too_small(page, minimum)]


def covers_its_middle(page, locator) -> bool:
    """Whether a finger on the middle of `locator` touches it, not something on top of it."""
    box = locator.bounding_box()
    return page.evaluate(
        "([x, y, el]) => el.contains(document.elementFromPoint(x, y))",
        [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2, locator.element_handle()],
    )


def keep_traffic_local(context, live_server_url: str) -> list[str]:
    """Serve the exit site from a stand-in and refuse anything else off this machine.

    Returns the list that collects refused addresses (the tests assert it stays empty)."""
    exit_url = settings.HARMPLAN["EXIT_URL"]
    exit_host = urlsplit(exit_url).netloc
    local_host = urlsplit(live_server_url).netloc
    refused: list[str] = []

    def handle(route):
        url = urlsplit(route.request.url)
        if url.netloc == local_host or url.scheme in ("data", "blob"):
            route.continue_()
        elif url.netloc == exit_host:
            route.fulfill(body=NEUTRAL_PAGE, content_type="text/html; charset=utf-8")
        else:
            refused.append(route.request.url)
            route.abort()

    context.route("**/*", handle)
    return refused
