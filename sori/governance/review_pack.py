"""The management review pack as HTML and PDF (ISO 10002 8.6; R-8.6.1).

``review_pack_html`` renders ``governance/review_pack.html`` in the reader's language (the
active one) from the review's inputs: the snapshot for a held review, the live inputs for one in
preparation (``sori.governance.reviews.review_inputs``). Names of KPIs, statuses and kinds are
looked up from their codes at render time, so a held pack reads in any language. The monthly
trend is drawn as inline SVG by the dashboards' own chart code (``sori.analytics.charts``).

``review_pdf`` prints the same HTML with WeasyPrint. The font is the bundled Nanum Gothic
(``sori/static/fonts/nanum``, SIL OFL 1.1), loaded with ``@font-face`` from its file, so the PDF
carries Korean text without depending on the fonts of the machine.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils.formats import number_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from sori.analytics.catalogue import BY_CODE
from sori.analytics.charts import chart_spec, render_svg
from sori.analytics.models import GroupKind
from sori.analytics.tables import Column, Table
from sori.core.actors import Actor
from sori.governance.models import ActionStatus, DecisionKind, ManagementReview
from sori.governance.objectives import RAG_LABELS, Rag
from sori.governance.review_inputs import decision_rows
from sori.governance.reviews import review_inputs

FONT_DIR = Path(__file__).resolve().parent.parent / "static" / "fonts" / "nanum"
FONT_FILES = {"normal": "NanumGothic.ttf", "bold": "NanumGothicBold.ttf"}


def _value(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "percent":
        return f"{number_format(value, 1, use_l10n=True)}%"
    if unit == "days":
        return _("%(days)s days") % {"days": number_format(value, 1, use_l10n=True)}
    if unit in ("count", "money"):
        return number_format(value, 0, use_l10n=True, force_grouping=True)
    return number_format(value, 2, use_l10n=True)


def _label(choices: Any, value: str) -> str:
    return str(choices(value).label) if value in choices.values else value


def _kpi_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    shown = []
    for row in rows:
        kpi = BY_CODE.get(row["code"])
        shown.append({
            **row,
            "name": str(kpi.name) if kpi else row["name"],
            "value_text": _value(row["value"], row["unit"]),
            "previous_text": _value(row["previous"], row["unit"]),
            "target_text": _value(row["target"], row["unit"]) if row["target"] is not None else "",
        })  # fmt: skip
    return shown


def _objective_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    shown = []
    for row in rows:
        kpi = BY_CODE.get(row["kpi_code"])
        rag = Rag(row["rag"]) if row["rag"] in Rag._value2member_map_ else Rag.GREY
        shown.append({
            **row,
            "kpi_name": str(kpi.name) if kpi else row["kpi_name"],
            "target_text": _value(row["target"], row["measure"]),
            "latest_text": _value(row["latest_value"], row["measure"]),
            "rag_label": str(RAG_LABELS[rag]),
        })  # fmt: skip
    return shown


def _decision_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            **row,
            "kind_label": _label(DecisionKind, row["kind"]),
            "action_status_label": _label(ActionStatus, row["action_status"])
            if row["action_status"]
            else "",
        }
        for row in rows
    ]


def trend_svg(periods: list[dict[str, Any]], grain: str) -> str:
    """The trend of the period drawn by the dashboards' chart code, as inline SVG."""
    if not periods:
        return ""
    table = Table(
        key="trend",
        title=_("Trend: complaints received, closed and open"),
        columns=[
            Column("period", _("Week beginning") if grain == "week" else _("Month"), "text"),
            Column("received", _("Complaints received"), "int"),
            Column("closed", _("Complaints closed"), "int"),
            Column("open", _("Still open at the end"), "int"),
        ],
        rows=periods,
    )
    spec = chart_spec(table)
    if spec is None:
        return ""
    svg = render_svg(spec).decode("utf-8")
    # Inline in the page: drop an XML declaration, keep the <svg> element.
    return svg[svg.find("<svg") :]


def pack_context(*, viewer: Actor, review: ManagementReview) -> dict[str, Any]:
    inputs = review_inputs(viewer=viewer, review=review)
    trends = inputs["trends"]
    previous = inputs.get("previous_review")
    actions = inputs["actions"]
    return {
        # The model's own name ("management review"), already translated.
        "heading": capfirst(str(ManagementReview._meta.verbose_name)),
        "review": review,
        "inputs": inputs,
        "kpis": _kpi_rows(inputs["kpis"]),
        "objectives": _objective_rows(inputs["objectives"]),
        "satisfaction": _kpi_rows(inputs["satisfaction"]),
        "trend_svg": trend_svg(trends["periods"], trends.get("grain", "month")),
        "recurring": [
            {**row, "kind_label": _label(GroupKind, row["kind"])} for row in trends["recurring"]
        ],
        "action_counts": [
            (str(label), actions["by_status"].get(value, 0))
            for value, label in ActionStatus.choices
        ],
        "previous": {**previous, "decisions": _decision_rows(previous["decisions"])}
        if previous
        else None,
        "decisions": _decision_rows(decision_rows(review)),
    }


def review_pack_html(*, viewer: Actor, review: ManagementReview, for_print: bool = False) -> str:
    context = pack_context(viewer=viewer, review=review)
    context["for_print"] = for_print
    # The printer reads the font files themselves; a browser fetches them as static files.
    context["fonts"] = {
        weight: (FONT_DIR / name).as_uri() if for_print else static(f"fonts/nanum/{name}")
        for weight, name in FONT_FILES.items()
    }
    return render_to_string("governance/review_pack.html", context)


def review_pdf(*, viewer: Actor, review: ManagementReview) -> bytes:
    """The pack as PDF, with the bundled Korean font embedded (8.6)."""
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    html = review_pack_html(viewer=viewer, review=review, for_print=True)
    document = HTML(string=html, base_url=FONT_DIR.as_uri() + "/")
    return bytes(document.write_pdf(font_config=fonts))
