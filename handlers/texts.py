"""Everything the bot says that is not knowledge-base content, in both languages.

Kept in one place so the wording can be reviewed by the officials who own the bot. No contact
detail appears here: the fallback names the kind of body to ask, never an address or number.
"""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "source": {"vi": "Nguồn", "en": "Source"},
    "as_of": {"vi": "Thông tin cập nhật đến", "en": "Information as of"},
    "contact": {"vi": "Liên hệ", "en": "Contact"},
    "address": {"vi": "Địa chỉ", "en": "Address"},
    "phone": {"vi": "Điện thoại", "en": "Phone"},
    "email": {"vi": "E-mail", "en": "E-mail"},
    "website": {"vi": "Trang web", "en": "Website"},
    "hours": {"vi": "Giờ làm việc", "en": "Office hours"},
    "clarify": {
        "vi": "Tôi chưa chắc bạn muốn hỏi điều nào. Có phải bạn muốn hỏi:",
        "en": "I am not sure which of these you mean. Did you mean:",
    },
    "clarify_hint": {
        "vi": "Hãy chọn một câu ở trên, hoặc hỏi lại cụ thể hơn.",
        "en": "Pick one of the questions above, or ask again in more detail.",
    },
    "fallback": {
        "vi": (
            "Xin lỗi, tôi chưa có thông tin để trả lời câu hỏi này. Tôi chỉ trả lời về Kế hoạch hành động "
            "119/KH-UBND của tỉnh Thanh Hóa về ngoại giao kinh tế, gồm:\n{topics}\n"
            "Với thủ tục hành chính hay việc thuộc lĩnh vực khác, bạn nên hỏi cơ quan chuyên môn phụ trách "
            "lĩnh vực đó hoặc Ủy ban nhân dân xã, phường nơi bạn ở. Câu hỏi về ngoại giao kinh tế của tỉnh "
            "có thể gửi Sở Ngoại vụ tỉnh Thanh Hóa."
        ),
        "en": (
            "Sorry, I have no information to answer that. I only answer questions about Thanh Hóa "
            "province's economic-diplomacy action plan (Plan 119/KH-UBND), namely:\n{topics}\n"
            "For administrative procedures or other matters, please ask the agency in charge of that field "
            "or the People's Committee of your commune or ward. Questions on the province's economic "
            "diplomacy can go to the Thanh Hóa Department of Foreign Affairs (Sở Ngoại vụ)."
        ),
    },
    "unknown_document": {
        "vi": (
            "Tôi không có thông tin về văn bản bạn nhắc tới. Tôi chỉ có thông tin về Kế hoạch hành động "
            "119/KH-UBND của tỉnh Thanh Hóa và các văn bản mà kế hoạch này triển khai (Chỉ thị số "
            "15-CT/TW, Nghị quyết số 21/NQ-CP, Kế hoạch số 128-KH/TU). Để tra cứu văn bản khác, bạn nên "
            "hỏi cơ quan đã ban hành văn bản đó."
        ),
        "en": (
            "I have no information about the document you mention. I only know Thanh Hóa's action plan "
            "119/KH-UBND and the documents it implements (Directive 15-CT/TW, Resolution 21/NQ-CP, "
            "Plan 128-KH/TU). For any other document, please ask the body that issued it."
        ),
    },
    "empty": {
        "vi": "Bạn chưa nhập câu hỏi. Hãy gõ câu hỏi của bạn, ví dụ: \"Kế hoạch 119 là gì?\"",
        "en": "You have not typed a question yet. Try, for example: \"What is Plan 119?\"",
    },
    "related": {"vi": "Câu hỏi liên quan", "en": "Related questions"},
    "menu": {
        "vi": "Bạn muốn tìm hiểu nội dung nào? Chọn một chủ đề hoặc gõ câu hỏi của bạn.",
        "en": "What would you like to know? Pick a topic or type your question.",
    },
    "topic_intro": {"vi": "Các câu hỏi về chủ đề: {title}", "en": "Questions on: {title}"},
    "back": {"vi": "⬅️ Quay lại", "en": "⬅️ Back"},
    "unknown_option": {
        "vi": "Lựa chọn này không còn hiệu lực. Bạn hãy gõ câu hỏi hoặc mở lại menu.",
        "en": "That choice is no longer available. Please type your question or open the menu again.",
    },
    "pick_number": {"vi": "Gõ số {numbers} để chọn.", "en": "Type {numbers} to choose."},
}


def t(key: str, lang: str, **kwargs: str) -> str:
    text = TEXTS[key].get(lang) or TEXTS[key]["vi"]
    return text.format(**kwargs) if kwargs else text
