"""What the demo organisation's governance records say (Korean first; all fictional).

Used by ``sori.demo.governance``: appointments, courses and training records, improvement
actions, the internal audit's checklist notes and findings, the management review's minutes
and decisions. Course names carry both languages because the training pages show either.
"""

from __future__ import annotations

from dataclasses import dataclass

from sori.governance.models import (
    ActionKind,
    ActionSource,
    ActionStatus,
    ChecklistResult,
    DecisionKind,
    Duty,
)

# ISO 10002 5.4 (KS 5.3): (username, duty, note).
APPOINTMENTS: tuple[tuple[str, str, str], ...] = (
    ("manager", Duty.REPRESENTATIVE,
     "고객불만관리 책임자로 임명. 불만처리 프로세스의 운영, 성과 보고와 개선을 총괄합니다."),
    ("handler", Duty.DEPUTY,
     "책임자 부재 시 대행. 고객지원팀 선임 담당자로서 일상 업무의 배분과 지연 건 점검을 맡습니다."),
)  # fmt: skip

BASICS_COURSE = "complaints-basics"
PRIVACY_COURSE = "personal-data"
# (code, Korean name, English name, valid for months)
COURSES: tuple[tuple[str, str, str, int], ...] = (
    (BASICS_COURSE, "불만처리 기본 교육", "Complaints-handling basics", 24),
    (PRIVACY_COURSE, "개인정보 보호", "Personal data protection", 12),
)
# Complaints about personal data need the privacy course; a handler without it is warned.
REQUIRED_CATEGORY = "privacy"

# (username, course, hours, completed this many days before the demo's set-up, note)
TRAINING: tuple[tuple[str, str, str, int, str], ...] = (
    ("manager", BASICS_COURSE, "8", 410, "KS Q ISO 10002 내부 교육과정 수료."),
    ("manager", PRIVACY_COURSE, "4", 150, ""),
    ("handler", BASICS_COURSE, "8", 300, "신입 직무교육 과정."),
    ("handler", PRIVACY_COURSE, "4", 150, ""),
    ("handler2", BASICS_COURSE, "8", 95, "배송품질팀 전입 후 수료."),
    ("investigator", BASICS_COURSE, "8", 220, ""),
    ("investigator", PRIVACY_COURSE, "4", 150, ""),
    ("approver", BASICS_COURSE, "8", 220, ""),
)
LATE_NOTE = "보충 교육(온라인)으로 수료."


@dataclass(frozen=True)
class ActionText:
    key: str
    title: str
    description: str
    cause: str
    categories: tuple[str, ...]
    owner: str
    target: str
    # Opened this many days after the demo's set-up day, or this many days before today.
    open_after: int | None = None
    open_before: int | None = None
    due_in: int = 30
    implement_in: int = 7
    implementation: str = ""
    effectiveness: str = ""
    source: str = ActionSource.SIMILAR_COMPLAINTS
    kind: str = ActionKind.CORRECTIVE


ACTIONS: tuple[ActionText, ...] = (
    ActionText(
        key="demo:delivery-delay-notice",
        title="배송 지연 시 고객 사전 안내",
        description=(
            "택배사 집하가 24시간 이상 늦어지면 고객에게 지연 사유와 예상 도착일을 문자로 "
            "자동 안내합니다. 배송품질팀이 택배사 집하 현황을 매일 오전 점검합니다."
        ),
        cause="택배사 집하 지연을 고객에게 알리는 절차가 없어, 고객이 문의하고 나서야 지연을 알게 됨.",
        categories=("delivery-delay",),
        owner="handler2",
        target=ActionStatus.EFFECTIVE,
        open_after=8,
        due_in=21,
        implement_in=7,
        implementation="집하 지연 24시간 초과 건 자동 안내 문자 적용, 택배사 일일 점검표 도입.",
        effectiveness=(
            "적용 후 3개월간 배송 지연 관련 불만이 적용 전 같은 기간보다 크게 줄었고, "
            "'안내를 받지 못했다'는 불만은 재발하지 않음. 효과 있음."
        ),
    ),
    ActionText(
        key="demo:double-charge-refund",
        title="이중 결제 자동 취소 절차 마련",
        description=(
            "결제 대행사 승인 로그와 주문 내역을 매일 대조해 같은 주문의 중복 승인을 찾아 "
            "고객 요청 없이 취소하고, 취소 사실을 고객에게 알립니다."
        ),
        cause="결제 대행사 응답 지연 시 재시도로 중복 승인이 발생하지만, 이를 찾는 점검이 없었음.",
        categories=("billing-double-charge", "billing-refund"),
        owner="investigator",
        target=ActionStatus.IMPLEMENTED,
        open_after=40,
        due_in=60,
        implement_in=30,
        implementation="일일 중복 승인 대조 작업과 자동 취소·안내 절차 적용(결제팀 협조).",
    ),
    ActionText(
        key="demo:call-centre-callback",
        title="콜센터 대기 고객 콜백 예약",
        description=(
            "대기 시간이 5분을 넘으면 고객이 콜백을 예약할 수 있게 하고, 예약 건은 당일 "
            "처리합니다. 피크 시간대 상담 인력 배치를 다시 짭니다."
        ),
        cause="월요일 오전과 점심 시간대에 상담 인력이 부족해 대기 시간이 길어짐.",
        categories=("service-call-centre", "customer-service"),
        owner="handler",
        target=ActionStatus.IN_PROGRESS,
        open_before=25,
        due_in=40,
        kind=ActionKind.IMPROVEMENT,
    ),
)

AUDITOR = "approver"  # 금융서비스팀: independent of the cases the draw leaves in the sample
PROGRAMME_TITLE = "%(year)d년 불만처리 프로세스 내부심사 프로그램"
PROGRAMME_TEXT = (
    "분기마다 불만처리 프로세스를 KS Q ISO 10002 조항별로 심사하고, 표본 사건 기록을 검토합니다."
)
AUDIT_TITLE = "%(year)d년 %(quarter)d분기 불만처리 내부심사"
AUDIT_SCOPE = "분기 중 접수된 모든 채널의 불만. 접수부터 종결까지의 기록과 조항별 운영 증거."
CHECKLIST_DEFAULT = "기록과 화면으로 운영 증거를 확인함. 적합."
# Clause key (2018) → (result, note); the other clauses conform with the default note.
CHECKLIST: dict[str, tuple[str, str]] = {
    "5.1": (ChecklistResult.CONFORMS,
            "조직 상황과 법적 요구사항 목록은 별도 문서(경영기획팀)로 관리됨을 확인."),
    "5.3": (ChecklistResult.CONFORMS, "방침 게시 확인. 직원 대부분이 현행 방침을 확인함."),
    "5.4": (ChecklistResult.CONFORMS, "책임자와 대행자 임명 기록, 승인 권한 한도 확인."),
    "6.4": (ChecklistResult.CONFORMS, "담당자 교육 기록과 개인정보 범주의 교육 요구사항 확인."),
    "7.6": (ChecklistResult.NONCONFORMITY, "표본 1건에서 조사 근거 기록 누락(발견사항 참조)."),
    "8.2": (ChecklistResult.OBSERVATION, "분석 결과의 경영진 보고 경로가 불분명(발견사항 참조)."),
    "8.6": (ChecklistResult.NOT_APPLICABLE, "첫 경영검토는 이번 분기 종료 후 예정."),
}  # fmt: skip
SAMPLE_NOTES: tuple[str, ...] = (
    "접수부터 종결까지 기록이 이어짐. 기한 내 결정 통보, 결정 이유와 이의 제기 방법 안내 확인.",
    "초기 평가와 우선순위가 적절함. 고객과의 연락 기록이 빠짐없이 남아 있음.",
    "조사 내용과 근거가 충실함. 결정에 대한 고객 답변 기록 확인.",
)
SAMPLE_NONCONFORMING = (
    "결정과 통보는 기한 내 이루어졌으나, 조사 단계에서 확인한 증빙(통화 기록, 주문 내역)이 "
    "사건 기록에 남아 있지 않음."
)
NONCONFORMITY_CLAUSE = "7.6"
NONCONFORMITY = (
    "조사 결과의 근거가 된 증빙 자료가 사건 기록에 첨부되지 않음. 결정의 근거를 사후에 "
    "확인할 수 없음."
)
NONCONFORMITY_FIX = (
    "조사 체크리스트에 '증빙 첨부' 항목을 추가하고, 담당자 전원에게 기록 방식을 안내함."
)
NONCONFORMITY_CAUSE = "조사 체크리스트에 '증빙 첨부' 항목이 없고, 담당자마다 기록 방식이 다름."
OBSERVATION_CLAUSE = "8.2"
OBSERVATION = (
    "월별 불만 분석 결과가 팀 회의에서만 공유되고, 경영진 보고로 이어지는 경로가 정해져 있지 않음."
)
CONCLUSION = (
    "불만처리 프로세스는 대체로 방침과 절차에 따라 운영되고 있음. 조사 근거 기록에 대한 "
    "부적합 1건(시정조치 진행), 분석 결과 보고에 대한 관찰사항 1건. 다음 분기 심사에서 "
    "시정조치의 효과를 확인함."
)

ATTENDEES = "대표이사(의장), 고객불만관리 책임자, 고객지원팀장, 금융서비스팀장, 배송품질팀장"
REVIEW_CHANGES = (
    "전자상거래법 개정으로 청약철회 안내 의무가 강화됨. 정기결제 해지 절차를 점검해야 함."
)
REVIEW_RECOMMENDATIONS = (
    "월별 불만 분석 결과를 경영회의 정례 안건으로 올릴 것. 콜센터 피크 시간대 인력 보강 검토."
)
MINUTES = (
    "%(year)d년 %(quarter)d분기 경영검토.\n"
    "1. 불만 처리 성과: 핵심 성과지표와 목표 달성 현황, 고객 만족도 조사 결과를 검토함.\n"
    "2. 내부심사 결과: 부적합 1건(조사 근거 기록), 관찰사항 1건. 시정조치가 진행 중임.\n"
    "3. 개선조치: 진행 현황과 효과성 확인 일정을 검토함(개선조치 목록 참조).\n"
    "4. 결론: 불만처리 방침과 목표는 여전히 적절함. 아래 두 가지를 결정함."
)
# (kind, text, owner, due this many days after the meeting, open an improvement action)
DECISIONS: tuple[tuple[str, str, str, int, bool], ...] = (
    (DecisionKind.RESOURCES,
     "콜센터 상담 인력 1명을 다음 분기 안에 충원한다.", "manager", 60, False),
    (DecisionKind.IMPROVEMENT,
     "월별 불만 분석 보고를 경영회의 정례 안건으로 정하고 보고 양식을 마련한다.",
     "manager", 30, True),
)  # fmt: skip
