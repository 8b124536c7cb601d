# ruff: noqa: E501  (question data reads best one question per line)
"""The demo quiz's question bank: youth union history (text, options, correct indexes,
tags, difficulty, explanation)."""

from __future__ import annotations

Q = tuple[str, list[str], list[int], list[str], int, str]

H, B, C = "lich-su-doan", "bac-ho", "lich-su"

QUESTIONS: list[Q] = [
    ("Đoàn TNCS Hồ Chí Minh được thành lập ngày nào?", ["26/3/1931", "3/2/1930", "19/5/1941", "15/10/1956"], [0], [H], 1, "Ngày 26/3/1931 là ngày thành lập Đoàn."),
    ("Tổ chức tiền thân của Đoàn, Hội Việt Nam Cách mạng Thanh niên, được thành lập năm nào?", ["1925", "1930", "1920", "1941"], [0], [H], 2, "Nguyễn Ái Quốc thành lập Hội Việt Nam Cách mạng Thanh niên tháng 6/1925."),
    ("Ai là người sáng lập Hội Việt Nam Cách mạng Thanh niên?", ["Nguyễn Ái Quốc", "Trần Phú", "Lê Hồng Phong", "Phan Bội Châu"], [0], [H, B], 1, "Nguyễn Ái Quốc sáng lập Hội tại Quảng Châu năm 1925."),
    ("Ai là người nói: “Con đường của thanh niên chỉ có thể là con đường cách mạng, không thể là con đường nào khác”?", ["Lý Tự Trọng", "Nguyễn Văn Trỗi", "Võ Thị Sáu", "Kim Đồng"], [0], [H], 1, "Đó là câu nói của anh Lý Tự Trọng trước tòa án thực dân."),
    ("Anh Lý Tự Trọng hy sinh khi bao nhiêu tuổi?", ["17 tuổi", "19 tuổi", "21 tuổi", "15 tuổi"], [0], [H], 2, "Anh hy sinh năm 1931, khi mới 17 tuổi."),
    ("Đoàn được mang tên Chủ tịch Hồ Chí Minh (Đoàn TNCS Hồ Chí Minh) từ năm nào?", ["1976", "1970", "1956", "1986"], [0], [H], 2, "Đại hội Đoàn toàn quốc lần thứ IV (tháng 12/1976) quyết định tên Đoàn TNCS Hồ Chí Minh."),
    ("Năm 1970, Đoàn mang tên gọi nào?", ["Đoàn Thanh niên Lao động Hồ Chí Minh", "Đoàn Thanh niên Cứu quốc", "Đoàn Thanh niên Dân chủ", "Đoàn TNCS Đông Dương"], [0], [H], 3, "Tháng 2/1970, Đoàn Thanh niên Lao động Việt Nam được mang tên Đoàn Thanh niên Lao động Hồ Chí Minh."),
    ("Từ năm 1956, Đoàn mang tên gọi nào?", ["Đoàn Thanh niên Lao động Việt Nam", "Đoàn Thanh niên Cứu quốc Việt Nam", "Đoàn TNCS Hồ Chí Minh", "Hội Thanh niên Phản đế"], [0], [H], 3, "Năm 1956, Đoàn Thanh niên Cứu quốc Việt Nam đổi tên thành Đoàn Thanh niên Lao động Việt Nam."),
    ("Những tên gọi nào là tên của Đoàn qua các thời kỳ?", ["Đoàn Thanh niên Cộng sản Đông Dương", "Đoàn Thanh niên Lao động Việt Nam", "Hội Học sinh Đông Dương", "Đoàn Thanh niên Cứu quốc Việt Nam"], [0, 1, 3], [H], 3, "Hội Học sinh Đông Dương không phải tên gọi của Đoàn."),
    ("Đại hội Đoàn toàn quốc lần thứ nhất diễn ra năm nào?", ["1950", "1945", "1956", "1961"], [0], [H], 3, "Đại hội lần thứ nhất họp tháng 2/1950 tại Việt Bắc."),
    ("Đại hội Đoàn toàn quốc lần thứ XII diễn ra năm nào?", ["2022", "2017", "2020", "2024"], [0], [H], 1, "Đại hội XII họp tháng 12/2022 tại Hà Nội."),
    ("Nhiệm kỳ Đại hội Đoàn toàn quốc là bao nhiêu năm?", ["5 năm", "3 năm", "4 năm", "10 năm"], [0], [H], 1, "Theo Điều lệ Đoàn, Đại hội toàn quốc họp 5 năm một lần."),
    ("Tháng Thanh niên hằng năm là tháng mấy?", ["Tháng 3", "Tháng 5", "Tháng 8", "Tháng 10"], [0], [H], 1, "Tháng 3 gắn với ngày thành lập Đoàn 26/3."),
    ("Năm 2026 kỷ niệm bao nhiêu năm Ngày thành lập Đoàn?", ["95 năm", "90 năm", "100 năm", "85 năm"], [0], [H], 1, "1931 + 95 = 2026."),
    ("Khẩu hiệu hành động quen thuộc của tuổi trẻ Việt Nam là gì?", ["Đâu cần thanh niên có, việc gì khó có thanh niên", "Học, học nữa, học mãi", "Tất cả vì Tổ quốc", "Sẵn sàng, vì Tổ quốc"], [0], [H], 1, ""),
    ("Đoàn viên là thanh niên Việt Nam trong độ tuổi nào?", ["Từ 16 đến 30 tuổi", "Từ 14 đến 28 tuổi", "Từ 18 đến 35 tuổi", "Từ 15 đến 25 tuổi"], [0], [H], 2, "Theo Điều lệ Đoàn, đoàn viên từ 16 đến 30 tuổi."),
    ("Tổ chức nào là nòng cốt chính trị của Hội Liên hiệp Thanh niên Việt Nam?", ["Đoàn TNCS Hồ Chí Minh", "Hội Sinh viên Việt Nam", "Đội TNTP Hồ Chí Minh", "Hội Nông dân"], [0], [H], 2, ""),
    ("Hội Liên hiệp Thanh niên Việt Nam thành lập ngày nào?", ["15/10/1956", "26/3/1931", "9/1/1950", "15/5/1941"], [0], [H], 2, "Ngày 15/10 là ngày truyền thống của Hội LHTN Việt Nam."),
    ("Đội Thiếu niên Tiền phong Hồ Chí Minh thành lập ngày nào?", ["15/5/1941", "26/3/1931", "1/6/1950", "2/9/1945"], [0], [H], 1, ""),
    ("Ngày truyền thống học sinh, sinh viên Việt Nam là ngày nào?", ["9/1", "26/3", "15/10", "20/11"], [0], [H], 1, "Ngày 9/1/1950 gắn với phong trào đấu tranh của học sinh, sinh viên."),
    ("Ngày Quốc tế Thanh niên là ngày nào?", ["12/8", "1/6", "26/3", "8/3"], [0], [H], 2, "Liên Hợp Quốc chọn ngày 12/8."),
    ("Phong trào “Ba sẵn sàng” của thanh niên được phát động năm nào?", ["1964", "1954", "1975", "1946"], [0], [H, C], 3, "Trung ương Đoàn phát động phong trào năm 1964."),
    ("Chiến dịch “Mùa hè xanh” chủ yếu dành cho ai?", ["Sinh viên tình nguyện", "Học sinh tiểu học", "Cán bộ hưu trí", "Bộ đội biên phòng"], [0], [H], 1, ""),
    ("Anh hùng Nguyễn Văn Trỗi hy sinh năm nào?", ["1964", "1968", "1954", "1972"], [0], [H, C], 2, "Anh hy sinh ngày 15/10/1964."),
    ("Cuốn sách “Sống như Anh” viết về ai?", ["Nguyễn Văn Trỗi", "Lý Tự Trọng", "Nguyễn Viết Xuân", "Phan Đình Giót"], [0], [H], 2, ""),
    ("Nữ anh hùng Võ Thị Sáu quê ở tỉnh nào (trước sắp xếp 2025)?", ["Bà Rịa – Vũng Tàu", "Quảng Nam", "Cà Mau", "Nghệ An"], [0], [H], 2, "Chị quê ở Đất Đỏ, Bà Rịa – Vũng Tàu."),
    ("Liệt sĩ Đặng Thùy Trâm, tác giả cuốn nhật ký nổi tiếng, làm nghề gì?", ["Bác sĩ", "Giáo viên", "Nhà báo", "Kỹ sư"], [0], [H], 2, ""),
    ("Câu “Một năm khởi đầu từ mùa xuân. Một đời khởi đầu từ tuổi trẻ…” là của ai?", ["Chủ tịch Hồ Chí Minh", "Tố Hữu", "Võ Nguyên Giáp", "Phạm Văn Đồng"], [0], [B], 1, ""),
    ("Bác Hồ viết: “Non sông Việt Nam có trở nên tươi đẹp hay không…” trong thư gửi ai?", ["Học sinh nhân ngày khai trường", "Thanh niên xung phong", "Bộ đội Cụ Hồ", "Phụ nữ Việt Nam"], [0], [B], 2, "Thư gửi học sinh nhân ngày khai trường đầu tiên, tháng 9/1945."),
    ("Chủ tịch Hồ Chí Minh sinh ngày nào?", ["19/5/1890", "2/9/1890", "3/2/1890", "19/8/1890"], [0], [B], 1, ""),
    ("Ngày 5/6/1911 gắn với sự kiện nào?", ["Nguyễn Tất Thành ra đi tìm đường cứu nước", "Thành lập Đảng", "Cách mạng Tháng Tám", "Thành lập Đoàn"], [0], [B, C], 1, "Người ra đi từ bến Nhà Rồng."),
    ("Bác Hồ nói: “Thanh niên là người … tương lai của nước nhà”. Từ còn thiếu là gì?", ["chủ", "gánh vác", "xây dựng", "bảo vệ"], [0], [B], 1, ""),
    ("Ngày Quốc khánh nước Cộng hòa xã hội chủ nghĩa Việt Nam là ngày nào?", ["2/9", "30/4", "19/8", "3/2"], [0], [C], 1, "Ngày 2/9/1945 Chủ tịch Hồ Chí Minh đọc Tuyên ngôn Độc lập."),
    ("Chiến dịch Điện Biên Phủ toàn thắng ngày nào?", ["7/5/1954", "30/4/1975", "10/10/1954", "19/12/1946"], [0], [C], 1, ""),
    ("Thủ đô Hà Nội được giải phóng ngày nào?", ["10/10/1954", "7/5/1954", "2/9/1945", "30/4/1975"], [0], [C], 2, ""),
    ("Đảng Cộng sản Việt Nam thành lập ngày nào?", ["3/2/1930", "26/3/1931", "19/5/1941", "2/9/1945"], [0], [C], 1, ""),
    ("Sau sắp xếp đơn vị hành chính năm 2025, Việt Nam có bao nhiêu tỉnh, thành phố?", ["34", "63", "28", "45"], [0], [C], 1, "Từ ngày 1/7/2025 cả nước có 34 tỉnh, thành phố."),
    ("Sau năm 2025, chính quyền địa phương được tổ chức mấy cấp?", ["Hai cấp", "Ba cấp", "Bốn cấp", "Một cấp"], [0], [C], 2, "Cấp tỉnh và cấp xã (xã, phường, đặc khu)."),
    ("Mặt trận Tổ quốc và các đoàn thể: Đoàn TNCS Hồ Chí Minh là thành viên của tổ chức nào?", ["Mặt trận Tổ quốc Việt Nam", "Liên Hợp Quốc", "ASEAN", "Hội Chữ thập đỏ"], [0], [H], 2, ""),
    ("Người đoàn viên tiêu biểu được Đoàn chọn làm tấm gương “người đoàn viên đầu tiên” là ai?", ["Lý Tự Trọng", "Trần Phú", "Ngô Gia Tự", "Hà Huy Tập"], [0], [H], 2, ""),
    ("Hoạt động nào là phong trào của tuổi trẻ trong chuyển đổi số hiện nay?", ["Bình dân học vụ số", "Ba sẵn sàng", "Năm xung kích", "Tiếng hát át tiếng bom"], [0], [H], 3, "Phong trào “Bình dân học vụ số” giúp người dân dùng dịch vụ số."),
]
