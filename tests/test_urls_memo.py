"""Remembered URLs (harmplan/urls_memo.py): the same answers as Django's reverse, for every named
URL, under another script prefix or urlconf, in templates, and Django's own way for odd values."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from django.template import engines
from django.test import override_settings
from django.urls import (
    NoReverseMatch,
    URLResolver,
    get_resolver,
    get_script_prefix,
    path,
    set_script_prefix,
    set_urlconf,
)
from django.urls import converters as django_converters
from django.urls import reverse as django_reverse
from django.urls.resolvers import LocalePrefixPattern
from django.utils import translation
from django.utils.functional import Promise
from django.utils.html import conditional_escape

from harmplan import urls_memo, views
from harmplan.urls_memo import reverse

# Another urlconf, for override_settings(ROOT_URLCONF=...) and set_urlconf below.
urlpatterns = [path("elsewhere/help/", views.help_page, name="help")]
HERE = __name__

PLAN = uuid.UUID("6f1c2d4e-0000-4000-8000-000000000001")
GOAL = uuid.UUID("6f1c2d4e-0000-4000-8000-000000000002")
SAMPLES = {
    django_converters.IntConverter: 7,
    django_converters.UUIDConverter: PLAN,
    django_converters.SlugConverter: "a-slug",
    django_converters.PathConverter: "a/b",
    django_converters.StringConverter: "a-token",
}


def _named_urls(
    resolver: URLResolver, namespace: str = "", params: tuple[str, ...] = (), converters=None
) -> Iterator[tuple[str, tuple[str, ...], dict]]:
    """(namespaced name, parameter names in order, their converters) for every named URL."""
    for entry in resolver.url_patterns:
        groups = entry.pattern.regex.groupindex
        names = params + tuple(sorted(groups, key=groups.__getitem__))
        found = {**(converters or {}), **entry.pattern.converters}
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _named_urls(entry, inner, names, found)
        elif entry.name:
            yield f"{namespace}{entry.name}", names, found


def _patterns(resolver: URLResolver) -> Iterator:
    for entry in resolver.url_patterns:
        yield entry
        if isinstance(entry, URLResolver):
            yield from _patterns(entry)


def _outcome(reverse_function, *args, **kwargs) -> str:
    try:
        return reverse_function(*args, **kwargs)
    except NoReverseMatch:
        return "NoReverseMatch"


@pytest.fixture
def prefix_root():
    before = get_script_prefix()
    set_script_prefix("/")
    yield
    set_script_prefix(before)


def test_every_named_url_is_what_django_reverses(prefix_root):
    hits = urls_memo._remembered.cache_info().hits
    reversed_ok = set()
    named = list(_named_urls(get_resolver()))
    assert len(named) > 50
    for name, params, converters in named:
        values = [SAMPLES.get(type(converters.get(p)), "1") for p in params]
        kwargs = dict(zip(params, values, strict=True))
        for _ in range(2):  # the second time from the memo
            expected = _outcome(django_reverse, name, kwargs=kwargs)
            assert _outcome(reverse, name, kwargs=kwargs) == expected, name
            assert _outcome(reverse, name, args=values) == _outcome(
                django_reverse, name, args=values
            ), name
            # URLs are the same in every language, which is why the memo's key has none.
            with translation.override("es"):
                assert _outcome(reverse, name, kwargs=kwargs) == expected, name
        if expected != "NoReverseMatch":
            reversed_ok.add(name)
    ours = {name for name, _, _ in named if not name.startswith("admin:")}
    assert ours <= reversed_ok
    assert urls_memo._remembered.cache_info().hits > hits + len(ours)


def test_no_url_pattern_depends_on_the_language():
    for entry in _patterns(get_resolver()):
        assert not isinstance(entry.pattern, LocalePrefixPattern), "i18n_patterns: key on language"
        route = getattr(entry.pattern, "_route", None) or getattr(entry.pattern, "_regex", "")
        assert not isinstance(route, Promise), f"translated route {route}: key on language"


def test_a_url_with_arguments_in_any_order():
    expected = django_reverse("plans:goal", args=[PLAN, GOAL])
    assert reverse("plans:goal", args=[PLAN, GOAL]) == expected
    assert reverse("plans:goal", args=(PLAN, GOAL)) == expected
    assert reverse("plans:goal", kwargs={"plan_id": PLAN, "goal_id": GOAL}) == expected
    assert reverse("plans:goal", kwargs={"goal_id": GOAL, "plan_id": PLAN}) == expected
    assert reverse("plans:goal", args=[str(PLAN), str(GOAL)]) == expected


def test_another_script_prefix_gives_the_prefixed_url(prefix_root):
    assert reverse("plans:plan", args=[PLAN]) == f"/plans/{PLAN}/"
    set_script_prefix("/harmplan/")
    assert reverse("plans:plan", args=[PLAN]) == f"/harmplan/plans/{PLAN}/"
    assert reverse("help") == "/harmplan/help/"
    set_script_prefix("/")
    assert reverse("help") == "/help/"


def test_another_root_urlconf_is_honoured(prefix_root):
    assert reverse("help") == "/help/"
    with override_settings(ROOT_URLCONF=HERE):
        assert urls_memo._remembered.cache_info().currsize == 0  # the old URLs are let go
        assert reverse("help") == "/elsewhere/help/"
        with pytest.raises(NoReverseMatch):
            reverse("plans:plan", args=[PLAN])
    assert reverse("help") == "/help/"


def test_a_urlconf_set_for_this_request_is_honoured(prefix_root):
    assert reverse("help") == "/help/"
    set_urlconf(HERE)  # what Django does for request.urlconf
    try:
        assert reverse("help") == "/elsewhere/help/"
    finally:
        set_urlconf(None)
    assert reverse("help") == "/help/"
    assert reverse("help", urlconf=HERE) == "/elsewhere/help/"


def test_no_reverse_match_is_still_raised():
    for _ in range(2):
        with pytest.raises(NoReverseMatch):
            reverse("no-such-page")
        with pytest.raises(NoReverseMatch):
            reverse("plans:plan", args=["not-a-uuid"])
        with pytest.raises(NoReverseMatch):
            reverse("plans:plan")


def test_true_is_not_taken_for_one():
    assert reverse("accounts:resource_edit", args=[1]) == "/organization/resources/1/"
    # True == 1 as a dictionary key; Django turns True into "True", which matches no URL.
    with pytest.raises(NoReverseMatch):
        reverse("accounts:resource_edit", args=[True])


def test_values_that_are_not_plain_go_to_django_every_time():
    class Token:
        def __init__(self, text: str) -> None:
            self.text = text

        def __str__(self) -> str:
            return self.text

    token = Token("first")
    assert reverse("accounts:invitation_link", args=[token]) == "/invite/first/"
    token.text = "second"  # same object, hashed the same, another URL
    assert reverse("accounts:invitation_link", args=[token]) == "/invite/second/"
    unhashable = ["a"]
    assert reverse("accounts:invitation_link", args=[unhashable]) == django_reverse(
        "accounts:invitation_link", args=[unhashable]
    )
    assert reverse("help", query={"q": "1"}, fragment="top") == "/help/?q=1#top"


def test_the_memo_stays_bounded():
    urls_memo.forget()
    for _ in range(urls_memo.MAX_URLS + 50):
        reverse("plans:plan", args=[uuid.uuid4()])
    assert urls_memo._remembered.cache_info().currsize == urls_memo.MAX_URLS


def _render(source: str, **context) -> str:
    return engines["django"].from_string(source).render(context)


def test_every_template_uses_the_remembering_url_tag():
    template = engines["django"].from_string("{% url 'help' %}")
    assert isinstance(template.template.nodelist[0], urls_memo.URLNode)


def test_the_url_tag_gives_what_django_reverses(prefix_root):
    hits = urls_memo._remembered.cache_info().hits
    for _ in range(2):
        assert _render("{% url 'plans:plan' plan %}", plan=PLAN) == f"/plans/{PLAN}/"
        assert _render(
            "{% url 'plans:goal' plan_id=plan goal_id=goal %}", plan=PLAN, goal=GOAL
        ) == (f"/plans/{PLAN}/goals/{GOAL}/")
        assert _render("{% url name %}", name="help") == "/help/"
    assert urls_memo._remembered.cache_info().hits >= hits + 3
    # Escaped as Django's tag escapes it.
    expected = conditional_escape(django_reverse("accounts:invitation_link", args=["a&b"]))
    assert _render("{% url 'accounts:invitation_link' 'a&b' %}") == expected
    assert "&amp;" in expected


def test_the_url_tag_as_a_variable():
    source = "{% url 'plans:plan' plan as link %}[{{ link }}]"
    assert _render(source, plan=PLAN) == f"[/plans/{PLAN}/]"
    assert _render("{% url 'no-such-page' as link %}[{{ link }}]") == "[]"
    with pytest.raises(NoReverseMatch):
        _render("{% url 'no-such-page' %}")
