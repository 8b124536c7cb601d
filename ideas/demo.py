# ruff: noqa: E501 - demo texts read better unwrapped
"""Demo ideas for a fresh install: a dozen realistic ideas across fields and units, some
votes and comments, one accepted with an official answer."""

from __future__ import annotations

import contextlib
import logging
from datetime import timedelta

from accounts.demo import DemoPeople
from accounts.permissions import load_principal
from core import clock
from ideas import discussion, review, service, votes
from ideas.errors import IdeasError
from ideas.models import Idea, IdeaField, IdeaStatus
from ideas.schemas import IdeaIn

log = logging.getLogger(__name__)

# (author index: 0-3 members, title, summary, body, field, tags)
IDEAS: list[tuple[int, str, str, str, IdeaField, list[str]]] = [
    (
        0,
        "Sổ tay đoàn viên điện tử cho chi đoàn phường",
        "Chuyển đổi số việc quản lý đoàn viên, sinh hoạt và đoàn phí bằng một ứng dụng trên điện thoại.",
        "## Vấn đề\nSổ đoàn viên giấy khó cập nhật, dễ thất lạc.\n\n## Giải pháp\n- Ứng dụng di động có mã QR điểm danh\n- Nhắc lịch sinh hoạt\n- Báo cáo tự động cho Đoàn phường",
        IdeaField.DIGITAL_TRANSFORMATION,
        ["chuyển đổi số", "chi đoàn", "ứng dụng"],
    ),
    (
        1,
        "Ngày chủ nhật xanh thu gom rác thải nhựa ven hồ",
        "Mỗi tháng một buổi sáng chủ nhật đoàn viên cùng người dân thu gom, phân loại rác nhựa quanh hồ.",
        "Phối hợp với tổ dân phố và công ty môi trường đô thị. Rác nhựa sạch được bán để gây quỹ khuyến học.",
        IdeaField.ENVIRONMENT,
        ["môi trường", "rác thải nhựa"],
    ),
    (
        2,
        "Lớp học kỹ năng số miễn phí cho người cao tuổi",
        "Đoàn viên sinh viên hướng dẫn người cao tuổi dùng điện thoại thông minh, dịch vụ công trực tuyến.",
        "Mỗi tuần hai buổi tối tại nhà văn hoá khu phố: cài VNeID, thanh toán không tiền mặt, nhận diện lừa đảo qua mạng.",
        IdeaField.EDUCATION,
        ["kỹ năng số", "người cao tuổi"],
    ),
    (
        3,
        "Tủ sách dùng chung ở các điểm chờ xe buýt",
        "Đặt tủ sách nhỏ tại điểm chờ xe buýt để người dân mượn và trả sách tự giác.",
        "Sách do đoàn viên quyên góp; chi đoàn nhận bảo quản từng tủ.",
        IdeaField.CULTURE,
        ["văn hoá đọc", "sách"],
    ),
    (
        0,
        "Bản đồ số các điểm hiến máu tình nguyện",
        "Một bản đồ trực tuyến cập nhật lịch và địa điểm hiến máu tình nguyện trong thành phố.",
        "Tích hợp đăng ký trước, nhắc lịch hiến máu lần sau, thống kê theo đơn vị.",
        IdeaField.HEALTH,
        ["hiến máu", "bản đồ số"],
    ),
    (
        1,
        "Chợ phiên nông sản sạch do thanh niên khởi nghiệp",
        "Tổ chức chợ phiên cuối tuần kết nối thanh niên nông thôn bán nông sản sạch cho người dân thành phố.",
        "Có truy xuất nguồn gốc bằng mã QR và thanh toán không tiền mặt.",
        IdeaField.AGRICULTURE,
        ["nông sản", "khởi nghiệp"],
    ),
    (
        2,
        "Hỗ trợ thủ tục hành chính trực tuyến tại bộ phận một cửa",
        "Đoàn viên tình nguyện hướng dẫn người dân nộp hồ sơ trực tuyến tại bộ phận một cửa phường.",
        "Giảm thời gian chờ, tăng tỷ lệ hồ sơ trực tuyến; ghi nhận phản ánh của người dân.",
        IdeaField.PUBLIC_ADMINISTRATION,
        ["dịch vụ công", "một cửa"],
    ),
    (
        3,
        "Cuộc thi lập trình robot cho học sinh trung học",
        "Tổ chức cuộc thi lập trình robot hằng năm để khơi dậy đam mê khoa học công nghệ.",
        "Đoàn trường phối hợp với các câu lạc bộ STEM; chia bảng theo khối lớp.",
        IdeaField.SCIENCE_TECHNOLOGY,
        ["STEM", "robot"],
    ),
    (
        0,
        "Không gian khởi nghiệp cho thanh niên tại nhà văn hoá",
        "Biến một phòng của nhà văn hoá thành không gian làm việc chung cho thanh niên khởi nghiệp.",
        "Wi-Fi miễn phí, lịch cố vấn hằng tháng với doanh nhân trẻ.",
        IdeaField.ECONOMY,
        ["khởi nghiệp", "không gian làm việc"],
    ),
    (
        1,
        "Trồng cây xanh trên các tuyến phố Đà Nẵng",
        "Mỗi chi đoàn nhận chăm sóc một đoạn phố, trồng và tưới cây xanh trong mùa khô.",
        "Cây giống do công ty công viên cây xanh hỗ trợ; chi đoàn ghi nhật ký chăm sóc.",
        IdeaField.ENVIRONMENT,
        ["cây xanh", "Đà Nẵng"],
    ),
    (
        2,
        "Tư vấn tâm lý trực tuyến cho học sinh",
        "Kênh trò chuyện ẩn danh để học sinh được tư vấn tâm lý bởi chuyên gia và tình nguyện viên.",
        "Hoạt động buổi tối; có quy trình chuyển tiếp khi gặp trường hợp khẩn cấp.",
        IdeaField.HEALTH,
        ["tâm lý", "học sinh"],
    ),
    (
        3,
        "Góc đọc sách thiếu nhi ở khu phố",
        "Một góc đọc sách có đệm ngồi và tranh truyện cho thiếu nhi mỗi chiều thứ bảy.",
        "Đoàn viên kể chuyện và hướng dẫn trò chơi đọc hiểu.",
        IdeaField.OTHER,
        ["thiếu nhi", "đọc sách"],
    ),
]

ANSWER = (
    "Thành đoàn ghi nhận và chấp nhận ý tưởng. Ứng dụng sẽ được thí điểm tại 5 phường "
    "trong quý tới; nhóm tác giả được mời tham gia tổ triển khai."
)


async def seed(people: DemoPeople) -> None:
    """Idempotent: creates the demo ideas once (skipped when any idea exists)."""
    if await Idea.exists():
        return
    members = people.members
    principals = [await load_principal(m) for m in members]
    created: list[Idea] = []
    for i, (who, title, summary, body, field, tags) in enumerate(IDEAS):
        data = IdeaIn(title=title, summary=summary, body=body, field=field, tags=tags)
        idea = await service.submit(principals[who], data)
        # Spread creation times over the last months so lists and statistics look lived-in.
        at = clock.now() - timedelta(days=7 * (len(IDEAS) - i))
        await Idea.filter(id=idea.id).update(created_at=at, updated_at=at, submitted_at=at)
        created.append(idea)
    for idea in created[:6]:
        for p in principals:
            if p.member_id != idea.author_id:
                with contextlib.suppress(IdeasError):
                    await votes.vote(p, idea.id)
    await discussion.post_comment(
        principals[1], created[0].id, "Ý tưởng rất thiết thực, chi đoàn mình sẵn sàng thí điểm!"
    )
    await discussion.post_comment(
        principals[2], created[0].id, "Nên có thêm chức năng nhắc đóng đoàn phí."
    )
    await discussion.post_comment(principals[0], created[1].id, "Mình đăng ký tham gia buổi đầu.")
    organiser = await load_principal(people.organizer)
    if organiser.organizes(created[0].unit_path):
        await review.review(organiser, created[0].id, IdeaStatus.UNDER_REVIEW, "")
        await review.review(organiser, created[0].id, IdeaStatus.ACCEPTED, ANSWER)
    await _index_now()


async def _index_now() -> None:
    """Index the demo ideas at once when no worker runs (the `seed-demo` command), so the
    demo is searchable from the first page view; otherwise the worker's drain does it."""
    from search import engine, sync

    try:
        engine.get_backend()
        return
    except RuntimeError:
        pass
    from core.settings import get_settings

    settings = get_settings()
    backend = engine.create_backend(
        meili_url=settings.meili_url,
        meili_key=settings.meili_master_key,
        index_prefix=settings.meili_index_prefix,
    )
    try:
        await backend.start()
        engine.set_backend(backend)
        await sync.drain()
    except Exception:  # the drain cron catches up; a demo must not fail on search
        log.warning("demo ideas not indexed now; the worker will index them", exc_info=True)
    finally:
        engine.set_backend(None)
        await backend.close()


__all__ = ["seed"]
