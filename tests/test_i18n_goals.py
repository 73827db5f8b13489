"""Today, the plan, a goal, the check-in, progress and the catalog in Spanish, for a client who
reads Spanish, and the plan in session for a counselor who does: Spanish sentences, Spanish dates,
and none of the English ones left."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from plans.goals.stepdown import StepDownError, plan_steps
from tests.plan_factories import add_plans, make_goal, practice_goal_data
from tests.signin import sign_in

# Wednesday 2 December 2026, 17:00 UTC: noon in New York.
NOW = datetime(2026, 12, 2, 17, 0, tzinfo=UTC)


@pytest.fixture
def spanish(people):
    add_plans(people)
    for person in (people.client_a, people.counselor):
        person.language = "es"
        person.save(update_fields=["language"])
    return people


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def assert_spanish(text: str, spanish: list[str], english: list[str]) -> None:
    for words in spanish:
        assert words in text, words
    for words in english:
        assert words not in text, words


@time_machine.travel(NOW, tick=False)
def test_today_is_in_spanish_with_a_spanish_date(spanish, client):
    client.force_login(spanish.client_a)
    text = page(client, "/")
    assert_spanish(
        text,
        ["<h1>Hoy</h1>", "miércoles 2 de diciembre", "Tus metas", "Toma menos de un minuto"],
        ["Your goals", "It takes under a minute", "Wednesday"],
    )


@time_machine.travel(NOW, tick=False)
def test_the_plan_and_a_goal_are_in_spanish(spanish, client):
    client.force_login(spanish.client_a)
    text = page(client, spanish.plan_a.get_absolute_url())
    assert_spanish(
        text,
        ["Tu plan", "Agregar una meta", "Mi plan de seguridad", "Historial de cambios"],
        ["Your plan", "Add a goal", "My safety plan", "History of changes", "Not written yet"],
    )
    text = page(client, spanish.goal_a.get_absolute_url())
    assert_spanish(
        text,
        ["Volver al plan", "Cambiar esta meta", "Estrategias", "Agregar un paso"],
        ["Back to the plan", "Change this goal", "Add a step", "More about this goal"],
    )


def test_strategies_on_the_plan_are_named_in_the_readers_language(spanish, client):
    from plans.models import Plan
    from strategies.models import Strategy

    Strategy.objects.filter(pk=spanish.strategy.pk).update(
        title="Drink water in between", title_es="Bebe agua entre copas"
    )
    Plan.objects.filter(pk=spanish.plan_a.pk).update(show_focus_areas=True)
    client.force_login(spanish.client_a)
    text = page(client, spanish.plan_a.get_absolute_url())
    assert_spanish(text, ["Bebe agua entre copas"], ["Drink water in between"])
    client.post(reverse("language_switch"), {"language": "en"})
    text = page(client, spanish.plan_a.get_absolute_url())
    assert_spanish(text, ["Drink water in between"], ["Bebe agua entre copas"])


def test_focus_areas_on_the_plan_and_the_desk_are_named_in_the_readers_language(spanish, client):
    from plans.models import Plan
    from strategies.models import FocusArea

    area = spanish.goal_a.focus_area
    FocusArea.objects.filter(pk=area.pk).update(name="Drinking", name_es="Bebida")
    Plan.objects.filter(pk=spanish.plan_a.pk).update(show_focus_areas=True)
    for person in (spanish.client_a, spanish.counselor):
        sign_in(client, person)
        text = page(client, spanish.plan_a.get_absolute_url())
        assert_spanish(text, ['<span class="tag grey">Bebida</span>'], [">Drinking<"])


@time_machine.travel(NOW, tick=False)
def test_the_check_in_is_in_spanish(spanish, client):
    client.force_login(spanish.client_a)
    text = page(client, reverse("plans:checkin"))
    assert_spanish(
        text,
        [
            "Tu registro de hoy",
            "miércoles 2 de diciembre de 2026",
            "Guardar mi registro",
            "Otro día",
        ],
        ["Your check-in for today", "Save my check-in", "Another day", "Leave it empty"],
    )
    text = page(client, reverse("plans:checkin_settings"))
    assert_spanish(text, ["Guardar"], ["Back to your check-in"])


@time_machine.travel(NOW, tick=False)
def test_the_check_ins_choices_hours_and_errors_are_in_spanish(spanish, client):
    """The answers one taps (feelings, skip), the hours a day can start at, and what a wrong
    answer says: these were English on a Spanish page."""
    make_goal(spanish.plan_a, **practice_goal_data())  # asked as yes, no or skip
    client.force_login(spanish.client_a)
    text = page(client, reverse("plans:checkin"))
    assert_spanish(
        text,
        ["Muy mal", "Más o menos", "Muy bien", "Saltar por hoy"],
        ["Very low", "Okay", "Very good", "Skip"],
    )
    text = page(client, reverse("plans:checkin_settings"))
    assert_spanish(text, ["Medianoche", "4 a. m.", "Mediodía"], ["Midnight", "a.m.", "Noon"])
    response = client.post(reverse("plans:checkin"), {"day": "2026-12-09", "feeling": "3"})
    assert_spanish(
        response.content.decode(),
        ["Ese día todavía no llegó"],
        ["That day has not happened yet"],
    )
    goal = spanish.goal_a  # counted in standard drinks
    response = client.post(
        reverse("plans:checkin"),
        {"day": "2026-12-02", f"goal-{goal.public_id}": "abc"},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 400
    assert "Escribe un número" in response.json()["errors"][0]


def test_step_down_errors_are_in_the_readers_language():
    with translation.override("es"):
        with pytest.raises(StepDownError, match="Tu meta no es más baja"):
            plan_steps(baseline=Decimal(2), target=Decimal(5), start=date(2026, 12, 2))
        with pytest.raises(StepDownError, match="Elige bajar entre 1% y 90%"):
            plan_steps(
                baseline=Decimal(10),
                target=Decimal(5),
                start=date(2026, 12, 2),
                reduction_percent=Decimal(95),
            )


@time_machine.travel(NOW, tick=False)
def test_progress_and_its_chart_are_in_spanish(spanish, client):
    client.force_login(spanish.client_a)
    text = page(client, reverse("plans:progress"))
    assert_spanish(
        text,
        ["Tu progreso", "Mostrar los números", "Tus registros"],
        ["Your progress", "Show the numbers", "No check-ins for this goal in the last 7 days"],
    )
    goal = spanish.goal_a
    text = page(client, reverse("plans:goal_progress", args=[goal.plan.public_id, goal.public_id]))
    assert_spanish(
        text, ["Cómo calculamos la tendencia"], ["How we work out the trend", "Last 4 weeks"]
    )


@time_machine.travel(NOW, tick=False)
def test_the_catalog_and_a_strategy_are_in_spanish(spanish, client):
    client.force_login(spanish.client_a)
    text = page(client, reverse("strategies:catalog"))
    assert_spanish(
        text,
        ["Estrategias", "Mostrar estrategias", "1 estrategia."],
        ["Show strategies", "Ideas that have helped other people", "1 strategy."],
    )
    text = page(client, spanish.strategy.get_absolute_url())
    assert_spanish(
        text,
        ["Todas las estrategias", "De dónde viene este consejo"],
        ["All strategies", "Where this advice comes from", "Kind of strategy"],
    )


@time_machine.travel(NOW, tick=False)
def test_the_plan_in_session_is_in_spanish_for_a_counselor(spanish, client):
    sign_in(client, spanish.counselor)
    text = page(client, spanish.plan_a.get_absolute_url())
    assert_spanish(
        text,
        ["Plan en sesión", "Metas", "Registrar una revisión"],
        ["Plan in session", "Record a review", "Since the last review", "Add a goal"],
    )


@time_machine.travel(NOW, tick=False)
def test_the_history_says_what_changed_in_each_readers_language(spanish, client):
    """A revision keeps its kind and values, not only an English sentence: the Spanish reader
    sees Spanish, the English one English, from the same row."""
    from plans.goals.services import goal_update
    from plans.models import Revision

    goal = spanish.plan_a.goals.first()
    goal_update(
        goal=goal,
        expected_version=goal.version,
        data={"statement": "Tomar menos los fines de semana"},
        author=spanish.client_a,
    )
    # The latest row, by id: the fixture's rows were written at the real time, which can be
    # later than NOW.
    revision = Revision.objects.filter(plan=spanish.plan_a).order_by("-pk").first()
    assert revision.summary == "Changed the goal “Tomar menos los fines de semana”"
    client.force_login(spanish.client_a)
    text = page(client, reverse("plans:plan_history", args=[spanish.plan_a.public_id]))
    assert "Cambió la meta «Tomar menos los fines de semana»" in text
    assert "Changed the goal" not in text
    spanish.client_a.language = "en"
    spanish.client_a.save(update_fields=["language"])
    text = page(client, reverse("plans:plan_history", args=[spanish.plan_a.public_id]))
    assert "Changed the goal “Tomar menos los fines de semana”" in text


def test_the_goal_pages_strategies_suggestions_and_focus_area_are_in_the_readers_language(
    spanish, client
):
    """The goal's strategies, the suggestions (their titles, summaries and the words only a
    screen reader says) and what the goal is about: Spanish where the curators wrote it."""
    from strategies.models import FocusArea, Strategy
    from tests.catalog_factories import make_strategy

    Strategy.objects.filter(pk=spanish.strategy.pk).update(
        title="Drink water in between", title_es="Bebe agua entre copas"
    )
    suggestion = make_strategy(
        "smaller-glasses",
        title="Use smaller glasses",
        summary="A smaller glass holds less.",
        approaches=(spanish.goal_a.approach,),
        focus_areas=(spanish.goal_a.focus_area.slug,),
    )
    Strategy.objects.filter(pk=suggestion.pk).update(
        title_es="Usa vasos más pequeños", summary_es="Un vaso pequeño lleva menos."
    )
    FocusArea.objects.filter(pk=spanish.goal_a.focus_area_id).update(
        name="Drinking", name_es="Bebida"
    )
    client.force_login(spanish.client_a)
    text = page(client, spanish.goal_a.get_absolute_url())
    assert_spanish(
        text,
        [
            ">Bebe agua entre copas</a></h3>",
            '<span class="visually-hidden"> para Bebe agua entre copas</span>',
            ">Usa vasos más pequeños</a></h4>",
            "<p>Un vaso pequeño lleva menos.</p>",
            '<span class="visually-hidden"> Usa vasos más pequeños</span> a esta meta',
            '<span class="tag grey">Bebida</span>',
        ],
        ["Drink water in between", "Use smaller glasses", "A smaller glass", "Drinking"],
    )
    client.post(reverse("language_switch"), {"language": "en"})
    text = page(client, spanish.goal_a.get_absolute_url())
    assert_spanish(
        text,
        [
            ">Drink water in between</a></h3>",
            '<span class="visually-hidden"> for Drink water in between</span>',
            ">Use smaller glasses</a></h4>",
            '<span class="visually-hidden"> Use smaller glasses</span> to this goal',
            '<span class="tag grey">Drinking</span>',
        ],
        ["Bebe agua", "Usa vasos", "Bebida"],
    )
