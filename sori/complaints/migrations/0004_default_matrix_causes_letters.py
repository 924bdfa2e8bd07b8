"""Default configuration for the back office: priority matrix, root-cause codes, decision letters.

All of it is editable in the admin afterwards; this only gives a new installation sensible rows.
"""

import datetime as dt

from django.db import migrations

LEVELS = ["low", "medium", "high", "critical"]


def _priority(severity: str, impact: str) -> str:
    # ISO 10002 7.5: the same answers the built-in rule gave before the matrix was configurable.
    if "critical" in (severity, impact):
        return "urgent"
    if "high" in (severity, impact):
        return "high"
    if severity == "low" and impact == "low":
        return "low"
    return "normal"


ROOT_CAUSES = [
    ("people", "사람(직원 응대·판단)", "People (staff conduct or judgement)", [
        ("people-training", "교육·역량 부족", "Lack of training or competence"),
        ("people-conduct", "불친절·부적절한 응대", "Discourteous or inappropriate conduct"),
        ("people-error", "개인 실수", "Individual error"),
    ]),
    ("process", "절차·프로세스", "Process or procedure", [
        ("process-design", "절차 설계 결함", "Procedure badly designed"),
        ("process-not-followed", "절차 미준수", "Procedure not followed"),
        ("process-delay", "처리 지연", "Delay in handling"),
    ]),
    ("product", "제품·서비스 품질", "Product or service quality", [
        ("product-defect", "제품 결함", "Product defect"),
        ("product-service-level", "서비스 수준 미달", "Service below the promised level"),
    ]),
    ("system", "정보시스템", "IT system", [
        ("system-outage", "시스템 장애", "System outage"),
        ("system-data", "데이터 오류", "Wrong or missing data"),
    ]),
    ("communication", "의사소통·정보 제공", "Communication or information", [
        ("communication-unclear", "안내 불명확", "Unclear information"),
        ("communication-missing", "안내 누락", "Information not given"),
    ]),
    ("third-party", "협력업체·제3자", "Supplier or third party", []),
    ("policy", "정책·약관", "Policy or terms", []),
    ("no-fault", "조직 귀책 없음", "No fault found", []),
]

LETTERS = [
    (
        "ko",
        False,
        "결정사항 통보(기본)",
        "[{reference}] 불만처리 결과를 알려드립니다",
        """{complainant_name}님께

{received_on}에 접수하신 불만({reference})에 대한 조사를 마치고 결과를 알려드립니다.

■ 결정사항: {outcome}

■ 결정 사유
{reasons}

■ 조치 내용
{remedies}

■ 결정에 대한 의견
{how_to_answer}

■ 결정에 동의하지 않으시는 경우
{recourse}

불편을 드려 죄송합니다. 소중한 의견에 감사드립니다.

{organisation} 드림
담당: {handler}
""",
    ),
    (
        "en",
        False,
        "Decision letter (standard)",
        "[{reference}] The outcome of your complaint",
        """Dear {complainant_name},

We have finished looking into the complaint you made on {received_on} (reference {reference}).

Our decision: {outcome}

Why we decided this
{reasons}

What we will do
{remedies}

Telling us what you think
{how_to_answer}

If you do not agree
{recourse}

We are sorry for the trouble this caused and thank you for telling us.

{organisation}
Handled by: {handler}
""",
    ),
    (
        "ko",
        True,
        "내부 재검토 결과 통보",
        "[{reference}] 내부 재검토 결과를 알려드립니다",
        """{complainant_name}님께

결정에 동의하지 않으신 불만({reference})을 처음 담당자가 아닌 다른 직원이 다시 검토하였습니다.

■ 재검토 결정사항: {outcome}

■ 결정 사유
{reasons}

■ 조치 내용
{remedies}

■ 결정에 대한 의견
{how_to_answer}

■ 외부 분쟁조정 기관 안내
이 결정으로 내부 절차는 모두 마쳤습니다. 동의하지 않으시면 다음 기관에 도움을 요청하실 수 있습니다.
{recourse}

{organisation} 드림
담당: {handler}
""",
    ),
    (
        "en",
        True,
        "Internal review decision",
        "[{reference}] The result of the internal review",
        """Dear {complainant_name},

Someone who did not handle your complaint ({reference}) before has reviewed it again, as you asked.

The review's decision: {outcome}

Why we decided this
{reasons}

What we will do
{remedies}

Telling us what you think
{how_to_answer}

External dispute resolution
This decision ends our internal process. If you do not agree, you can ask one of these bodies for help:
{recourse}

{organisation}
Handled by: {handler}
""",
    ),
]


def add_defaults(apps, schema_editor):
    PriorityRule = apps.get_model("complaints", "PriorityRule")
    RootCause = apps.get_model("complaints", "RootCause")
    LetterTemplate = apps.get_model("complaints", "LetterTemplate")
    Complaint = apps.get_model("complaints", "Complaint")
    Organisation = apps.get_model("core", "Organisation")
    for severity in LEVELS:
        for impact in LEVELS:
            PriorityRule.objects.get_or_create(
                severity=severity, impact=impact, defaults={"priority": _priority(severity, impact)}
            )
    for position, (code, ko, en, children) in enumerate(ROOT_CAUSES):
        parent, _created = RootCause.objects.get_or_create(
            code=code, defaults={"label_ko": ko, "label_en": en, "position": position}
        )
        for child_position, (child, child_ko, child_en) in enumerate(children):
            RootCause.objects.get_or_create(
                code=child,
                defaults={
                    "parent": parent,
                    "label_ko": child_ko,
                    "label_en": child_en,
                    "position": child_position,
                },
            )
    if not LetterTemplate.objects.exists():
        for language, for_review, name, subject, body in LETTERS:
            LetterTemplate.objects.create(
                language=language, for_review=for_review, name=name, subject=subject, body=body
            )
    # Complaints received before due times existed get one from the organisation's target.
    organisation = Organisation.objects.first()
    days = organisation.response_target_days if organisation else 14
    for complaint in Complaint.objects.filter(due_at=None).only("pk", "received_at").iterator():
        Complaint.objects.filter(pk=complaint.pk).update(
            due_at=complaint.received_at + dt.timedelta(days=days)
        )


class Migration(migrations.Migration):
    dependencies = [("complaints", "0003_casework_and_response"), ("core", "0002_externaldisputebody_lookuplock_and_more")]

    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
