"""The clauses of ISO 10002 from 4.1 to 8.7, numbered as KS Q ISO 10002 numbers them, with the
ISO 10002:2018 number beside (pure: no Django, no models).

The KS numbering Korean auditors work from follows the earlier structure (ten guiding principles,
5.1 commitment, 5.2 policy, 5.3 responsibility and authority); ISO 10002:2018 added five
principles and "context of the organization", which moved clauses 4 and 5 on. Clauses 6 to 8
have the same numbers in both. Each row carries both numbers, so the audit checklist and the
conformance map show a clause as the auditor names it and as the 2018 text numbers it; the 2018
number is the key (every clause has one), the KS number is empty for a clause only 2018 has.
Titles are our own short names, not the standard's text (see docs/governance.md).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Clause:
    key: str  # the ISO 10002:2018 number
    ks: str  # the KS Q ISO 10002 number, or "" when only the 2018 edition has the clause
    title_en: str
    title_ko: str

    @property
    def part(self) -> str:
        return self.key.split(".", 1)[0]

    def title(self, language: str) -> str:
        return self.title_en if language == "en" else self.title_ko

    @property
    def label(self) -> str:
        """How the clause is written next to its title: ``5.2 (2018: 5.3)``."""
        if not self.ks:
            return f"— (2018: {self.key})"
        if self.ks == self.key:
            return self.ks
        return f"{self.ks} (2018: {self.key})"


CLAUSES: tuple[Clause, ...] = (
    Clause("4.1", "4.1", "Guiding principles: general", "기본 원칙: 일반사항"),
    Clause("4.2", "", "Commitment", "의지표명"),
    Clause("4.3", "", "Capability", "능력"),
    Clause("4.4", "4.2", "Transparency (visibility)", "투명성(가시성)"),
    Clause("4.5", "4.3", "Accessibility", "접근성"),
    Clause("4.6", "4.4", "Responsiveness", "대응성"),
    Clause("4.7", "4.5", "Objectivity", "객관성"),
    Clause("4.8", "4.6", "Charges", "비용"),
    Clause("4.9", "", "Information integrity", "정보의 무결성"),
    Clause("4.10", "4.7", "Confidentiality", "기밀유지"),
    Clause("4.11", "4.8", "Customer-focused approach", "고객중심 접근"),
    Clause("4.12", "4.9", "Accountability", "책임성"),
    Clause("4.13", "4.10", "Continual improvement", "지속적 개선"),
    Clause("4.14", "", "Competence", "적격성"),
    Clause("4.15", "", "Timeliness", "적시성"),
    Clause("5.1", "", "Context of the organization", "조직 상황"),
    Clause("5.2", "5.1", "Leadership and commitment", "리더십과 의지표명"),
    Clause("5.3", "5.2", "Policy", "방침"),
    Clause("5.4", "5.3", "Responsibility and authority", "책임과 권한"),
    Clause("6.1", "6.1", "Planning: general", "기획: 일반사항"),
    Clause("6.2", "6.2", "Objectives", "목표"),
    Clause("6.3", "6.3", "Activities", "활동"),
    Clause("6.4", "6.4", "Resources", "자원"),
    Clause("7.1", "7.1", "Communication", "의사소통"),
    Clause("7.2", "7.2", "Receipt of complaint", "불만접수"),
    Clause("7.3", "7.3", "Tracking of complaint", "불만추적"),
    Clause("7.4", "7.4", "Acknowledgement of complaint", "불만접수 통지"),
    Clause("7.5", "7.5", "Initial assessment of complaint", "불만의 초기평가"),
    Clause("7.6", "7.6", "Investigation of complaints", "불만조사"),
    Clause("7.7", "7.7", "Response to complaint", "불만에 대한 대응"),
    Clause("7.8", "7.8", "Communicating the decision", "결정사항 통보"),
    Clause("7.9", "7.9", "Closing the complaint", "불만 종결"),
    Clause("8.1", "8.1", "Collection of information", "정보 수집"),
    Clause("8.2", "8.2", "Analysis and evaluation of complaints", "불만의 분석 및 평가"),
    Clause("8.3", "8.3", "Satisfaction with the process", "불만처리 프로세스 만족도"),
    Clause("8.4", "8.4", "Monitoring of the process", "불만처리 프로세스 모니터링"),
    Clause("8.5", "8.5", "Auditing of the process", "불만처리 프로세스 심사"),
    Clause("8.6", "8.6", "Management review", "경영검토"),
    Clause("8.7", "8.7", "Continual improvement", "지속적 개선"),
)

BY_KEY: dict[str, Clause] = {clause.key: clause for clause in CLAUSES}
BY_KS: dict[str, Clause] = {clause.ks: clause for clause in CLAUSES if clause.ks}


def by_ks(number: str) -> Clause:
    """The clause KS Q ISO 10002 numbers ``number`` (KeyError when there is none)."""
    return BY_KS[number]
