"""Words HarmPlan never says (LANGUAGE.md), in English and Spanish, and a finder of English left
on a page meant for a Spanish reader. Shared by the catalog, Today and every-page tests."""

from __future__ import annotations

import re
from html.parser import HTMLParser

# LANGUAGE.md: no scorekeeping and no labels for people, on any page.
STIGMA_EN = re.compile(
    r"\b(streaks?|clean|dirty|relapsed?|relapses|addicts?|junkies?|abusers?|alcoholics?|"
    r"drunks?|non-compliant|compliant)\b",
    re.IGNORECASE,
)
# LANGUAGE.md, Spanish: no "recaída", "limpio/sucio" (about a person or a result), "adicto",
# "drogadicto", "alcohólico". ("limpia tu piel", the verb, is fine.)
STIGMA_ES = re.compile(
    r"\b(reca[ií]das?|adict[oa]s?|drogadict[oa]s?|alcoh[oó]lic[oa]s?|limpios?|sucios?|sucias?)\b",
    re.IGNORECASE,
)

# Common English words that are not also Spanish words ("a", "no", "me", "he", "has", "plan",
# "son", "come" and "once" are Spanish too, so they never count on their own).
_COMMON_ENGLISH = """
    the your you yours and with for this that these those is are was were be been being to of in
    on at by from it its we our us can could will would should not what when where which who how
    why have has had do does did done here there check plan step steps goal goals save saved
    back next more see change changes changed add added remove removed sign signed out help
    today my me i or if all any some every new edit open close print download share stop start
    started keep kept use used using day days week weeks month time times about after before up
    down off yes no than then so just only also still yet again now get got give go going come
    make made take they them their he she his her a an as but into over under one two three last
    first show shows shown hide read write written choose chosen set ask asked agree agreed
    review reviews note notes page pages link links name email phone password account code send
    sent turn copy want need try call text message messages reminder reminders without clients
    client counselor counselors people person program organization nothing none yet ready please
    thank thanks welcome cancel continue delete confirm submit done hard went well progress
    skip very low good okay
"""
ENGLISH = frozenset(_COMMON_ENGLISH.split())
ALSO_SPANISH = {"a", "no", "me", "he", "has", "plan", "son", "come", "once", "set", "ha", "sin"}
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?", re.UNICODE)


class _VisibleText(HTMLParser):
    """What a person sees or hears: text outside script/style, the title, and alt, aria-label,
    placeholder, title attributes and the value of buttons."""

    SKIP = {"script", "style", "template", "noscript"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self._skipping += 1
        values = dict(attrs)
        for name in ("alt", "aria-label", "placeholder", "title"):
            if values.get(name):
                self.chunks.append(values[name])
        button = tag in ("input", "button") and values.get("type") in ("submit", "button", "reset")
        if button and values.get("value"):
            self.chunks.append(values["value"])

    def handle_endtag(self, tag):
        if tag in self.SKIP and self._skipping:
            self._skipping -= 1

    def handle_data(self, data):
        if not self._skipping and data.strip():
            self.chunks.append(data)


def visible_text(html: str) -> list[str]:
    """The page's visible text, one piece per text node or attribute, whitespace squeezed."""
    parser = _VisibleText()
    parser.feed(html)
    return [" ".join(chunk.split()) for chunk in parser.chunks if chunk.strip()]


def english_in(chunks: list[str]) -> list[str]:
    """Runs of two or more common English words in a row ("Save changes", "Sign out", "Check
    in", "Your plan"), each with one word at least that is not Spanish as well."""
    found = []
    for chunk in chunks:
        run: list[str] = []
        for word in [*_WORD.findall(chunk), ""]:
            if word.lower() in ENGLISH:
                run.append(word)
                continue
            if len(run) >= 2 and any(w.lower() not in ALSO_SPANISH for w in run):
                found.append(" ".join(run))
            run = []
    return found
