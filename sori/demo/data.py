"""What the demo organisation is made of: its name, teams, category tree, staff and complaint texts.

Everything here is fictional: people, addresses, e-mail addresses (example.kr / example.com) and
telephone numbers (010-0000-xxxx). Descriptions may contain ``{product}``, ``{order}`` and
``{date}``, filled in by the builder so that the same story reads a little differently each time.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

ORGANISATION_KO = "소리 데모 주식회사"
ORGANISATION_EN = "Sori Demo Co."
TIME_ZONE = "Asia/Seoul"

# (code, Korean name, English name)
UNITS: tuple[tuple[str, str, str], ...] = (
    ("customer-support", "고객지원팀", "Customer Support"),
    ("delivery-quality", "배송품질팀", "Delivery Quality"),
    ("financial-services", "금융서비스팀", "Financial Services"),
)


@dataclass(frozen=True)
class StaffMember:
    username: str
    role: str
    password: str
    unit: str | None
    authority_limit: Decimal | None
    email: str


# One account for every role (ISO 10002 5.4); the passwords are public, this is a demo.
STAFF: tuple[StaffMember, ...] = (
    StaffMember(
        "handler", "handler", "sori-demo-handler", "customer-support", Decimal("100000"),
        "handler@demo.example.kr",
    ),
    StaffMember(
        "handler2", "handler", "sori-demo-handler2", "delivery-quality", Decimal("100000"),
        "handler2@demo.example.kr",
    ),
    StaffMember(
        "investigator", "investigator", "sori-demo-investigator", "financial-services", None,
        "investigator@demo.example.kr",
    ),
    StaffMember(
        "approver", "approver", "sori-demo-approver", "financial-services", Decimal("5000000"),
        "approver@demo.example.kr",
    ),
    StaffMember(
        "manager", "complaints_manager", "sori-demo-manager", "customer-support",
        Decimal("1000000"), "manager@demo.example.kr",
    ),
    StaffMember("ceo", "top_management", "sori-demo-ceo", None, None, "ceo@demo.example.kr"),
    StaffMember("auditor", "auditor", "sori-demo-auditor", None, None, "auditor@demo.example.kr"),
    StaffMember("admin", "administrator", "sori-demo-admin", None, None, "admin@demo.example.kr"),
)  # fmt: skip


@dataclass(frozen=True)
class CategoryNode:
    code: str
    ko: str
    en: str
    children: tuple[CategoryNode, ...] = ()


def _c(code: str, ko: str, en: str, *children: CategoryNode) -> CategoryNode:
    return CategoryNode(code, ko, en, children)


# What a company selling online, delivering, billing and offering a card and loans hears about.
CATEGORY_TREE: tuple[CategoryNode, ...] = (
    _c("product-quality", "제품 품질", "Product quality",
       _c("product-defect", "제품 불량", "Defective product",
          _c("product-defect-electronics", "전자제품 불량", "Faulty electronics"),
          _c("product-defect-food", "식품 이물·변질", "Food: foreign matter or spoilage")),
       _c("product-description", "상품 정보 불일치", "Not as described")),
    _c("delivery", "배송", "Delivery",
       _c("delivery-delay", "배송 지연", "Late delivery"),
       _c("delivery-damage", "파손·분실", "Damaged or lost",
          _c("delivery-damage-broken", "배송 중 파손", "Damaged in transit"),
          _c("delivery-damage-lost", "분실·오배송", "Lost or misdelivered")),
       _c("delivery-courier", "배송기사 응대", "Courier conduct")),
    _c("billing", "요금·결제", "Billing and payment",
       _c("billing-double-charge", "이중 결제", "Charged twice"),
       _c("billing-refund", "환불", "Refunds"),
       _c("billing-subscription", "정기결제·해지", "Subscriptions and cancellation")),
    _c("customer-service", "고객 응대", "Customer service",
       _c("service-call-centre", "콜센터 응대", "Call centre"),
       _c("service-digital", "앱·웹사이트", "App and website",
          _c("service-app-login", "로그인·인증 오류", "Login and verification"))),
    _c("privacy", "개인정보", "Personal data",
       _c("privacy-marketing", "광고성 연락", "Unwanted marketing"),
       _c("privacy-disclosure", "개인정보 노출", "Personal data disclosed")),
    _c("financial", "금융상품", "Financial products",
       _c("financial-card", "카드", "Card",
          _c("financial-card-fees", "카드 수수료·연회비", "Card fees")),
       _c("financial-loan", "대출", "Loans",
          _c("financial-loan-interest", "대출 이자·수수료", "Loan interest and fees")),
       _c("financial-mis-selling", "불완전판매", "Mis-selling")),
    # ISO 10002 R-3.1b: a complaint about how a complaint was handled is a complaint too.
    _c("complaints-handling", "불만처리 절차에 대한 불만", "Complaint about complaints handling"),
)  # fmt: skip


@dataclass(frozen=True)
class Story:
    """One complaint as a customer would write it, and what the company finds when it looks."""

    language: str
    category: str
    subject: str
    description: str
    remedy: str
    products: tuple[str, ...] = ()
    place: str = ""
    # What the company offers when it upholds the complaint, and how much (KRW).
    response: str = "apology"
    amount: int = 0
    safety: bool = False
    finding: str = ""
    on_behalf: bool = False


def _ko(category: str, subject: str, description: str, remedy: str, **kw: Any) -> Story:
    return Story("ko", category, subject, description, remedy, **kw)


def _en(category: str, subject: str, description: str, remedy: str, **kw: Any) -> Story:
    return Story("en", category, subject, description, remedy, **kw)


KO_STORIES: tuple[Story, ...] = (
    _ko("delivery-delay", "주문한 상품이 일주일째 오지 않습니다",
        "{date}에 주문한 {product}이(가) 이틀 안에 도착한다고 안내받았는데 일주일이 지나도록 오지 않습니다. "
        "배송 조회에는 '집하 완료'에서 더 이상 바뀌지 않고, 고객센터에서는 기다려 달라는 말만 합니다.",
        "정확한 도착일을 알려 주시고, 늦어진 만큼 배송비를 돌려주세요.",
        products=("무선 청소기", "에어프라이어", "전기 그릴"), response="refund", amount=3000,
        finding="물류센터 출고 기록을 확인한 결과 재고 이동 착오로 출고가 5일 지연되었습니다."),
    _ko("delivery-delay", "명절 선물 세트가 명절이 지나서 도착했습니다",
        "부모님께 보내 드린 {product}이(가) 명절 전날까지 도착한다고 해서 주문했는데 명절이 끝나고 사흘 뒤에 "
        "도착했습니다. 선물로 보낸 것이라 의미가 없어졌습니다.",
        "상품 금액 전액을 환불해 주세요.",
        products=("한우 선물 세트", "과일 선물 세트", "홍삼 선물 세트"), response="refund", amount=89000,
        finding="택배사 간선 차량 증차가 늦어져 해당 지역 배송이 최대 4일 지연된 것이 확인되었습니다."),
    _ko("delivery-damage-broken", "유리 제품이 깨진 채로 배송되었습니다",
        "{product}을(를) 받았는데 상자를 열어 보니 여섯 개 중 두 개가 깨져 있었습니다. "
        "완충재가 거의 없었고 상자 한쪽이 찌그러져 있었습니다. 사진을 찍어 두었습니다.",
        "깨진 제품을 새것으로 교환해 주세요.",
        products=("유리컵 6종 세트", "와인잔 세트", "유리 밀폐용기 세트"), response="replacement", amount=0,
        finding="입고 검수 사진과 고객님 사진을 비교한 결과 배송 중 파손으로 판단되었습니다."),
    _ko("delivery-damage-broken", "모니터 화면이 깨져서 왔습니다",
        "주문번호 {order} 27인치 모니터를 받았는데 전원을 켜니 화면 왼쪽 아래에 금이 가 있습니다. "
        "상자 모서리가 눌려 있었습니다. 재택근무 때문에 급하게 산 것이라 매우 곤란합니다.",
        "빠르게 새 제품으로 교환해 주시고, 기다리는 동안 쓸 수 있는 방법을 알려 주세요.",
        products=("27인치 모니터",), response="replacement", amount=0,
        finding="택배사 상하차 과정의 충격으로 파손된 것으로 확인되어 택배사에 구상을 청구했습니다."),
    _ko("delivery-damage-lost", "배송 완료라는데 물건이 없습니다",
        "{date} 오후에 '문 앞 배송 완료' 문자를 받았는데 집 앞에 아무것도 없었습니다. "
        "첨부된 사진도 저희 집 현관이 아닙니다. 경비실에도 없습니다.",
        "물건을 찾아 주시거나 다시 보내 주세요.",
        products=("운동화", "전기 주전자", "블루투스 스피커"), response="replacement", amount=0,
        finding="배송 완료 사진의 위치가 옆 동으로 확인되어 오배송으로 판단되었습니다."),
    _ko("delivery-courier", "배송기사님이 상자를 던지고 갔습니다",
        "현관 CCTV를 보니 배송기사님이 {product} 상자를 계단 아래에서 문 앞으로 던지고 가셨습니다. "
        "안에 든 제품이 걱정되고, 이런 일이 처음이 아닙니다.",
        "해당 기사님께 주의를 주시고, 제품에 문제가 있으면 교환해 주세요.",
        products=("전자레인지", "커피머신"), response="apology", amount=0,
        finding="택배사를 통해 해당 배송원의 부적절한 취급이 확인되어 재교육을 요청했습니다."),
    _ko("delivery-courier", "경비실에 맡기지 말라고 했는데 맡겼습니다",
        "배송 요청사항에 '경비실 보관 금지, 문 앞에 놓아 주세요'라고 적었는데 또 경비실에 맡기셨습니다. "
        "냉장 식품이라 밤늦게 찾으러 갔을 때는 이미 녹아 있었습니다.",
        "녹은 식품 값을 보상해 주시고 요청사항을 지켜 주세요.",
        response="refund", amount=32000,
        finding="배송 요청사항이 택배사 단말기에 전달되지 않은 시스템 연동 오류가 확인되었습니다."),
    _ko("product-defect-electronics", "무선 이어폰 한쪽이 소리가 나지 않습니다",
        "{date}에 산 {product}의 오른쪽에서 소리가 나지 않습니다. 초기화도 해 보고 안내대로 다 해 봤습니다. "
        "산 지 2주밖에 안 되었습니다.",
        "불량이니 새 제품으로 교환해 주세요.",
        products=("무선 이어폰", "노이즈캔슬링 이어폰"), response="replacement", amount=0,
        finding="회수한 제품 검사에서 오른쪽 유닛의 배터리 접점 불량이 확인되었습니다."),
    _ko("product-defect-electronics", "전기포트에서 타는 냄새가 납니다",
        "{product}을(를) 쓸 때마다 바닥 쪽에서 플라스틱 타는 냄새가 나고, 어제는 전원부에 그을음이 보였습니다. "
        "아이가 있는 집이라 너무 무섭습니다.",
        "환불해 주시고, 같은 제품을 산 다른 사람들에게도 알려 주세요.",
        products=("전기포트", "전기 주전자"), response="refund", amount=45000, safety=True,
        finding="동일 제조 로트에서 전원부 단자 불량이 확인되어 해당 로트 판매를 중지하고 회수를 시작했습니다."),
    _ko("product-defect-food", "즉석밥에서 플라스틱 조각이 나왔습니다",
        "{product}을(를) 데워 먹다가 딱딱한 것이 씹혀서 보니 투명한 플라스틱 조각이었습니다. "
        "다행히 삼키지는 않았지만 아이도 같은 제품을 먹습니다. 조각과 포장지를 보관하고 있습니다.",
        "원인을 조사해서 알려 주시고, 남은 제품은 환불해 주세요.",
        products=("즉석밥 12개입", "즉석밥 24개입"), response="refund", amount=18900, safety=True,
        finding="제조사 조사 결과 포장 설비 부품 일부가 파손되어 혼입된 것으로 확인되었습니다."),
    _ko("product-defect-food", "유통기한이 지난 우유가 배송되었습니다",
        "새벽배송으로 받은 {product}의 유통기한이 어제 날짜였습니다. 모르고 아이에게 먹일 뻔했습니다.",
        "환불과 함께 재발 방지 대책을 알려 주세요.",
        products=("우유 1L 2팩", "요구르트 묶음"), response="refund", amount=6400, safety=True,
        finding="물류센터 선입선출 점검 누락으로 유통기한 임박 상품이 출고된 것이 확인되었습니다."),
    _ko("product-description", "상품 설명과 사이즈가 다릅니다",
        "상세 페이지에는 {product} 총장이 70cm로 나와 있었는데 실제로 재 보니 64cm입니다. "
        "설명을 보고 샀는데 입을 수가 없습니다.",
        "왕복 배송비 없이 반품할 수 있게 해 주세요.",
        products=("겨울 패딩", "니트 원피스", "셔츠"), response="refund", amount=6000,
        finding="판매자가 다른 모델의 치수표를 잘못 올린 것이 확인되어 상세 페이지를 수정했습니다."),
    _ko("product-description", "사진과 색상이 전혀 다릅니다",
        "사진에서는 연한 베이지였던 {product}이(가) 실제로는 누런 갈색입니다. 조명 차이라고 보기에는 너무 다릅니다.",
        "반품 배송비를 부담하지 않게 해 주세요.",
        products=("소파 커버", "암막 커튼", "러그"), response="refund", amount=5000,
        finding="상품 사진이 과도하게 보정된 것으로 확인되어 판매자에게 사진 교체를 요청했습니다."),
    _ko("billing-double-charge", "같은 주문이 두 번 결제되었습니다",
        "{date}에 주문번호 {order}를 결제했는데 카드 명세서에 같은 금액이 두 번 찍혀 있습니다. "
        "주문 내역에는 한 건만 보입니다.",
        "중복 결제된 금액을 바로 취소해 주세요.",
        response="refund", amount=57800,
        finding="결제 승인 응답 지연으로 결제가 재시도되어 이중 승인된 것이 확인되었습니다."),
    _ko("billing-double-charge", "간편결제 오류로 두 번 빠져나갔습니다",
        "간편결제 화면이 멈춰서 다시 눌렀더니 계좌에서 두 번 출금되었습니다. 한 달이 다 되어 가는데 "
        "한 건이 아직 돌아오지 않았습니다.",
        "중복 출금액을 돌려주시고 지연된 기간에 대한 보상을 해 주세요.",
        response="refund", amount=124000,
        finding="간편결제사와의 정산 대사 과정에서 취소 요청이 누락된 것이 확인되었습니다."),
    _ko("billing-refund", "반품했는데 2주째 환불이 안 됩니다",
        "{product}을(를) 반품했고 {date}에 회수되었다는 문자도 받았는데 2주가 지나도록 환불이 되지 않았습니다. "
        "문의하면 '처리 중'이라는 답만 옵니다.",
        "환불 날짜를 확정해 주시고 바로 처리해 주세요.",
        products=("로봇청소기", "공기청정기", "전기밥솥"), response="refund", amount=289000,
        finding="반품 검수 완료 후 환불 요청이 판매자 승인 대기 상태로 멈춰 있던 것이 확인되었습니다."),
    _ko("billing-refund", "부분 환불 금액이 잘못 계산되었습니다",
        "세 개 중 하나만 반품했는데 쿠폰 할인액 전체가 차감되어 환불액이 너무 적습니다. "
        "계산 근거를 알려 달라고 해도 답이 없습니다.",
        "정확한 환불액과 계산 내역을 알려 주세요.",
        response="correction", amount=8700,
        finding="부분 반품 시 쿠폰 할인을 비례 배분하지 않은 계산 오류가 확인되었습니다."),
    _ko("billing-subscription", "멤버십을 해지했는데 계속 결제됩니다",
        "지난달에 앱에서 유료 멤버십을 해지했고 해지 완료 화면도 캡처해 두었습니다. "
        "그런데 이번 달에도 멤버십 요금이 결제되었습니다.",
        "이번 달 요금을 환불해 주세요.",
        response="refund", amount=7900,
        finding="해지 처리 배치 작업 오류로 일부 회원의 해지가 반영되지 않은 것이 확인되었습니다."),
    _ko("service-call-centre", "상담원이 말을 끊고 불친절하게 응대했습니다",
        "{date}에 교환 문의로 고객센터에 전화했는데 상담원이 제 말을 계속 끊고 '규정상 안 된다'는 말만 반복하다 "
        "한숨을 쉬며 전화를 끊었습니다. 다시 전화하기도 겁이 납니다.",
        "사과를 받고 싶고, 교환 문의를 제대로 처리해 주세요.",
        response="apology", amount=0,
        finding="통화 녹취를 확인한 결과 응대 기준에 맞지 않는 태도가 확인되어 해당 상담원 코칭을 진행했습니다."),
    _ko("service-call-centre", "고객센터 연결에 40분이 걸렸습니다",
        "결제 오류 때문에 고객센터에 전화했는데 40분을 기다려서야 연결되었고, 연결되자마자 다른 부서로 "
        "돌려졌다가 끊겼습니다. 세 번째 전화에서야 겨우 상담했습니다.",
        "대기 시간을 줄여 주시고, 끊긴 전화는 다시 걸어 주는 제도를 만들어 주세요.",
        response="process_change", amount=0,
        finding="해당 주간 상담 인력 부족과 부서 간 호 전환 설정 오류가 확인되었습니다."),
    _ko("service-call-centre", "상담원이 반품 기한을 잘못 안내했습니다",
        "상담원이 반품은 30일 안에만 하면 된다고 해서 기다렸는데, 막상 신청하니 7일이 지나 안 된다고 합니다. "
        "잘못된 안내 때문에 손해를 봤습니다.",
        "처음 안내받은 대로 반품을 받아 주세요.",
        products=("가습기", "전기요"), response="refund", amount=69000,
        finding="상담 이력에서 잘못된 반품 기한 안내가 확인되어 안내 내용대로 반품을 승인했습니다."),
    _ko("service-app-login", "앱 업데이트 후 로그인이 안 됩니다",
        "어제 앱을 업데이트한 뒤로 로그인하면 '일시적인 오류'라는 메시지만 나옵니다. 비밀번호를 바꿔도 "
        "똑같고, 그 사이에 장바구니 특가가 끝났습니다.",
        "로그인을 고쳐 주시고 놓친 특가 가격으로 구매할 수 있게 해 주세요.",
        response="compensation", amount=10000,
        finding="특정 안드로이드 버전에서 인증 토큰 저장 오류가 발생한 것이 확인되어 긴급 수정 배포했습니다."),
    _ko("service-digital", "결제 단계에서 앱이 멈추고 쿠폰이 사라졌습니다",
        "주문서에서 결제 버튼을 누르자 앱이 멈췄고, 다시 들어가 보니 결제는 안 되었는데 사용하려던 "
        "15% 할인 쿠폰이 '사용 완료'로 바뀌어 있습니다.",
        "쿠폰을 다시 발급해 주세요.",
        response="correction", amount=0,
        finding="결제 실패 시 쿠폰 사용 취소가 처리되지 않는 오류가 확인되었습니다."),
    _ko("privacy-marketing", "수신 거부했는데 광고 문자가 계속 옵니다",
        "두 달 전에 앱 설정에서 마케팅 수신을 모두 거부했는데 아직도 일주일에 서너 번씩 광고 문자가 옵니다. "
        "밤 9시 넘어서 오는 문자도 있습니다.",
        "광고 문자를 즉시 중단하고, 제 정보를 어떻게 쓰고 있는지 알려 주세요.",
        response="process_change", amount=0,
        finding="문자 발송 대행사로 수신 거부 목록이 전달되지 않은 연동 오류가 확인되었습니다."),
    _ko("privacy-marketing", "동의하지 않은 제휴사에서 전화가 옵니다",
        "회원가입 때 제3자 제공에 동의하지 않았는데 보험 제휴사라며 전화가 계속 옵니다. "
        "어디서 제 번호를 받았냐고 물으니 귀사라고 했습니다.",
        "제 정보가 넘어갔는지 확인해 주시고, 넘어갔다면 파기하게 해 주세요.",
        response="process_change", amount=0,
        finding="제휴 이벤트 응모 시의 동의 화면이 기본 선택으로 되어 있던 것이 확인되어 제공을 중단했습니다."),
    _ko("privacy-disclosure", "다른 사람의 주문 내역이 보였습니다",
        "주문 내역을 열었더니 제가 주문하지 않은 상품과 다른 사람의 이름, 주소가 보였습니다. "
        "반대로 제 정보도 다른 사람에게 보였을까 걱정됩니다.",
        "어떻게 된 일인지, 제 정보가 노출되었는지 알려 주세요.",
        response="apology", amount=0,
        finding="캐시 설정 오류로 약 20분간 일부 화면이 다른 회원에게 보인 것이 확인되어 개인정보 유출 신고 절차를 밟았습니다."),
    _ko("privacy-disclosure", "택배 송장에 전화번호가 전부 나와 있습니다",
        "{product} 상자의 송장에 제 휴대전화 번호가 가운데 자리까지 전부 인쇄되어 있었습니다. "
        "안심번호를 쓴다고 하지 않았나요?",
        "송장 번호 가림 처리를 제대로 해 주세요.",
        products=("생수 묶음", "화장지"), response="process_change", amount=0,
        finding="일부 협력 택배사 송장 양식에서 안심번호 적용이 누락된 것이 확인되었습니다."),
    _ko("financial-card-fees", "카드 연회비를 설명 듣지 못했습니다",
        "가입할 때 연회비가 없다고 들었는데 이번 달 명세서에 연회비 15만 원이 청구되었습니다. "
        "가입 상담 때 프리미엄 서비스 연회비 이야기는 전혀 없었습니다.",
        "연회비를 취소해 주세요.",
        response="refund", amount=150000,
        finding="가입 녹취에서 연회비 설명이 누락된 것이 확인되었습니다."),
    _ko("financial-card-fees", "해외 결제 수수료 안내가 없었습니다",
        "해외 여행 중에 카드를 썼는데 원화 결제 수수료와 해외 이용 수수료가 함께 붙어 예상보다 훨씬 많이 "
        "나왔습니다. 원화 결제를 막는 방법도 안내받지 못했습니다.",
        "이중으로 붙은 수수료를 돌려주세요.",
        response="refund", amount=23400,
        finding="원화결제 차단 서비스 안내 문자가 발송되지 않은 것이 확인되었습니다."),
    _ko("financial-card", "분실 신고 후에 부정 사용이 되었습니다",
        "{date} 오전에 카드를 잃어버려 바로 분실 신고를 했는데, 신고 두 시간 뒤에 온라인에서 결제가 두 건 "
        "승인되었습니다. 신고가 접수되었다는 문자도 받았습니다.",
        "부정 사용 금액을 청구하지 말아 주세요.",
        response="refund", amount=412000,
        finding="분실 신고가 온라인 가맹점 승인 차단에 반영되기까지 지연이 있었던 것이 확인되었습니다."),
    _ko("financial-loan-interest", "금리인하요구가 반영되지 않았습니다",
        "승진해서 소득이 늘어 금리인하요구를 했고 승인 문자까지 받았는데, 이번 달 이자가 예전 금리로 "
        "계산되었습니다.",
        "낮아진 금리로 다시 계산해서 더 낸 이자를 돌려주세요.",
        response="refund", amount=186000,
        finding="승인된 인하 금리가 다음 이자 계산일부터 적용되도록 등록되지 않은 것이 확인되었습니다."),
    _ko("financial-loan-interest", "중도상환수수료가 약정보다 많이 나왔습니다",
        "대출 약정서에는 중도상환수수료가 1.2%에 3년 동안 매년 줄어든다고 되어 있는데, 2년째에 상환하면서 "
        "1.2%가 그대로 적용되었습니다.",
        "약정대로 다시 계산해서 차액을 돌려주세요.",
        response="refund", amount=1350000,
        finding="수수료 체감 방식이 전산에 잘못 등록된 것이 확인되어 같은 상품의 다른 고객도 점검했습니다."),
    _ko("financial-loan", "상환일 안내가 없어 연체 기록이 생겼습니다",
        "자동이체 계좌를 바꾼 뒤 상환일 안내 문자를 받지 못해 하루 연체되었고, 연체 이자와 함께 "
        "신용점수가 떨어졌습니다. 예전에는 항상 문자가 왔습니다.",
        "연체 기록을 정정해 주세요.",
        response="correction", amount=0,
        finding="계좌 변경 시 알림 설정이 초기화되는 오류가 확인되어 연체 기록 정정을 신용평가사에 요청했습니다."),
    _ko("financial-mis-selling", "적금인 줄 알고 가입했는데 보험이었습니다",
        "지점에서 '적금처럼 매달 넣으면 된다'고 해서 가입했는데, 나중에 보니 저축성 보험이었고 지금 해지하면 "
        "원금의 절반도 못 받는다고 합니다. 보험이라는 설명은 들은 적이 없습니다.",
        "계약을 취소하고 낸 돈을 전부 돌려주세요.",
        response="refund", amount=2400000, place="강남지점",
        finding="판매 과정의 설명 확인서에 서명만 있고 상품 유형 설명 기록이 없는 것이 확인되었습니다."),
    _ko("financial-mis-selling", "어머니께 고위험 상품을 권유했습니다",
        "일흔여덟 살이신 어머니께서 정기예금을 갱신하러 가셨다가 원금 손실이 날 수 있는 파생결합상품에 "
        "가입하셨습니다. 어머니는 내용을 전혀 모르시고, 보호자 동석 안내도 없었습니다.",
        "계약을 취소하고 원금을 돌려주세요.",
        response="refund", amount=3000000, place="분당지점", on_behalf=True,
        finding="고령 투자자 보호 절차(숙려 기간 안내, 가족 동석 권유)가 지켜지지 않은 것이 확인되었습니다."),
    _ko("complaints-handling", "지난번 불만에 한 달째 답이 없습니다",
        "한 달 전에 배송 문제로 불만을 접수하고 접수번호도 받았는데, 그 뒤로 아무 연락이 없습니다. "
        "문의할 때마다 '담당 부서에 전달했다'는 말만 듣습니다.",
        "지난 불만을 누가 언제까지 처리하는지 알려 주세요.",
        response="apology", amount=0,
        finding="이전 건이 담당자 휴직 후 재배정되지 않은 채 방치된 것이 확인되었습니다."),
    _ko("complaints-handling", "담당자가 계속 바뀌어 같은 설명을 반복했습니다",
        "같은 건으로 네 번 전화했는데 매번 담당자가 달라서 처음부터 다시 설명해야 했습니다. "
        "앞의 상담 내용이 전혀 남아 있지 않은 것 같습니다.",
        "한 명의 담당자가 끝까지 맡아 주세요.",
        response="process_change", amount=0,
        finding="상담 이력이 일부 채널에서 공유되지 않은 것이 확인되었습니다."),
    _ko("complaints-handling", "처리 결과에 근거 설명이 없습니다",
        "제 불만에 대해 '검토 결과 규정상 불가'라는 한 줄짜리 답변만 받았습니다. 어떤 규정인지, 무엇을 "
        "검토했는지 설명이 없어서 납득할 수 없습니다.",
        "어떤 근거로 판단했는지 구체적으로 설명해 주세요.",
        response="explanation", amount=0,
        finding="이전 답변에 판단 근거와 이의 제기 방법이 빠져 있던 것이 확인되었습니다."),
    _ko("customer-service", "픽업 센터 직원이 무례하게 대했습니다",
        "{place}에서 주문한 물건을 찾으려고 했는데 직원이 휴대전화만 보며 대답도 하지 않았고, "
        "신분증을 던지듯이 돌려주었습니다.",
        "직원 교육과 사과를 바랍니다.",
        place="잠실 픽업 센터", response="apology", amount=0,
        finding="현장 CCTV와 근무 기록으로 응대 불량이 확인되어 해당 직원 교육을 실시했습니다."),
    _ko("billing", "쿠폰이 적용되지 않은 금액으로 결제되었습니다",
        "주문서에는 쿠폰 할인이 적용된 금액이 보였는데, 실제 카드 승인 금액은 할인 전 금액이었습니다.",
        "차액을 돌려주세요.",
        response="refund", amount=12000,
        finding="쿠폰 중복 적용 제한 로직 오류로 결제 금액이 다시 계산된 것이 확인되었습니다."),
)  # fmt: skip

EN_STORIES: tuple[Story, ...] = (
    _en("delivery-delay", "My order is a week late",
        "I ordered a {product} on {date} with guaranteed two-day delivery. It has now been eight days and "
        "tracking has said 'in transit' the whole time. Nobody can tell me where it is.",
        "Please deliver it this week and refund the express shipping fee.",
        products=("standing desk", "coffee grinder", "gaming chair"), response="refund", amount=5000,
        finding="The parcel was held at a regional hub after a label scanning error."),
    _en("delivery-damage-lost", "Parcel marked delivered but never arrived",
        "Tracking for order {order} says it was delivered on {date} and left with the security office. "
        "Our building's security office has no record of it and the photo shows a different door.",
        "Please send a replacement or refund me.",
        products=("air purifier", "blender"), response="replacement", amount=0,
        finding="The courier's photo was taken at the neighbouring building; the parcel was misdelivered."),
    _en("delivery-damage-broken", "Dinner set arrived cracked",
        "The {product} I ordered arrived with three plates cracked and one bowl in pieces. The box had no "
        "padding at all. I have photos of the packaging.",
        "Replace the broken pieces, please.",
        products=("ceramic dinner set", "stoneware bowl set"), response="replacement", amount=0,
        finding="The item was shipped without the standard protective packaging."),
    _en("delivery-damage-lost", "Wrong item delivered",
        "I ordered a {product} and received a box of kitchen towels instead. I've already had to wait ten days.",
        "Send the right item quickly and collect the wrong one.",
        products=("mechanical keyboard", "wireless mouse"), response="replacement", amount=0,
        finding="A picking error at the fulfilment centre swapped two orders."),
    _en("delivery-courier", "Courier left my parcel in the rain",
        "The courier left a cardboard box on the open stairs during heavy rain instead of in the lobby. "
        "The {product} inside got wet and the box fell apart.",
        "Compensate me for the damaged item and tell the courier to use the lobby.",
        products=("book set", "linen bedding"), response="compensation", amount=30000,
        finding="The delivery note asking for lobby delivery was ignored by the courier."),
    _en("product-defect-electronics", "Laptop charger overheats",
        "The charger that came with my {product} gets hot enough to burn my hand and yesterday it smelled "
        "of melting plastic. I've stopped using it.",
        "Replace the charger and check whether other customers are affected.",
        products=("laptop", "tablet"), response="replacement", amount=0, safety=True,
        finding="Tests confirmed a faulty batch of chargers; the batch has been withdrawn from sale."),
    _en("product-defect-electronics", "Speaker stopped working after a week",
        "My {product} stopped turning on after only a week. It doesn't charge either. I followed every "
        "step in the troubleshooting guide.",
        "A new one or my money back.",
        products=("Bluetooth speaker", "smart speaker"), response="replacement", amount=0,
        finding="The returned unit had a defective charging board."),
    _en("product-description", "Jacket is not the material described",
        "The listing said the {product} was 100% wool. The label inside says 30% wool, 70% polyester. "
        "I paid a wool price for it.",
        "Refund the difference or let me return it free of charge.",
        products=("winter jacket", "coat"), response="refund", amount=40000,
        finding="The seller listed the wrong material; the listing has been corrected."),
    _en("billing-double-charge", "Charged twice for one order",
        "My credit card shows two identical charges for order {order} on {date}. I only placed one order "
        "and I can't find a second one in my account.",
        "Refund the duplicate charge immediately.",
        response="refund", amount=64500,
        finding="A payment gateway timeout caused the charge to be submitted twice."),
    _en("billing-refund", "Refund not received after return",
        "I returned the {product} three weeks ago and your courier collected it on {date}. I still have "
        "not received my refund and the status just says 'processing'.",
        "Please refund me now and tell me why it took so long.",
        products=("rice cooker", "vacuum cleaner"), response="refund", amount=159000,
        finding="The refund was stuck waiting for the seller's approval after inspection."),
    _en("billing-subscription", "Charged after cancelling my subscription",
        "I cancelled my premium membership last month (I have the confirmation email) but was charged "
        "again this month.",
        "Refund this month's fee.",
        response="refund", amount=7900,
        finding="A batch job failed to apply some cancellations before the renewal date."),
    _en("billing", "Charged in won with a conversion fee I did not choose",
        "When I paid with my foreign card, the checkout converted the price into my home currency without "
        "asking me and added a 3% conversion fee.",
        "Refund the conversion fee and let customers choose.",
        response="refund", amount=4200,
        finding="Dynamic currency conversion was switched on by default for foreign cards."),
    _en("service-call-centre", "Rude call-centre agent",
        "I called about a missing item and the agent was sarcastic, told me I must have made a mistake and "
        "then put me on hold for 15 minutes before the call dropped.",
        "An apology and someone who will actually deal with the missing item.",
        response="apology", amount=0,
        finding="The call recording confirmed the agent's conduct fell short of our service standard."),
    _en("service-call-centre", "No English support when I called",
        "Your website says English support is available, but when I called the agent said nobody spoke "
        "English and hung up. I am a foreign resident and could not explain my problem.",
        "Make English support actually available and call me back.",
        response="process_change", amount=0,
        finding="English calls were not being routed to the bilingual team after a menu change."),
    _en("service-app-login", "Verification text never arrives",
        "I can't log in to the app because the verification SMS never arrives on my phone number, which "
        "is registered with a foreign-resident ID. I have tried for three days.",
        "Fix verification for foreign residents or give me another way to log in.",
        response="correction", amount=0,
        finding="The SMS provider rejected numbers registered to foreign-resident IDs."),
    _en("service-digital", "Checkout rejects my foreign card",
        "Every time I try to pay with my Visa card issued abroad, checkout shows 'payment failed' with no "
        "explanation, although the card works everywhere else.",
        "Accept foreign cards or say clearly that you don't.",
        response="explanation", amount=0,
        finding="Foreign-issued cards were blocked by a fraud rule that was too broad."),
    _en("privacy-marketing", "Marketing texts after I opted out",
        "I opted out of marketing messages in the app settings two months ago and still get several "
        "promotional texts a week, some after 9 pm.",
        "Stop the messages and confirm what data you use for marketing.",
        response="process_change", amount=0,
        finding="The opt-out list was not being sent to the messaging provider."),
    _en("privacy-disclosure", "I received another customer's details by email",
        "The order confirmation email I received contained another customer's name, phone number and "
        "delivery address. I'm worried my details went to someone else too.",
        "Tell me whether my data was exposed and what you are doing about it.",
        response="apology", amount=0,
        finding="A template error mixed up recipients for 14 emails; affected customers were notified."),
    _en("financial-card-fees", "Card annual fee was never explained",
        "I was told the card had no annual fee. My statement now shows a 120,000 won fee for a 'premium "
        "benefits' package that nobody mentioned when I signed up.",
        "Cancel the fee.",
        response="refund", amount=120000,
        finding="The sign-up recording shows the annual fee was not explained."),
    _en("financial-card-fees", "Foreign transaction fee not disclosed",
        "I was charged a foreign transaction fee on every online purchase from overseas shops. The product "
        "page for the card said 'no foreign fees'.",
        "Refund the fees charged so far.",
        response="refund", amount=31000,
        finding="An old version of the product page advertised no foreign fees after the terms changed."),
    _en("financial-loan-interest", "Loan interest miscalculated after a rate change",
        "My loan rate was lowered from 5.9% to 5.1% on {date}, as your letter confirmed, but this month's "
        "interest was still calculated at the old rate.",
        "Recalculate and refund the overpaid interest.",
        response="refund", amount=96000,
        finding="The new rate was registered to start one period later than agreed."),
    _en("financial-loan-interest", "Early repayment fee higher than the contract",
        "My contract says the early repayment fee falls each year, but I was charged the full first-year "
        "rate when I repaid in the second year.",
        "Refund the difference.",
        response="refund", amount=880000,
        finding="The fee schedule was set up incorrectly for this loan product."),
    _en("financial-card", "Card blocked abroad without warning",
        "My card was blocked while I was travelling even though I had registered the trip in the app. I "
        "was stuck at a hotel desk without a way to pay.",
        "Compensate me for the extra costs and explain why the travel notice was ignored.",
        response="compensation", amount=150000,
        finding="Travel notices entered in the app were not passed to the fraud monitoring system."),
    _en("financial-mis-selling", "Insurance added to my card without consent",
        "I found I have been paying for 'payment protection insurance' with my card for eight months. I "
        "never asked for it and do not remember agreeing to it.",
        "Cancel it and refund all the premiums.",
        response="refund", amount=76000,
        finding="The consent tick box was pre-selected in the online application."),
    _en("complaints-handling", "No reply to my earlier complaint",
        "I complained about a damaged item five weeks ago and was given a reference number. Since then "
        "nobody has contacted me, and the status page still says 'received'.",
        "Deal with my original complaint and explain the delay.",
        response="apology", amount=0,
        finding="The earlier complaint was not reassigned when its handler went on leave."),
    _en("complaints-handling", "I had to repeat my complaint to five people",
        "Every time I called about my complaint I spoke to someone new who had no notes and asked me to "
        "start again.",
        "Give me one person who owns my case.",
        response="process_change", amount=0,
        finding="Case notes from phone calls were not visible to the web team."),
    _en("complaints-handling", "Final response ignored my main points",
        "The reply to my complaint talked about delivery times, but my complaint was about being charged "
        "for an item I returned. It did not explain how I can appeal.",
        "A response that answers what I actually asked, and how to take it further.",
        response="explanation", amount=0,
        finding="The earlier response was based on the wrong order and did not give the appeal routes."),
    _en("product-defect-food", "Food delivered past its use-by date",
        "The {product} in my grocery delivery was two days past its use-by date. I only noticed after "
        "opening it.",
        "Refund and make sure it does not happen again.",
        products=("yoghurt multipack", "fresh pasta"), response="refund", amount=7800, safety=True,
        finding="Date checks were skipped at the chilled section during a staff shortage."),
    _en("product-quality", "Furniture kit missing parts",
        "The {product} I bought is missing the screws and two side panels, so I cannot assemble it. The "
        "manual lists parts that were not in the box.",
        "Send the missing parts this week.",
        products=("bookshelf", "wardrobe"), response="replacement", amount=0,
        finding="The supplier shipped a batch with incomplete hardware packs."),
    _en("delivery-courier", "Courier refused to bring the parcel to my father's door",
        "My father uses a wheelchair. The courier refused to bring a heavy parcel up from the lobby even "
        "though we asked for door delivery because of his disability, and left it there.",
        "Make sure the assistance request is respected and apologise to him.",
        response="apology", amount=0, on_behalf=True,
        finding="The assistance note was not shown on the courier's handheld device."),
)  # fmt: skip

KO_NAMES = (
    "김민준", "이서연", "박지훈", "최수아", "정도윤", "강하은", "조예준", "윤지우", "장서준", "임하린",
    "한지호", "오채원", "서건우", "신유나", "권민서", "황태윤", "안소율", "송현우", "류지안", "홍다은",
)  # fmt: skip
KO_HANDLES = (
    "minjun.kim", "seoyeon.lee", "jihoon.park", "sua.choi", "doyun.jung", "haeun.kang", "yejun.jo",
    "jiwoo.yoon", "seojun.jang", "harin.lim", "jiho.han", "chaewon.oh", "gunwoo.seo", "yuna.shin",
    "minseo.kwon", "taeyun.hwang", "soyul.ahn", "hyunwoo.song", "jian.ryu", "daeun.hong",
)  # fmt: skip
EN_NAMES = (
    "Emma Walker", "Liam Foster", "Olivia Bennett", "Noah Clarke", "Ava Mitchell", "Lucas Martin",
    "Mia Robertson", "Ethan Hughes", "Sophie Turner", "James O'Neill", "Chloe Dubois", "Daniel Meyer",
)  # fmt: skip
KO_ADDRESSES = (
    "서울특별시 예시구 데모로 12, 101동 1001호",
    "경기도 성남시 예시구 샘플길 34",
    "부산광역시 예시구 바다로 56, 3층",
    "대전광역시 예시구 한밭로 78",
)
EN_ADDRESSES = (
    "12 Example-ro, Demo-gu, Seoul",
    "34 Sample-gil, Yeonsu-gu, Incheon",
)
KO_RELATIVES = (
    ("김순자", "어머니"),
    ("이영호", "아버지"),
    ("박하늘", "자녀"),
    ("최지은", "배우자"),
)
EN_RELATIVES = (("Margaret Walker", "mother"), ("Robert Foster", "father"), ("Anna Clarke", "wife"))
KO_ASSISTANCE = (
    "청각장애가 있어 전화 대신 문자나 이메일로 연락해 주세요.",
    "평일 낮에는 통화가 어려우니 저녁 6시 이후에 연락해 주세요.",
)
EN_ASSISTANCE = (
    "Please reply in English; my Korean is limited.",
    "I have a visual impairment; please send documents as accessible PDF or plain text.",
)

# Short texts for the staff's and the complainant's steps, by language.
TEXTS: dict[str, dict[str, tuple[str, ...]]] = {
    "ko": {
        "assess": (
            "초기 평가 완료. 사실 확인이 필요합니다.",
            "고객 제출 자료 검토 후 평가했습니다.",
        ),
        "immediate": ("해당 로트 판매를 중지하고 보유 재고를 격리했습니다.",),
        "investigate": (
            "관련 부서에 사실 확인을 요청했습니다.",
            "주문·결제 기록과 상담 녹취를 확인하고 있습니다.",
            "협력사에 경위서를 요청했습니다.",
        ),
        "request": (
            "주문번호와 상품 사진을 보내 주시겠습니까?",
            "문제가 있었던 날짜와 시간을 알려 주시겠습니까?",
            "카드 명세서의 해당 부분을 보내 주시면 확인이 빨라집니다.",
        ),
        "received": (
            "고객이 요청한 자료를 보내 주셨습니다.",
            "고객과 통화하여 추가 내용을 확인했습니다.",
        ),
        "approve": ("보상 금액 승인합니다.", "조사 내용 확인, 제안대로 승인합니다."),
        "communicate": ("처리 결과를 안내드렸습니다.", "결정 내용과 이유를 설명드렸습니다."),
        "accept": ("빠르게 처리해 주셔서 감사합니다.", "안내해 주신 대로 받아들이겠습니다.", ""),
        "reject": (
            "보상이 충분하지 않다고 생각합니다.",
            "설명에 납득할 수 없습니다. 다시 검토해 주세요.",
        ),
        "escalate": ("결정에 동의하지 않아 재검토를 요청합니다.",),
        "close": ("고객 수락 확인 후 종결합니다.", "처리 완료."),
        "close_no_reply": ("회신 기간이 지나 종결합니다.",),
        "close_exhausted": ("재검토 결과 안내 및 외부 분쟁조정 기관 안내 후 종결합니다.",),
        "withdraw": (
            "문제가 해결되어 불만을 철회합니다.",
            "판매자와 직접 해결했습니다. 철회합니다.",
        ),
        "merge": ("같은 고객이 같은 내용을 다시 접수하여 병합합니다.",),
        "duplicate": ("앞서 접수한 건에 대해 다시 문의드립니다. ",),
        "external": (
            "재검토 결과에 동의하지 않으시면 한국소비자원(국번 없이 1372) 또는 "
            "금융감독원 금융분쟁조정위원회(국번 없이 1332)에 조정을 신청하실 수 있습니다.",
        ),
    },
    "en": {
        "assess": (
            "Initial assessment done; facts to be checked.",
            "Assessed after reviewing the evidence.",
        ),
        "immediate": ("The affected batch has been withdrawn from sale and stock quarantined.",),
        "investigate": (
            "Asked the team concerned for the facts.",
            "Checking order, payment and call records.",
            "Asked the partner company for its account of events.",
        ),
        "request": (
            "Could you send us the order number and a photo of the item?",
            "Could you tell us the date and time this happened?",
            "Could you send the relevant part of your card statement?",
        ),
        "received": ("The complainant sent the information we asked for.",),
        "approve": ("Remedy approved.", "Investigation checked; approved as proposed."),
        "communicate": ("Decision and reasons sent to the complainant.",),
        "accept": ("Thank you, that resolves it.", "I accept this.", ""),
        "reject": ("This does not resolve my complaint.", "I don't agree; please review it again."),
        "escalate": ("I do not accept the decision and ask for a review.",),
        "close": ("Closed after the complainant accepted.",),
        "close_no_reply": ("Closed: no answer within the waiting period.",),
        "close_exhausted": ("Closed after the internal review; external routes given.",),
        "withdraw": ("The problem is solved, I withdraw my complaint.",),
        "merge": ("Same complaint submitted twice by the same person; merged.",),
        "duplicate": ("I am writing again about my earlier complaint. ",),
        "external": (
            "If you disagree with the outcome of this review, you may apply for mediation to the "
            "Korea Consumer Agency (1372) or the Financial Supervisory Service's dispute "
            "mediation committee (1332).",
        ),
    },
}

# How the company's answer begins, by outcome, and what the remedy is, by remedy type.
OUTCOME_TEXT: dict[str, dict[str, str]] = {
    "ko": {
        "upheld": "말씀하신 내용이 사실로 확인되었습니다.",
        "partly_upheld": "말씀하신 내용 가운데 일부가 사실로 확인되었습니다.",
        "not_upheld": "관련 기록을 모두 검토했으나 말씀하신 문제가 당사 책임이라는 근거를 찾지 못했습니다.",
        "review": "재검토는 처음 결정에 관여하지 않은 책임자가 진행했습니다.",
    },
    "en": {
        "upheld": "We found that what you told us is correct.",
        "partly_upheld": "We found that part of what you told us is correct.",
        "not_upheld": "We reviewed all the records but found no evidence that we were at fault.",
        "review": "The review was carried out by a manager not involved in the first decision.",
    },
}
REMEDY_TEXT: dict[str, dict[str, str]] = {
    "ko": {
        "refund": "{amount}원을 환불해 드립니다.",
        "compensation": "불편을 드린 데 대해 {amount}원을 보상해 드립니다.",
        "replacement": "새 제품을 보내 드리고 기존 제품은 회수하겠습니다.",
        "correction": "잘못된 부분을 바로잡았습니다.",
        "apology": "진심으로 사과드립니다.",
        "process_change": "같은 일이 반복되지 않도록 업무 절차를 바꾸었습니다.",
        "explanation": "판단 근거를 자세히 설명드립니다.",
        "none": "",
    },
    "en": {
        "refund": "We will refund {amount} won.",
        "compensation": "We will pay you {amount} won for the inconvenience.",
        "replacement": "We will send a replacement and collect the original.",
        "correction": "We have corrected the error.",
        "apology": "We sincerely apologise.",
        "process_change": "We have changed our procedure so this does not happen again.",
        "explanation": "We explain the reasons for our decision in detail.",
        "none": "",
    },
}
