"""The shipped business calendars, complaint types and SLA policies (ISO 10002 4.15, 7.3).

The ISO default is in use from the start: the standard sets no numbers, so these are Sori's
starting values, which the organisation edits in the admin. Every regulator template ships unused,
with its source; an organisation switches on the ones that bind it ("use these policies" in the
admin). docs/sla.md explains every number, unit and stage mapping.

Re-running is harmless: rows that exist (matched by name or code) are left as they are, so an
organisation's edits survive. Reversing deletes, by code, what this migration ships, except rows
still referenced (a timer set by a policy, a complaint of a type): those are evidence and stay.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import migrations
from django.db.models import ProtectedError

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")


def _hours(*shifts: tuple[str, str]) -> dict[str, list[list[str]]]:
    return {day: [list(shift) for shift in shifts] for day in WEEKDAYS}


# 국가공무원 복무규정 제9조·제12조: 09:00–18:00 with the lunch hour 12:00–13:00, 8 working hours — the
# "1일 = 8시간" that 민원처리법 counts short periods in.
KOREAN_DAY = _hours(("09:00", "12:00"), ("13:00", "18:00"))


# Name → (time zone, `holidays` country, subdivision, working hours, default).
KOREA = "대한민국 (기본)"
ENGLAND = "영국 잉글랜드 (England)"
SCOTLAND = "영국 스코틀랜드 (Scotland)"
AUSTRALIA = "호주 뉴사우스웨일스 (Australia, New South Wales)"
USA = "미국 연방 공휴일 (United States, federal)"
# The EU has no common public holidays; "ECB" is the TARGET closing-day calendar of the `holidays`
# library (1 Jan, Good Friday, Easter Monday, 1 May, 25–26 Dec), the days euro payments are not
# executed anywhere in the euro area. A payment provider replaces it with its member state's.
EU = "EU TARGET 휴일 (EU, TARGET closing days)"
CALENDARS = {
    KOREA: ("Asia/Seoul", "KR", "", KOREAN_DAY, True),
    ENGLAND: ("Europe/London", "GB", "ENG", _hours(("09:00", "17:00")), False),
    SCOTLAND: ("Europe/London", "GB", "SCT", _hours(("09:00", "17:00")), False),
    AUSTRALIA: ("Australia/Sydney", "AU", "NSW", _hours(("09:00", "17:00")), False),
    USA: ("America/New_York", "US", "", _hours(("09:00", "17:00")), False),
    EU: ("Europe/Brussels", "ECB", "", _hours(("09:00", "17:00")), False),
}

# code → (Korean label, English label, position); shipped unused, switched on with their policy.
COMPLAINT_TYPES = {
    "minwon-inquiry-law": ("질의민원 (법령 해석)", "Inquiry: interpretation of law (Korea)", 10),
    "minwon-inquiry-procedure": (
        "질의민원 (제도·절차)",
        "Inquiry: system or procedure (Korea)",
        11,
    ),
    "minwon-proposal": ("건의민원", "Proposal (Korea)", 12),
    "minwon-grievance": ("고충민원", "Grievance (Korea)", 13),
    "minwon-other": ("기타민원", "Other petition (Korea)", 14),
    "payment-services": (
        "결제서비스·전자화폐 민원",
        "Payment services or e-money complaint",
        20,
    ),
    "au-superannuation": (
        "퇴직연금(superannuation) 민원 (호주)",
        "Superannuation trustee complaint (Australia)",
        30,
    ),
    "au-credit-hardship": (
        "신용: 채무불이행 통지·재정 곤란 (호주)",
        "Credit: default notice or financial hardship (Australia)",
        31,
    ),
}

# The values of sori.sla.models.UnitChoice (a migration imports no models).
BH, BD, BDI, CD = (
    "business_hours",
    "business_days",
    "business_days_inclusive",
    "calendar_days",
)


def target(
    stage: str,
    amount: int | str,
    unit: str,
    *,
    extension: bool = True,
    max_extension: int | None = None,
    holding: int | None = None,
    notify: bool = False,
) -> dict:
    return {
        "stage": stage,
        "amount": Decimal(amount),
        "unit": unit,
        "extension_allowed": extension,
        "max_extension": None if max_extension is None else Decimal(max_extension),
        "holding_notice_percent": holding,
        "notify_complainant_on_breach": notify,
    }


MINWON_LAW = "https://www.law.go.kr/법령/민원처리에관한법률"
MINWON_DECREE = "https://www.law.go.kr/법령/민원처리에관한법률시행령"
MINWON_COUNTING = (
    "「민원 처리에 관한 법률」 제19조(처리기간의 계산): '즉시'는 3근무시간 이내; 5일 이하는 "
    "접수 시각부터 시간 단위로 계산(1일 = 8근무시간, 토요일·공휴일 제외); 6일 이상은 초일을 "
    "산입하여 일 단위로 계산(토요일·공휴일 제외). 제21조(처리기간의 연장): 한 번만, 처리기간의 "
    "범위에서, 사유와 처리예정기한을 지체 없이 통지."
)
FCA_DISP = "https://www.handbook.fca.org.uk/handbook/DISP/1/6.html"
ASIC_RG271 = (
    "https://asic.gov.au/regulatory-resources/find-a-document/regulatory-guides/"
    "rg-271-internal-dispute-resolution/"
)
ASIC_SOURCE = (
    "ASIC Regulatory Guide 271 Internal dispute resolution (complaints received from "
    "5 October 2021): acknowledge within 24 hours (or one business day) of receipt, or as soon "
    "as practicable; IDR response within 30 calendar days; if it cannot be given in time, an IDR "
    "delay notification before the deadline with the reasons and the right to complain to AFCA."
)


def policies(decision_days: int) -> list[dict]:
    """Every shipped policy; ``decision_days`` is the organisation's own response target."""
    return [
        {
            "code": "iso-default",
            "name_ko": "ISO 10002 기본 기한 (조직이 정함)",
            "name_en": "ISO 10002 default (set by the organisation)",
            "source": (
                "KS Q ISO 10002:2018 (ISO 10002:2018) 4.15 적시성, 7.3 불만의 추적, 7.4 접수 통지: "
                "표준은 기한의 숫자를 정하지 않고 조직이 정한다. 아래 값은 Sori의 초기값이다. / "
                "ISO 10002:2018 4.15 (timeliness), 7.3 (tracking) and 7.4 (acknowledgement): the "
                "standard sets no numbers; the organisation defines them. These are Sori's "
                "starting values (decision: the organisation's response target in days)."
            ),
            "source_url": "https://www.iso.org/standard/71580.html",
            "active": True,
            "calendar": None,  # the organisation's default calendar
            "position": 0,
            "targets": [
                target("acknowledge", 1, BD, extension=False),
                target("assess", 2, BD),
                target("first_contact", 2, BD),
                target("decision", decision_days, CD, notify=True),
                target("close", 30, CD),
                target("internal_review", 14, CD),
                target("external_referral", 90, CD),
            ],
        },
        # 민원처리법: one policy per complaint type (시행령 제14·15·17조), and one without a type
        # for complaints not yet classified: they are 기타민원 (the residual type) until they are.
        {
            "code": "kr-minwon",
            "name_ko": "민원처리법: 기타민원 및 유형 미분류 (즉시 = 3근무시간)",
            "name_en": "Korea Civil Petitions Act: other and not yet classified (3 working hours)",
            "source": (
                MINWON_COUNTING + " 기타민원은 즉시 처리(3근무시간). 유형(질의·건의·고충)이 "
                "정해지기 전의 민원에도 이 기한이 적용되고, 유형이 정해지면 그 유형의 기한이 접수 "
                "시각부터 다시 계산된다."
            ),
            "source_url": MINWON_LAW,
            "calendar": KOREA,
            "position": 10,
            "targets": [target("decision", 3, BH)],
        },
        {
            "code": "kr-minwon-inquiry-law",
            "name_ko": "민원처리법: 질의민원 (법령 해석) 14일",
            "name_en": "Korea Civil Petitions Act: inquiry on the law, 14 days",
            "source": MINWON_COUNTING + " 시행령 제14조: 법령에 관한 질의민원 14일.",
            "source_url": MINWON_DECREE,
            "calendar": KOREA,
            "complaint_type": "minwon-inquiry-law",
            "position": 11,
            "targets": [target("decision", 14, BDI)],
        },
        {
            "code": "kr-minwon-inquiry-procedure",
            "name_ko": "민원처리법: 질의민원 (제도·절차) 7일",
            "name_en": "Korea Civil Petitions Act: inquiry on a system or procedure, 7 days",
            "source": MINWON_COUNTING + " 시행령 제14조: 제도·절차 등에 관한 질의민원 7일.",
            "source_url": MINWON_DECREE,
            "calendar": KOREA,
            "complaint_type": "minwon-inquiry-procedure",
            "position": 12,
            "targets": [target("decision", 7, BDI)],
        },
        {
            "code": "kr-minwon-proposal",
            "name_ko": "민원처리법: 건의민원 14일",
            "name_en": "Korea Civil Petitions Act: proposal, 14 days",
            "source": MINWON_COUNTING + " 시행령 제15조: 건의민원 14일.",
            "source_url": MINWON_DECREE,
            "calendar": KOREA,
            "complaint_type": "minwon-proposal",
            "position": 13,
            "targets": [target("decision", 14, BDI)],
        },
        {
            "code": "kr-minwon-grievance",
            "name_ko": "민원처리법: 고충민원 7일",
            "name_en": "Korea Civil Petitions Act: grievance, 7 days",
            "source": MINWON_COUNTING + " 시행령 제17조 제1항: 고충민원 7일.",
            "source_url": MINWON_DECREE,
            "calendar": KOREA,
            "complaint_type": "minwon-grievance",
            "position": 14,
            "targets": [target("decision", 7, BDI)],
        },
        {
            "code": "kr-minwon-other",
            "name_ko": "민원처리법: 기타민원 (즉시 = 3근무시간)",
            "name_en": "Korea Civil Petitions Act: other petition, at once (3 working hours)",
            "source": MINWON_COUNTING + " 기타민원은 즉시 처리(3근무시간).",
            "source_url": MINWON_LAW,
            "calendar": KOREA,
            "complaint_type": "minwon-other",
            "position": 15,
            "targets": [target("decision", 3, BH)],
        },
        {
            "code": "kr-financial",
            "name_ko": "금융회사 민원 처리 관행: 14영업일, 1회 연장",
            "name_en": "Korean financial firms' practice: 14 business days, one extension",
            "source": (
                "금융소비자보호 내부통제기준에 따른 각 금융회사의 민원사무편람(예: 우리은행 "
                "민원사무편람, 신협중앙회 14영업일·1회 연장): 접수 즉시 담당자와 연락처를 통지, "
                "접수일로부터 14영업일 이내 처리, 한 번 연장(통지). 법령이 정한 숫자가 아닌 업계 "
                "관행이다. 기간은 민법 제157조(초일 불산입)에 따라 접수일 다음 영업일부터 세고, "
                "'즉시'는 민원처리법 제19조 제1항의 3근무시간으로 본다."
            ),
            "source_url": "https://spot.wooribank.com/",
            "calendar": KOREA,
            "position": 20,
            "targets": [
                target("acknowledge", 3, BH, extension=False),
                target("decision", 14, BD),
            ],
        },
        {
            "code": "uk-fca-disp",
            "name_ko": "영국 FCA DISP 1.6: 8주 최종 답변",
            "name_en": "UK FCA DISP 1.6: final response within 8 weeks",
            "source": (
                "FCA Handbook DISP 1.6.1R: a prompt written acknowledgement (no number: Sori uses "
                "one business day). DISP 1.5: a complaint resolved by close of business on the "
                "third business day after receipt may be closed with a summary resolution "
                "communication (first contact here). DISP 1.6.2R: by the end of 8 weeks after "
                "receipt, a final response, or a written response explaining why there is none "
                "yet, when one is expected and the right to refer to the Financial Ombudsman "
                "Service (the holding reply, sent when the 8 weeks end). No extension."
            ),
            "source_url": FCA_DISP,
            "calendar": ENGLAND,
            "position": 30,
            "targets": [
                target("acknowledge", 1, BD, extension=False),
                target("first_contact", 3, BD, extension=False),
                target("decision", 56, CD, extension=False, holding=100),
            ],
        },
        {
            "code": "uk-fca-psd",
            "name_ko": "영국 FCA DISP 1.6.2A: 결제서비스·전자화폐 15영업일 (최대 35)",
            "name_en": "UK FCA DISP 1.6.2A: payment services and e-money, 15 business days",
            "source": (
                "FCA Handbook DISP 1.6.2AR: complaints about payment services or e-money: a final "
                "response within 15 business days of receipt; in exceptional situations, for "
                "reasons beyond the firm's control, a holding reply giving the reasons and the "
                "date of the final response, which is at most 35 business days after receipt "
                "(the one extension, up to 20 more business days). Used together with "
                "uk-fca-disp for complaints of the type payment-services."
            ),
            "source_url": FCA_DISP,
            "calendar": ENGLAND,
            "complaint_type": "payment-services",
            "position": 31,
            "targets": [target("decision", 15, BD, max_extension=20, notify=True)],
        },
        {
            "code": "eu-psd2-101",
            "name_ko": "EU PSD2 제101조: 15영업일 (최대 35)",
            "name_en": "EU PSD2 Article 101: 15 business days (35 at most)",
            "source": (
                "Directive (EU) 2015/2366 (PSD2) Article 101(2): a reply on paper or another "
                "durable medium addressing all points raised, within 15 business days of receipt; "
                "in exceptional situations a holding reply with the reasons for the delay and the "
                "deadline for the final reply, which is at most 35 business days after receipt "
                "(the one extension, up to 20 more business days). Member states may set stricter "
                "rules. Calendar: TARGET closing days, to be replaced by the member state's."
            ),
            "source_url": "https://eur-lex.europa.eu/eli/dir/2015/2366/oj",
            "calendar": EU,
            "position": 40,
            "targets": [target("decision", 15, BD, max_extension=20, notify=True)],
        },
        {
            "code": "au-asic-rg271",
            "name_ko": "호주 ASIC RG 271: 1영업일 접수 통지, 30일 답변",
            "name_en": "Australia ASIC RG 271: acknowledge in 1 business day, respond in 30 days",
            "source": ASIC_SOURCE,
            "source_url": ASIC_RG271,
            "calendar": AUSTRALIA,
            "position": 50,
            "targets": [
                target("acknowledge", 1, BD, extension=False),
                target("decision", 30, CD, notify=True),
            ],
        },
        {
            "code": "au-asic-rg271-super",
            "name_ko": "호주 ASIC RG 271: 퇴직연금 45일",
            "name_en": "Australia ASIC RG 271: superannuation trustees, 45 days",
            "source": ASIC_SOURCE + " Superannuation trustee complaints: 45 calendar days.",
            "source_url": ASIC_RG271,
            "calendar": AUSTRALIA,
            "complaint_type": "au-superannuation",
            "position": 51,
            "targets": [target("decision", 45, CD, notify=True)],
        },
        {
            "code": "au-asic-rg271-hardship",
            "name_ko": "호주 ASIC RG 271: 채무불이행 통지·재정 곤란 21일",
            "name_en": "Australia ASIC RG 271: default notices and hardship, 21 days",
            "source": ASIC_SOURCE
            + " Credit complaints about a default notice, or about hardship or a postponement of "
            "enforcement: 21 calendar days.",
            "source_url": ASIC_RG271,
            "calendar": AUSTRALIA,
            "complaint_type": "au-credit-hardship",
            "position": 52,
            "targets": [target("decision", 21, CD, notify=True)],
        },
        {
            "code": "us-cfpb",
            "name_ko": "미국 CFPB 민원 포털: 15일 응답, 60일 최종 답변",
            "name_en": "US CFPB complaint portal: respond in 15 days, final response in 60",
            "source": (
                "CFPB Company Portal Manual: the company responds within 15 calendar days of the "
                "complaint being sent to it (first contact here); a complaint marked 'In progress' "
                "gets its final response within 60 calendar days. Portal times do not replace "
                "statutory deadlines (for example Regulation E)."
            ),
            "source_url": "https://www.consumerfinance.gov/complaint/",
            "calendar": USA,
            "position": 60,
            "targets": [
                target("first_contact", 15, CD, extension=False),
                target("decision", 60, CD, extension=False),
            ],
        },
        {
            "code": "uk-hos",
            "name_ko": "영국 Housing Ombudsman 민원처리 규약: 1단계 10근무일, 2단계 20근무일",
            "name_en": "UK Housing Ombudsman Complaint Handling Code: stage 1 10, stage 2 20 days",
            "source": (
                "Housing Ombudsman Complaint Handling Code (statutory from 1 April 2024), "
                "sections 5 and 6: stage 1 acknowledged, defined and logged within 5 working days "
                "(acknowledgement and initial assessment here) and answered within 10 working days "
                "of the acknowledgement (decision; Sori acknowledges at receipt); stage 2 answered "
                "within 20 working days (internal review, counted from the escalation). An "
                "extension with reasons and a new date: at most 10 (stage 1) or 20 (stage 2) more "
                "working days without good reason."
            ),
            "source_url": (
                "https://www.housing-ombudsman.org.uk/landlords-info/complaint-handling-code/"
            ),
            "calendar": ENGLAND,
            "position": 70,
            "targets": [
                target("acknowledge", 5, BD, extension=False),
                target("assess", 5, BD, extension=False),
                target("decision", 10, BD),
                target("internal_review", 20, BD),
            ],
        },
        {
            "code": "uk-spso",
            "name_ko": "스코틀랜드 SPSO 표준 민원처리절차: 1단계 5근무일, 2단계 20근무일",
            "name_en": "Scotland SPSO Model Complaints Handling Procedure: 5 and 20 working days",
            "source": (
                "SPSO Model Complaints Handling Procedure: stage 1 (frontline response) within 5 "
                "working days (decision); stage 2 (investigation) acknowledged within 3 working "
                "days (acknowledgement here: Sori acknowledges every complaint at receipt, "
                "including one taken straight to stage 2) and decided within 20 working days "
                "(internal review, counted from the escalation). Extensions only with a clear "
                "reason and the complainant told; the final response signposts to the SPSO."
            ),
            "source_url": "https://www.spso.org.uk/the-model-complaints-handling-procedures",
            "calendar": SCOTLAND,
            "position": 80,
            "targets": [
                target("acknowledge", 3, BD, extension=False),
                target("decision", 5, BD),
                target("internal_review", 20, BD),
            ],
        },
    ]


POLICY_CODES = [policy["code"] for policy in policies(14)]


def forwards(apps, schema_editor):
    BusinessCalendar = apps.get_model("sla", "BusinessCalendar")
    SlaPolicy = apps.get_model("sla", "SlaPolicy")
    SlaTarget = apps.get_model("sla", "SlaTarget")
    ComplaintType = apps.get_model("complaints", "ComplaintType")
    Organisation = apps.get_model("core", "Organisation")

    has_default = BusinessCalendar.objects.filter(is_default=True).exists()
    calendars = {}
    for name, (zone, country, subdivision, hours, default) in CALENDARS.items():
        calendars[name], _created = BusinessCalendar.objects.get_or_create(
            name=name,
            defaults={
                "time_zone": zone,
                "country": country,
                "subdivision": subdivision,
                "hours": hours,
                # Korea is the default unless the organisation already chose one.
                "is_default": default and not has_default,
            },
        )
    types = {}
    for code, (label_ko, label_en, position) in COMPLAINT_TYPES.items():
        types[code], _created = ComplaintType.objects.get_or_create(
            code=code,
            defaults={
                "label_ko": label_ko,
                "label_en": label_en,
                "position": position,
                # Offered to handlers only once a policy that uses it is in use.
                "active": False,
            },
        )
    organisation = Organisation.objects.order_by("pk").first()
    decision_days = organisation.response_target_days if organisation else 14
    for spec in policies(decision_days):
        spec = dict(spec)
        targets = spec.pop("targets")
        calendar = spec.pop("calendar")
        complaint_type = spec.pop("complaint_type", None)
        policy, _created = SlaPolicy.objects.get_or_create(
            code=spec.pop("code"),
            defaults={
                **spec,
                "calendar": calendars[calendar] if calendar else None,
                "complaint_type": types[complaint_type] if complaint_type else None,
            },
        )
        for row in targets:
            row = dict(row)
            SlaTarget.objects.get_or_create(policy=policy, stage=row.pop("stage"), defaults=row)


def backwards(apps, schema_editor):
    BusinessCalendar = apps.get_model("sla", "BusinessCalendar")
    SlaPolicy = apps.get_model("sla", "SlaPolicy")
    ComplaintType = apps.get_model("complaints", "ComplaintType")
    # One by one: a row something still refers to (PROTECT) is evidence and is kept.
    for rows in (
        SlaPolicy.objects.filter(code__in=POLICY_CODES),
        ComplaintType.objects.filter(code__in=list(COMPLAINT_TYPES)),
        BusinessCalendar.objects.filter(name__in=list(CALENDARS)),
    ):
        for row in rows:
            try:
                row.delete()
            except ProtectedError:
                continue


class Migration(migrations.Migration):
    dependencies = [
        ("sla", "0001_initial"),
        ("complaints", "0007_complaint_type"),
        ("core", "0002_externaldisputebody_lookuplock_and_more"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
